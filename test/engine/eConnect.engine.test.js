'use strict';

/**
 * eConnect through the real n8n engine (n8n-core WorkflowExecute → RoutingNode →
 * httpRequestWithAuthentication → HTTP) against the local sandbox. Needs `npm run build` first.
 *
 * eConnect hands out a JWT (`POST /api/v1/authenticate`, wrong password → 400) and renews a
 * still-valid one with `GET /api/v1/renewToken`; the package renews inside the renewal window
 * before `exp`, and logs in again only once the JWT has expired or renewal is refused.
 */

const { createEngine } = require('./harness');
const { startSandbox, ACCOUNTS } = require('../sandbox');
const {
	items,
	customCall,
	sleepUntil,
	jwtPayload,
	tamperJwt,
	expectProviderError,
	expectInputRefusal,
	useFakeDate,
	defineCustomCallGuards,
} = require('./providerTestKit');

const ACCOUNT = ACCOUNTS.eConnect;
const LOGIN_ROUTE = 'POST /identities/api/v1/authenticate';
const RENEW_ROUTE = 'GET /identities/api/v1/renewToken';

/** @type {import('../sandbox').Sandbox} */
let sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox?.close();
});

const stats = () => sandbox.eConnect.stats();

function credential(overrides = {}) {
	return { baseUrl: sandbox.eConnect.baseUrl, username: ACCOUNT.username, password: ACCOUNT.password, ...overrides };
}

function run(engine, id, parameters, extra = {}) {
	return engine.run({ nodeType: 'eConnect', parameters, credentials: { eConnectApi: id }, ...extra });
}

function expectSuccess(result, n) {
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(n);
	expect(result.errors.filter(Boolean)).toHaveLength(0);
}

const isoOfExp = (token) => new Date(jwtPayload(token).exp * 1000).toISOString();

function expectJwtOutput(out) {
	expect(Object.keys(out).sort()).toEqual(['expiresAt', 'token', 'username']);
	expect(out.username).toBe(ACCOUNT.username);
	expect(jwtPayload(out.token)).toMatchObject({ sub: ACCOUNT.username, unique_name: ACCOUNT.username });
	expect(out.expiresAt).toBe(isoOfExp(out.token));
	expect(Date.parse(out.expiresAt)).toBeGreaterThan(Date.now());
	expect(sandbox.eConnect.tokensIssued()).toContain(out.token);
}

describe('eConnect operations through the real engine (warm credential)', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('eConnectApi', credential(), { name: 'eConnect sandbox' });
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 1 });
	});

	beforeEach(() => sandbox.eConnect.reset());

	test('Token → Log In: a new JWT with username and expiry, exactly one login', async () => {
		const result = await run(engine, id, { resource: 'token', operation: 'logIn' });
		expectSuccess(result, 1);
		expectJwtOutput(result.items[0]);
		expect(result.items[0].token).not.toBe(engine.getCredential(id).sessionToken);
		expect(stats()).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 0, total: 1, byRoute: { [LOGIN_ROUTE]: 1 } });
	});

	test('Token → Renew with a given JWT: a fresh JWT, one renewal, no password, no login', async () => {
		const login = await run(engine, id, { resource: 'token', operation: 'logIn' });
		expectSuccess(login, 1);
		sandbox.eConnect.reset();

		const result = await run(engine, id, { resource: 'token', operation: 'renew', token: login.items[0].token });
		expectSuccess(result, 1);
		expectJwtOutput(result.items[0]);
		expect(result.items[0].token).not.toBe(login.items[0].token);
		expect(stats()).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 0, apiCalls: 0, total: 1, byRoute: { [RENEW_ROUTE]: 1 } });
	});

	test("Token → Renew with the parameter empty: renews the credential's own JWT, no login", async () => {
		const own = engine.getCredential(id).sessionToken;
		const result = await run(engine, id, { resource: 'token', operation: 'renew', token: '' });
		expectSuccess(result, 1);
		expectJwtOutput(result.items[0]);
		expect(result.items[0].token).not.toBe(own);
		expect(stats()).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 0, total: 1 });
	});

	test('Custom API Call: DELETE with a query under /identities, Bearer JWT', async () => {
		const result = await run(engine, id, customCall('/echo/contacts/17', { method: 'DELETE', queryParameters: { parameters: [{ name: 'hard', value: '1' }] } }));
		expectSuccess(result, 1);
		expect(result.items[0]).toMatchObject({ method: 'DELETE', path: '/identities/echo/contacts/17', query: { hard: '1' }, authScheme: 'Bearer' });
		expect(stats()).toMatchObject({ logins: 0, refreshes: 0, apiCalls: 1, total: 1 });
	});

	defineCustomCallGuards({
		context: () => ({ engine, id }),
		run,
		stats,
		basePath: '/identities',
		otherHost: 'https://customername.econnectcloud.com/identities/echo',
		dotDot: '/echo/%2e%2e/%2e%2e/secret',
		authorizationHeader: { name: 'AUTHORIZATION', value: 'Bearer x' },
		badJson: { method: 'POST', body: 'not json' },
	});
});

describe('eConnect errors through the real engine', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('eConnectApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
	});

	beforeEach(() => sandbox.eConnect.reset());

	test('wrong password: 400 with the "eConnect answers 400" cause, one refused login for 3 items, password never shown', async () => {
		const wrong = 'wrong-econnect-password';
		const bad = engine.setCredential('eConnectApi', credential({ password: wrong }));
		const result = await run(engine, bad, customCall('/echo'), { items: items(3) });
		expectProviderError(engine, result, {
			provider: 'eConnect',
			status: 400,
			cause: [/refused the login/, /the Username or Password is incorrect \(eConnect answers 400 for this\)/],
			secrets: [wrong],
		});
		expect(stats()).toMatchObject({ logins: 1, loginFailures: 1, refreshes: 0, apiCalls: 0, total: 1 });
	});

	test('Token → Renew with an invalid JWT: 401 "invalid or already expired: use Log In", no login, JWT never shown', async () => {
		const login = await run(engine, id, { resource: 'token', operation: 'logIn' });
		expectSuccess(login, 1);
		const forged = tamperJwt(login.items[0].token);
		sandbox.eConnect.reset();

		const result = await run(engine, id, { resource: 'token', operation: 'renew', token: forged });
		expectProviderError(engine, result, {
			provider: 'eConnect',
			status: 401,
			cause: /the JWT is invalid or already expired: use Log In/,
			secrets: [forged, login.items[0].token, ACCOUNT.password, engine.getCredential(id).sessionToken],
		});
		expect(stats()).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 1, apiCalls: 0, total: 1 });
	});
});

describe('eConnect token life cycle through the real engine', () => {
	beforeEach(() => sandbox.resetAll({ state: true }));
	afterEach(() => {
		jest.useRealTimers();
		sandbox.eConnect.configure({ tokenLifetimeSeconds: 3600 });
		sandbox.eConnect.clearFaults();
	});

	test('Token → Log In on a never-used credential: only the operation\'s own login, sent without the credential', async () => {
		const engine = createEngine();
		const id = engine.setCredential('eConnectApi', credential());
		const result = await run(engine, id, { resource: 'token', operation: 'logIn' });
		expectSuccess(result, 1);
		expectJwtOutput(result.items[0]);
		expect(stats()).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 0, total: 1 });
		expect(engine.getCredential(id).sessionToken ?? '').toBe('');
	});

	test('cold credential, 100 items at once: 1 login; JWT persisted; a restarted n8n reuses it with 0 logins', async () => {
		const engine = createEngine();
		const id = engine.setCredential('eConnectApi', credential());
		const result = await run(engine, id, customCall('/echo'), { items: items(100) });
		expectSuccess(result, 100);
		expect(stats()).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 100, rejected: 0, total: 101 });

		const stored = engine.getCredential(id);
		expect(sandbox.eConnect.tokensIssued()).toEqual([stored.sessionToken]);
		expect(stored.sessionExpiresAt).toBe(isoOfExp(stored.sessionToken));

		engine.restartProcess();
		sandbox.eConnect.reset();
		const again = await run(engine, id, customCall('/echo'), { items: items(10) });
		expectSuccess(again, 10);
		expect(stats()).toMatchObject({ logins: 0, refreshes: 0, apiCalls: 10, rejected: 0 });
		expect(engine.getCredential(id).sessionToken).toBe(stored.sessionToken);
	});

	test('known expiry (1 s JWT): once it has expired, 20 items cost exactly 1 login (no renewal of a dead JWT), nothing rejected', async () => {
		sandbox.eConnect.configure({ tokenLifetimeSeconds: 1 });
		const engine = createEngine();
		const id = engine.setCredential('eConnectApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);
		await sleepUntil(Date.parse(first.sessionExpiresAt), 100);
		sandbox.eConnect.configure({ tokenLifetimeSeconds: 3600 }); // new JWTs: no time pressure on the 20 items

		sandbox.eConnect.reset();
		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 20, rejected: 0, total: 21 });
		expect(engine.getCredential(id).sessionToken).not.toBe(first.sessionToken);
	});

	test('JWT revoked server-side before its exp: no renewal of a refused JWT, exactly one login and one retry per item', async () => {
		const engine = createEngine();
		const id = engine.setCredential('eConnectApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		sandbox.eConnect.revokeTokens();
		sandbox.eConnect.reset();

		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ refreshes: 0, logins: 1, loginFailures: 0, apiCalls: 40, rejected: 20 });
	});

	test('inside the renewal window, before expiry: 20 items cost exactly 1 renewal, 0 logins, nothing rejected', async () => {
		useFakeDate();
		const engine = createEngine();
		const id = engine.setCredential('eConnectApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);
		const expiresAt = Date.parse(first.sessionExpiresAt);

		// One hour JWT: the renewal window is its last 5 minutes. Two minutes before expiry:
		jest.setSystemTime(expiresAt - 120_000);
		sandbox.eConnect.reset();
		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ refreshes: 1, refreshFailures: 0, logins: 0, apiCalls: 20, rejected: 0, total: 21 });
		const renewed = engine.getCredential(id);
		expect(renewed.sessionToken).not.toBe(first.sessionToken);
		expect(Date.parse(renewed.sessionExpiresAt)).toBeGreaterThan(expiresAt);
	});

	test('before the renewal window: 0 renewals, 0 logins', async () => {
		useFakeDate();
		const engine = createEngine();
		const id = engine.setCredential('eConnectApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);

		jest.setSystemTime(Date.parse(first.sessionExpiresAt) - 10 * 60_000);
		sandbox.eConnect.reset();
		expectSuccess(await run(engine, id, customCall('/echo'), { items: items(20) }), 20);
		expect(stats()).toMatchObject({ refreshes: 0, logins: 0, apiCalls: 20, rejected: 0 });
		expect(engine.getCredential(id).sessionToken).toBe(first.sessionToken);
	});

	test('renewal refused inside the window: exactly one fallback login, every item succeeds', async () => {
		useFakeDate();
		const engine = createEngine();
		const id = engine.setCredential('eConnectApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);

		jest.setSystemTime(Date.parse(first.sessionExpiresAt) - 120_000);
		sandbox.eConnect.reset();
		sandbox.eConnect.fault({ target: 'refresh', kind: 'status', status: 401, body: { message: 'Unauthorized' } });
		expectSuccess(await run(engine, id, customCall('/echo'), { items: items(20) }), 20);
		expect(stats()).toMatchObject({ refreshes: 1, refreshFailures: 1, logins: 1, loginFailures: 0, apiCalls: 20 });
		expect(stats().byRoute).toEqual({ [RENEW_ROUTE]: 1, [LOGIN_ROUTE]: 1, 'GET /identities/echo': 20 });
	});
});
