'use strict';
/** IntelePeer in a real n8n with the packed package (common scenarios: lib/providerScenarios.js). */
const { defineProviderScenarios } = require('./lib/providerScenarios');
const { PROVIDERS } = require('./lib/providers');

defineProviderScenarios({
	...PROVIDERS.intelePeer,
	operations: () => [
		{
			id: 'get',
			title: 'Token → Get',
			tokenOutput: true,
			parameters: { resource: 'token', operation: 'get' },
			check: (out, ctx) => {
				expect(out).toHaveLength(1);
				expect(Object.keys(out[0]).sort()).toEqual(['expiresAt', 'token']);
				expect(ctx.handle.tokensIssued()).toContain(out[0].token);
			},
		},
		{
			id: 'sms',
			title: 'Token → Get SMS Portal Token',
			tokenOutput: true,
			parameters: { resource: 'token', operation: 'getSmsPortalToken' },
			check: (out, ctx) => {
				expect(out).toHaveLength(1);
				expect(Object.keys(out[0])).toEqual(['token']);
				expect(ctx.handle.tokensIssued()).toContain(out[0].token);
			},
		},
		{
			id: 'custom',
			title: 'Custom API Call',
			parameters: { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo/numbers' },
			check: (out) => expect(out).toEqual([expect.objectContaining({ method: 'GET', path: '/_rest/v4/echo/numbers', authScheme: expect.stringMatching(/^bearer$/i) })]),
		},
	],
	operationsStatsCheck: (s) => {
		expect(s.logins).toBe(1);
		expect(s.apiCalls).toBe(2);
	},
});
