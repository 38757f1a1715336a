'use strict';
/** EdgeIQ in a real n8n with the packed package (see lib/providerScenarios.js for the common scenarios). */
const n8n = require('./lib/n8n');
const kit = require('./lib/e2eKit');
const { defineProviderScenarios, ITEMS } = require('./lib/providerScenarios');
const { ACCOUNTS } = require('../sandbox');
const { PROVIDERS } = require('./lib/providers');

const EDGE = ACCOUNTS.edgeIq;
const NEW_PASSWORD = 'E2e-Changed-Passw0rd-7';

defineProviderScenarios({
	...PROVIDERS.edgeIq,
	operations: () => [
		{
			id: 'sessCreate',
			title: 'Session → Create',
			tokenOutput: true,
			parameters: { resource: 'session', operation: 'create' },
			check: (out, ctx) => {
				expect(out).toHaveLength(1);
				expect(out[0]).toMatchObject({ email: EDGE.email, session_token: expect.any(String) });
				expect(out[0]).not.toHaveProperty('password');
				expect(ctx.handle.tokensIssued()).toContain(out[0].session_token);
			},
		},
		{
			id: 'me',
			title: 'Session → Get Current User',
			parameters: { resource: 'session', operation: 'getCurrentUser' },
			check: (out) => {
				expect(out).toHaveLength(1);
				expect(out[0].email).toBe(EDGE.email);
				expect(out[0]).not.toHaveProperty('session_token');
			},
		},
		{
			id: 'apiTokReset',
			title: 'API Token → Reset',
			tokenOutput: true,
			parameters: { resource: 'apiToken', operation: 'reset' },
			check: (out) => {
				expect(out).toHaveLength(1);
				expect(out[0].email).toBe(EDGE.email);
				expect(out[0].api_token).toMatch(/^[0-9a-f]{40}$/);
				expect(out[0].api_token).not.toBe(EDGE.apiToken);
			},
		},
		{
			id: 'pwReq',
			title: 'Password → Request Reset',
			parameters: { resource: 'password', operation: 'requestReset', email: EDGE.email },
			check: (out, ctx) => {
				expect(out).toEqual([{ message: 'Password reset email sent' }]);
				expect(ctx.handle.outbox().at(-1)).toMatchObject({ email: EDGE.email, url: 'https://app.edgeiq.io/reset_password' });
			},
		},
		{
			id: 'custom',
			title: 'Custom API Call',
			parameters: { resource: 'customApiCall', operation: 'request', method: 'POST', path: '/echo/things', body: '{"a":1}' },
			check: (out) => {
				expect(out).toHaveLength(1);
				expect(out[0]).toMatchObject({ method: 'POST', path: '/api/v1/platform/echo/things', authScheme: 'raw' });
			},
		},
	],
	operationsStatsCheck: (s) => {
		expect(s.byRoute).toMatchObject({
			'GET /api/v1/platform/me': 1,
			'POST /api/v1/platform/user/api_token_reset': 1,
			'POST /api/v1/platform/user/password_reset_request': 1,
		});
	},
	extraWorkflows: (ctx) => [
		n8n.buildWorkflow({ id: 'e2eedgeIqrevoked', items: kit.items(ITEMS), nodes: [ctx.node({ resource: 'session', operation: 'getCurrentUser' }, ctx.creds.extra)] }),
	],
	extraTests: (ctx) => {
		test(`revokeTokens() then ${ITEMS} items: 1 new login, each refused item retried once, all succeed`, async () => {
			// warm the credential first (its own stored session)
			const warm = await kit.run(ctx.home, 'e2eedgeIqrevoked', 'edgeIq-revoke-warm');
			expect(kit.describeRun(warm)).toBe('status success, code 0');
			const revoked = ctx.handle.revokeTokens();
			expect(revoked).toBeGreaterThan(0);
			ctx.handle.reset();
			const r = await kit.run(ctx.home, 'e2eedgeIqrevoked', 'edgeIq-revoked');
			const s = ctx.handle.stats();
			ctx.observed.revoked = kit.counters(ctx.handle);
			expect(kit.describeRun(r)).toBe('status success, code 0');
			const out = n8n.outputOf(r.json, 'Op');
			expect(out).toHaveLength(ITEMS);
			for (const o of out) expect(o.email).toBe(EDGE.email);
			expect(s.logins).toBe(1);
			expect(s.rejected).toBeLessThanOrEqual(ITEMS);
			expect(s.apiCalls).toBe(ITEMS + s.rejected); // every refused item was retried exactly once
		});

		test('Password → Reset with the token from the reset email (last: it changes the sandbox password)', async () => {
			const mail = ctx.handle.outbox().at(-1);
			expect(mail?.resetToken).toEqual(expect.any(String));
			const wf = n8n.buildWorkflow({
				id: 'e2eedgeIqpwReset1',
				nodes: [ctx.node({ resource: 'password', operation: 'reset', resetToken: mail.resetToken, newPassword: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD }, ctx.creds.extra)],
			});
			await n8n.importWorkflows(ctx.home, [wf]);
			ctx.handle.reset();
			const r = await kit.run(ctx.home, wf.id, 'edgeIq-password-reset');
			ctx.observed.passwordReset = kit.counters(ctx.handle);
			expect(kit.describeRun(r)).toBe('status success, code 0');
			expect(n8n.outputOf(r.json, 'Op')).toHaveLength(1);
			expect(ctx.handle.stats().byRoute).toEqual({ "POST /api/v1/platform/user/password_reset/:token": 1 });
			// the new password now logs in at the provider, the old one does not
			const login = (password) =>
				fetch(`${ctx.handle.baseUrl}/user/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EDGE.email, password }) }).then((x) => x.status);
			expect(await login(NEW_PASSWORD)).toBe(200);
			expect(await login(EDGE.password)).not.toBe(200);
		});
	},
});
