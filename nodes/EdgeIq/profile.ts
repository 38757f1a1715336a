import { trimSlash } from '../shared/token/connectionFields';
import type { TokenProfile } from '../shared/token/profile';

/** EdgeIQ: bare token in Authorization (no "Bearer"), and a bad token is answered with 403. */
export const edgeIqProfile: TokenProfile = {
	provider: 'EdgeIQ',
	credentialType: 'edgeIqApi',
	tokenName: 'session token',
	identityFields: ['baseUrl', 'authMode', 'email', 'password', 'apiToken'],
	urlFields: { baseUrl: 'Base URL' },
	requiredFields: { email: 'Email', password: 'Password' },
	apiBaseUrl: (c) => trimSlash(c.baseUrl),
	staticToken: {
		isSelected: (c) => c.authMode === 'apiToken',
		token: (c) => String(c.apiToken ?? '').trim(),
		field: 'apiToken',
		fieldName: 'API Token',
		tokenName: 'API token',
		fix: 'get a new one with API Token → Reset (or from the EdgeIQ portal) and paste it into the credential',
	},
	login: {
		request: (c) => ({
			method: 'POST',
			url: `${trimSlash(c.baseUrl)}/user/authenticate`,
			body: { email: String(c.email).trim(), password: c.password as string },
		}),
		token: ['session_token'],
		expiresAt: ['session_expires_at'],
		lifetimeSeconds: 4 * 3600,
		refusedBecause: {
			400: 'EdgeIQ did not accept the login request: check the Email',
			401: 'check the Email and Password in the credential',
			403: 'check the Email and Password in the credential',
			404: 'check the Base URL (it should end in /api/v1/platform)',
		},
	},
	apply: { header: 'Authorization', prefix: () => '' },
	expiredStatuses: [401, 403],
};
