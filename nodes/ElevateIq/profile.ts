import { trimSlash } from '../shared/token/connectionFields';
import type { TokenProfile } from '../shared/token/profile';

/** Elevate IQ: Bearer token from POST {endpoint}/authenticate; its expiry is the JWT's `exp`, if any. */
export const elevateIqProfile: TokenProfile = {
	provider: 'Elevate IQ',
	credentialType: 'elevateIqApi',
	tokenName: 'access token',
	identityFields: ['baseUrl', 'authMode', 'authPath', 'username', 'password', 'accessToken'],
	urlFields: { baseUrl: 'API Endpoint URL' },
	requiredFields: { username: 'API Username', password: 'API Password' },
	apiBaseUrl: (c) => trimSlash(c.baseUrl),
	staticToken: {
		isSelected: (c) => c.authMode === 'accessToken',
		token: (c) => String(c.accessToken ?? '').trim(),
		field: 'accessToken',
		fieldName: 'Access Token',
		tokenName: 'access token',
		fix: 'paste a new access token into the credential, or switch it to Username & Password so the token renews itself',
	},
	login: {
		request: (c) => ({
			method: 'POST',
			url: `${trimSlash(c.baseUrl)}/${String(c.authPath || 'authenticate').trim().replace(/^\/+/, '')}`,
			body: { username: String(c.username).trim(), password: c.password as string },
		}),
		token: ['token', 'accessToken', 'access_token', 'data'],
		expiresAt: ['expiresAt', 'expires_at'],
		refusedBecause: {
			400: 'check the API Username and API Password in the credential',
			401: 'check the API Username and API Password, and that the API user is active',
			403: 'the API user is not allowed to log in through the API: check it in Elevate',
			404: 'check the API Endpoint URL and the Authentication Path',
		},
	},
	apply: { header: 'Authorization', prefix: () => 'Bearer ' },
	expiredStatuses: [401],
	apiErrorCauses: {
		403: 'the API user lacks permission for this resource: adjust its role in Elevate (API permissions mirror the Elevate UI)',
		404: 'not found: check the ID or the path',
		409: 'a user with this username already exists',
	},
};
