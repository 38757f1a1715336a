import { trimSlash } from '../shared/token/connectionFields';
import type { TokenProfile } from '../shared/token/profile';

const DAY = 24 * 3600;

/** Elyssa App: log in with the company ID; renew with the 360-day refresh token before logging in again. */
export const elyssaProfile: TokenProfile = {
	provider: 'Elyssa App',
	credentialType: 'elyssaApi',
	tokenName: 'access token',
	identityFields: ['baseUrl', 'companyId'],
	urlFields: { baseUrl: 'Base URL' },
	requiredFields: { companyId: 'Company ID' },
	apiBaseUrl: (c) => trimSlash(c.baseUrl),
	login: {
		request: (c) => ({
			method: 'POST',
			url: `${trimSlash(c.baseUrl)}/auth/login/`,
			body: { companyId: String(c.companyId).trim() },
		}),
		token: ['accessToken'],
		lifetimeSeconds: DAY,
		refreshToken: ['refreshToken'],
		refreshTokenLifetimeSeconds: 360 * DAY,
		refusedBecause: {
			400: 'check the Company ID in the credential',
			401: 'check the Company ID in the credential',
			404: 'check the Base URL',
		},
	},
	renew: {
		uses: 'refreshToken',
		request: (state, c) => ({
			method: 'POST',
			url: `${trimSlash(c.baseUrl)}/auth/refresh/`,
			body: { refresh: state.refreshToken ?? '' },
		}),
		token: ['accessToken'],
		lifetimeSeconds: DAY,
	},
	apply: { header: 'Authorization', prefix: () => 'Bearer ' },
	expiredStatuses: [401],
};
