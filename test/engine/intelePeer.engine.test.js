'use strict';

/**
 * IntelePeer through the real n8n engine (n8n-core WorkflowExecute → RoutingNode →
 * httpRequestWithAuthentication → HTTP) against the local sandbox. Needs `npm run build` first.
 *
 * IntelePeer's token is opaque and valid 24 hours (documented, not stated in the answer), sent as
 * `Bearer <token>` or the raw token depending on the credential's header style.
 */

const { createEngine } = require('./harness');
const { startSandbox, ACCOUNTS } = require('../sandbox');
const { items, customCall, expectProviderError, expectInputRefusal, useFakeDate, defineCustomCallGuards } = require('./providerTestKit');

const ACCOUNT = ACCOUNTS.intelePeer;
const DAY_MS = 24 * 3600 * 1000;

/** @type {import('../sandbox').Sandbox} */
let sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox?.close();
});

const stats = () => sandbox.intelePeer.stats();
const LOGIN_ROUTE = 'POST /_rest/v4/authenticate';
const PORTAL_ROUTE = 'POST /_rest/v4/app/sms/authenticate/get_portal_auth_token';

function credential(overrides = {}) {
	return {
		authUrl: sandbox.intelePeer.authUrl,
		baseUrl: sandbox.intelePeer.baseUrl,
		username: ACCOUNT.username,
		password: ACCOUNT.password,
		...overrides,
	};
}

function run(engine, id, parameters, extra = {}) {
	return engine.run({ nodeType: 'intelePeer', parameters, credentials: { intelePeerApi: id }, ...extra });
}

function expectSuccess(result, n) {
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(n);
	expect(result.errors.filter(Boolean)).toHaveLength(0);
}

describe('IntelePeer operations through the real engine', () => {
	let engine;
	let id;

	beforeAll(() => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('intelePeerApi', credential(), { name: 'IntelePeer sandbox' });
	});

	beforeEach(() => sandbox.intelePeer.reset());

	test('Token → Get on a cold credential: one login, the 24-hour token; again: the same token, no call', async () => {
		const before = Date.now();
		const result = await run(engine, id, { resource: 'token', operation: 'get' });
		const after = Date.now();
		expectSuccess(result, 1);
		const out = result.items[0];
		expect(Object.keys(out).sort()).toEqual(['expiresAt', 'token']);
		expect(sandbox.intelePeer.tokensIssued()).toEqual([out.token]);
		expect(Date.parse(out.expiresAt)).toBeGreaterThanOrEqual(before + DAY_MS);
		expect(Date.parse(out.expiresAt)).toBeLessThanOrEqual(after + DAY_MS);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 0, total: 1, byRoute: { [LOGIN_ROUTE]: 1 } });

		sandbox.intelePeer.reset();
		const again = await run(engine, id, { resource: 'token', operation: 'get' }, { items: items(3) });
		expectSuccess(again, 3);
		for (const json of again.items) expect(json).toEqual(out);
		expect(stats().total).toBe(0);
	});

	test('Token → Get SMS Portal Token: POST with username and password, a portal token, no login', async () => {
		expectSuccess(await run(engine, id, { resource: 'token', operation: 'get' }), 1); // warm (no call when cached)
		sandbox.intelePeer.reset();
		const before = sandbox.intelePeer.tokensIssued();

		const result = await run(engine, id, { resource: 'token', operation: 'getSmsPortalToken' });
		expectSuccess(result, 1);
		expect(Object.keys(result.items[0])).toEqual(['token']);
		const portal = result.items[0].token;
		expect(before).not.toContain(portal);
		expect(sandbox.intelePeer.tokensIssued()).toContain(portal);
		expect(portal).not.toBe(engine.getCredential(id).sessionToken);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, rejected: 0, total: 1, byRoute: { [PORTAL_ROUTE]: 1 } });
	});

	test('Custom API Call, header style Bearer (default): Authorization: Bearer <token>', async () => {
		const result = await run(engine, id, customCall('/echo/numbers', { queryParameters: { parameters: [{ name: 'page', value: '2' }] } }));
		expectSuccess(result, 1);
		expect(result.items[0]).toMatchObject({ method: 'GET', path: '/_rest/v4/echo/numbers', query: { page: '2' }, authScheme: 'Bearer' });
		expect(stats()).toMatchObject({ apiCalls: 1, rejected: 0, byRoute: { 'GET /_rest/v4/echo/*': 1 } });
	});

	test('Custom API Call, header style Raw: Authorization: <token>, same account so the same token (no login)', async () => {
		expectSuccess(await run(engine, id, { resource: 'token', operation: 'get' }), 1);
		sandbox.intelePeer.reset();
		const raw = engine.setCredential('intelePeerApi', credential({ headerStyle: 'raw' }));
		const result = await run(engine, raw, customCall('/echo', { method: 'POST', jsonBody: '{"to": "+15550100"}' }));
		expectSuccess(result, 1);
		expect(result.items[0]).toMatchObject({ method: 'POST', path: '/_rest/v4/echo', body: { to: '+15550100' }, authScheme: 'raw' });
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, rejected: 0, total: 1 });
	});

	defineCustomCallGuards({
		context: () => ({ engine, id }),
		run,
		stats,
		basePath: '/_rest/v4',
		otherHost: 'https://api.intelepeer.example.com/_rest/v4/echo',
		dotDot: '/echo/../../authenticate',
		authorizationHeader: { name: 'Authorization', value: 'raw-token' },
		badJson: { method: 'PATCH', body: '{"a": 1}}' },
		beforeContinueOnFail: async (engine, id) => {
			expectSuccess(await run(engine, id, { resource: 'token', operation: 'get' }), 1);
			sandbox.intelePeer.reset();
		},
	});
});

describe('IntelePeer errors through the real engine', () => {
	let engine;

	beforeAll(() => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
	});

	beforeEach(() => sandbox.intelePeer.reset());

	test('wrong password: 401 {"data":null,"error":"Missing Authentication Token"} → one refused login for 3 items, cause named', async () => {
		const wrong = 'wrong-intelepeer-password';
		const bad = engine.setCredential('intelePeerApi', credential({ password: wrong }));
		const result = await run(engine, bad, customCall('/echo'), { items: items(3) });
		expectProviderError(engine, result, {
			provider: 'IntelePeer',
			status: 401,
			cause: [/refused the login \(401 Missing Authentication Token\)/, /check the Username .* and Password/],
			secrets: [wrong],
		});
		expect(stats()).toMatchObject({ logins: 1, loginFailures: 1, apiCalls: 0, total: 1 });
	});

	test('wrong password on Token → Get: the same 401 and cause', async () => {
		const wrong = 'another-wrong-password';
		const bad = engine.setCredential('intelePeerApi', credential({ password: wrong }));
		const result = await run(engine, bad, { resource: 'token', operation: 'get' });
		expectProviderError(engine, result, {
			provider: 'IntelePeer',
			status: 401,
			cause: [/Missing Authentication Token/, /check the Username .* and Password/],
			secrets: [wrong],
		});
		expect(stats()).toMatchObject({ logins: 1, loginFailures: 1, apiCalls: 0 });
	});

	test('wrong password on Get SMS Portal Token: 401 with the login cause, the password never shown', async () => {
		const wrong = 'third-wrong-password';
		const bad = engine.setCredential('intelePeerApi', credential({ password: wrong }));
		const result = await run(engine, bad, { resource: 'token', operation: 'getSmsPortalToken' });
		expectProviderError(engine, result, {
			provider: 'IntelePeer',
			status: 401,
			cause: [/Missing Authentication Token/, /check the Username .* and Password/],
			secrets: [wrong],
		});
		expect(stats().byRoute[PORTAL_ROUTE]).toBe(1);
	});
});

describe('IntelePeer token life cycle through the real engine', () => {
	beforeEach(() => sandbox.resetAll({ state: true }));
	afterEach(() => {
		jest.useRealTimers();
		sandbox.intelePeer.configure({ tokenLifetimeSeconds: 24 * 3600 });
	});

	test('cold credential, 100 items at once: 1 login; token persisted; a restarted n8n reuses it with 0 logins', async () => {
		const engine = createEngine();
		const id = engine.setCredential('intelePeerApi', credential());
		const result = await run(engine, id, customCall('/echo'), { items: items(100) });
		expectSuccess(result, 100);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 100, rejected: 0, total: 101 });

		const stored = engine.getCredential(id);
		expect(sandbox.intelePeer.tokensIssued()).toEqual([stored.sessionToken]);
		expect(Date.parse(stored.sessionExpiresAt) - Date.parse(stored.sessionObtainedAt)).toBe(DAY_MS);

		engine.restartProcess();
		sandbox.intelePeer.reset();
		const again = await run(engine, id, customCall('/echo'), { items: items(10) });
		expectSuccess(again, 10);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 10, rejected: 0 });
		expect(engine.getCredential(id).sessionToken).toBe(stored.sessionToken);
	});

	test('Token → Get on a cold credential persists the token it obtained: a restarted n8n returns it with 0 logins', async () => {
		const engine = createEngine();
		const id = engine.setCredential('intelePeerApi', credential());
		const first = await run(engine, id, { resource: 'token', operation: 'get' });
		expectSuccess(first, 1);
		expect(stats()).toMatchObject({ logins: 1, total: 1 });

		engine.restartProcess();
		sandbox.intelePeer.reset();
		const again = await run(engine, id, { resource: 'token', operation: 'get' });
		expectSuccess(again, 1);
		expect(again.items[0].token).toBe(first.items[0].token);
		expect(stats()).toMatchObject({ logins: 0, total: 0 });
		expect(engine.getCredential(id).sessionToken).toBe(first.items[0].token);
	});

	test('known expiry (the documented 24 h): a day later, 20 items cost exactly 1 login and no rejected request', async () => {
		useFakeDate();
		const engine = createEngine();
		const id = engine.setCredential('intelePeerApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);

		jest.setSystemTime(Date.parse(first.sessionExpiresAt) + 60_000);
		sandbox.intelePeer.reset();
		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 20, rejected: 0, total: 21 });
		expect(engine.getCredential(id).sessionToken).not.toBe(first.sessionToken);
	});

	test('token refused before its 24 h (revoked server-side): one login and one retry per item', async () => {
		const engine = createEngine();
		const id = engine.setCredential('intelePeerApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		sandbox.intelePeer.revokeTokens();
		sandbox.intelePeer.reset();

		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 40, rejected: 20 });
	});
});
