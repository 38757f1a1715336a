'use strict';
/** Elyssa App in a real n8n with the packed package (common scenarios: lib/providerScenarios.js). */
const { defineProviderScenarios } = require('./lib/providerScenarios');
const { PROVIDERS } = require('./lib/providers');

defineProviderScenarios({
	...PROVIDERS.elyssa,
	operations: () => [
		{
			id: 'login',
			title: 'Token → Log In',
			tokenOutput: true,
			parameters: { resource: 'token', operation: 'logIn' },
			check: (out, ctx) => {
				expect(out).toHaveLength(1);
				expect(Object.keys(out[0]).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt']);
				expect(ctx.handle.tokensIssued()).toContain(out[0].accessToken);
			},
		},
		{
			id: 'refresh',
			title: "Token → Refresh (the credential's refresh token)",
			tokenOutput: true,
			parameters: { resource: 'token', operation: 'refresh', refreshToken: '' },
			check: (out, ctx) => {
				expect(out).toHaveLength(1);
				expect(ctx.handle.tokensIssued()).toContain(out[0].accessToken);
			},
		},
		{
			id: 'custom',
			title: 'Custom API Call',
			parameters: { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo/companies' },
			check: (out) => expect(out).toEqual([expect.objectContaining({ method: 'GET', path: '/echo/companies', authScheme: expect.stringMatching(/^bearer$/i) })]),
		},
	],
	operationsStatsCheck: (s) => {
		expect(s.byRoute['POST /auth/login/']).toBeGreaterThanOrEqual(1);
		expect(s.byRoute['POST /auth/refresh/']).toBeGreaterThanOrEqual(1);
	},
});
