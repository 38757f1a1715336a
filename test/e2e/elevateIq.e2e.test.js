'use strict';
/** Elevate IQ in a real n8n with the packed package (common scenarios: lib/providerScenarios.js). */
const { defineProviderScenarios } = require('./lib/providerScenarios');
const { ACCOUNTS } = require('../sandbox');
const { PROVIDERS } = require('./lib/providers');

const user = (o) => expect(o).toMatchObject({ id: expect.any(Number), username: expect.any(String) });

defineProviderScenarios({
	...PROVIDERS.elevateIq,
	operations: () => [
		{
			id: 'usersAll',
			title: 'User → Get Many (Return All)',
			parameters: { resource: 'user', operation: 'getAll', returnAll: true },
			check: (out) => {
				expect(out.length).toBeGreaterThan(3);
				out.forEach(user);
				expect(out.some((u) => u.username === ACCOUNTS.elevateIq.username)).toBe(true);
			},
		},
		{
			id: 'usersLim',
			title: 'User → Get Many (Limit 3)',
			parameters: { resource: 'user', operation: 'getAll', returnAll: false, limit: 3 },
			check: (out) => {
				expect(out).toHaveLength(3);
				out.forEach(user);
			},
		},
		{
			id: 'userCreate',
			title: 'User → Create',
			parameters: { resource: 'user', operation: 'create', username: 'e2e.hopper', email: 'e2e.hopper@example.com', additionalFields: { firstName: 'Grace', roleId: 2 } },
			check: (out) => {
				expect(out).toHaveLength(1);
				expect(out[0]).toMatchObject({ id: expect.any(Number), username: 'e2e.hopper', email: 'e2e.hopper@example.com', firstName: 'Grace', roleId: 2 });
			},
		},
		{
			id: 'userUpdate',
			title: 'User → Update',
			parameters: { resource: 'user', operation: 'update', userId: 5, updateFields: { firstName: 'Updated' } },
			check: (out) => expect(out).toEqual([expect.objectContaining({ id: 5, firstName: 'Updated' })]),
		},
		{
			id: 'roles',
			title: 'User Role → Get Many',
			parameters: { resource: 'userRole', operation: 'getAll' },
			check: (out) => {
				expect(out.length).toBeGreaterThan(0);
				for (const r of out) expect(r).toHaveProperty('id');
			},
		},
		{
			id: 'custAll',
			title: 'Customer → Get Many (Return All)',
			parameters: { resource: 'customer', operation: 'getAll', returnAll: true },
			check: (out) => {
				expect(out.length).toBeGreaterThan(15);
				expect(new Set(out.map((c) => c.id)).size).toBe(out.length);
			},
		},
		{
			id: 'custLim',
			title: 'Customer → Get Many (Limit 15)',
			parameters: { resource: 'customer', operation: 'getAll', returnAll: false, limit: 15 },
			check: (out) => expect(out).toHaveLength(15),
		},
		{
			id: 'tokenGet',
			title: 'Token → Get',
			tokenOutput: true,
			parameters: { resource: 'token', operation: 'get' },
			check: (out, ctx) => {
				expect(out).toHaveLength(1);
				expect(out[0].tokenType).toBe('Bearer');
				expect(ctx.handle.tokensIssued()).toContain(out[0].accessToken);
				expect(Date.parse(out[0].expiresAt)).toBeGreaterThan(Date.now());
			},
		},
		{
			id: 'custom',
			title: 'Custom API Call',
			parameters: { resource: 'customApiCall', operation: 'request', method: 'DELETE', path: '/echo/x/1' },
			check: (out) => expect(out).toEqual([expect.objectContaining({ method: 'DELETE', path: '/v2/echo/x/1', authScheme: expect.stringMatching(/^bearer$/i) })]),
		},
	],
	operationsStatsCheck: (s) => {
		expect(s.byRoute).toMatchObject({ 'POST /v2/users': 1, 'PATCH /v2/users': 1, 'GET /v2/user-roles': 1 });
		// one process for the whole batch: the token is shared between the runs
		expect(s.logins).toBe(1);
	},
});
