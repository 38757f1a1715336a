import { trimSlash } from '../shared/token/connectionFields';
import type { TokenProfile } from '../shared/token/profile';

/** eConnect: a JWT from /api/v1/authenticate, renewed with itself at /api/v1/renewToken before `exp`. */
export const eConnectProfile: TokenProfile = {
	provider: 'eConnect',
	credentialType: 'eConnectApi',
	tokenName: 'JWT',
	identityFields: ['baseUrl', 'username', 'password'],
	urlFields: { baseUrl: 'Base URL' },
	requiredFields: { username: 'Username', password: 'Password' },
	apiBaseUrl: (c) => trimSlash(c.baseUrl),
	login: {
		request: (c) => ({
			method: 'POST',
			url: `${trimSlash(c.baseUrl)}/api/v1/authenticate`,
			body: { username: String(c.username).trim(), password: c.password as string },
		}),
		token: ['token'],
		refusedBecause: {
			400: 'the Username or Password is incorrect (eConnect answers 400 for this)',
			401: 'check the Username and Password',
			404: 'check the Base URL (e.g. https://customername.econnectcloud.com/identities)',
		},
	},
	renew: {
		uses: 'accessToken',
		request: (state, c) => ({
			method: 'GET',
			url: `${trimSlash(c.baseUrl)}/api/v1/renewToken`,
			headers: { Authorization: `Bearer ${state.token}` },
		}),
		token: ['token'],
	},
	apply: { header: 'Authorization', prefix: () => 'Bearer ' },
	expiredStatuses: [401],
};
