import { trimSlash } from '../shared/token/connectionFields';
import type { TokenProfile } from '../shared/token/profile';

/** IntelePeer: a 24-hour token from the customer portal's authenticate URL, found in `data`. */
export const intelePeerProfile: TokenProfile = {
	provider: 'IntelePeer',
	credentialType: 'intelePeerApi',
	tokenName: 'token',
	identityFields: ['authUrl', 'baseUrl', 'username', 'password'],
	urlFields: { authUrl: 'Authentication URL', baseUrl: 'API Base URL' },
	requiredFields: { username: 'Username', password: 'Password' },
	apiBaseUrl: (c) => trimSlash(c.baseUrl),
	login: {
		request: (c) => ({
			method: 'POST',
			url: String(c.authUrl).trim(),
			body: { username: String(c.username).trim(), password: c.password as string },
		}),
		token: ['data'],
		lifetimeSeconds: 24 * 3600,
		refusedBecause: {
			401: 'check the Username (exactly as in the confirmation email) and Password, and that the user has API access in the Customer Portal',
			403: 'the user has no API access for this account: grant it in the Customer Portal',
			404: 'check the Authentication URL',
		},
	},
	apply: { header: 'Authorization', prefix: (c) => (c.headerStyle === 'raw' ? '' : 'Bearer ') },
	expiredStatuses: [401],
};
