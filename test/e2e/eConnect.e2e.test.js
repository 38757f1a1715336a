'use strict';
/** eConnect in a real n8n with the packed package (common scenarios: lib/providerScenarios.js). */
const { defineProviderScenarios } = require('./lib/providerScenarios');
const { PROVIDERS, eConnectJwtOut: jwtOut } = require('./lib/providers');

defineProviderScenarios({
	...PROVIDERS.eConnect,
	operations: () => [
		{ id: 'login', title: 'Token → Log In', tokenOutput: true, parameters: { resource: 'token', operation: 'logIn' }, check: (out, ctx) => jwtOut(out[0], ctx) },
		{ id: 'renew', title: "Token → Renew (the credential's JWT)", tokenOutput: true, parameters: { resource: 'token', operation: 'renew', token: '' }, check: (out, ctx) => jwtOut(out[0], ctx) },
		{
			id: 'custom',
			title: 'Custom API Call',
			parameters: { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo/contacts/17' },
			check: (out) => expect(out).toEqual([expect.objectContaining({ method: 'GET', path: '/identities/echo/contacts/17', authScheme: expect.stringMatching(/^bearer$/i) })]),
		},
	],
	operationsStatsCheck: (s) => {
		expect(s.byRoute['POST /identities/api/v1/authenticate']).toBeGreaterThanOrEqual(1);
		expect(s.byRoute['GET /identities/api/v1/renewToken']).toBe(1);
	},
});
