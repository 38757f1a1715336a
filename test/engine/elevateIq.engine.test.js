'use strict';

/**
 * Elevate IQ through the real n8n engine (n8n-core WorkflowExecute → RoutingNode →
 * httpRequestWithAuthentication → HTTP) against the local sandbox. Needs `npm run build` first.
 *
 * The operations run through a recording proxy in front of the sandbox, so the tests can see the
 * exact `page`/`pageSize` query and body of each request, on top of the sandbox's counters.
 */

const { createEngine } = require('./harness');
const { startSandbox, ACCOUNTS } = require('../sandbox');
const {
	items,
	customCall,
	sleepUntil,
	jwtPayload,
	expectProviderError,
	expectInputRefusal,
	startRecordingProxy,
	defineCustomCallGuards,
} = require('./providerTestKit');

const ACCOUNT = ACCOUNTS.elevateIq;
const SEED_USERS = 25;
const SEED_CUSTOMERS = 37;

/** @type {import('../sandbox').Sandbox} */
let sandbox;
let proxy;

beforeAll(async () => {
	sandbox = await startSandbox();
	proxy = await startRecordingProxy(sandbox.elevateIq.origin);
});

afterAll(async () => {
	await proxy?.close();
	await sandbox?.close();
});

const stats = () => sandbox.elevateIq.stats();

function credential(overrides = {}) {
	return { baseUrl: sandbox.elevateIq.baseUrl, username: ACCOUNT.username, password: ACCOUNT.password, ...overrides };
}

/** The same account, through the recording proxy. */
function proxiedCredential(overrides = {}) {
	return credential({ baseUrl: `${proxy.origin}/v2`, ...overrides });
}

function run(engine, id, parameters, extra = {}) {
	return engine.run({ nodeType: 'elevateIq', parameters, credentials: { elevateIqApi: id }, ...extra });
}

function expectSuccess(result, n) {
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(n);
	expect(result.errors.filter(Boolean)).toHaveLength(0);
}

const idsOf = (list) => list.map((json) => json.id);
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const apiRequests = (path) => proxy.requests.filter((r) => r.path === `/v2${path}`);

describe('Elevate IQ operations through the real engine (warm credential, via a recording proxy)', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('elevateIqApi', proxiedCredential(), { name: 'Elevate IQ sandbox' });
		const warm = await run(engine, id, { resource: 'userRole', operation: 'getAll' });
		expectSuccess(warm, 4);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 1, rejected: 0 });
	});

	beforeEach(() => {
		sandbox.elevateIq.reset(); // counters only: the warm token stays valid
		proxy.clear();
	});

	test('User → Get Many, Return All: all 25 users from one page of 100, no login', async () => {
		const result = await run(engine, id, { resource: 'user', operation: 'getAll', returnAll: true });
		expectSuccess(result, SEED_USERS);
		expect(idsOf(result.items)).toEqual(range(1, SEED_USERS));
		expect(result.items[0]).toMatchObject({ id: 1, username: ACCOUNT.username, email: 'api@example.com', active: true });
		expect(apiRequests('/users')).toEqual([{ method: 'GET', path: '/v2/users', query: { page: '1', pageSize: '100' }, body: undefined }]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, rejected: 0, byRoute: { 'GET /v2/users': 1 } });
	});

	test('User → Get Many, Limit 7: the first 7 users, asked for with page=1&pageSize=7', async () => {
		const result = await run(engine, id, { resource: 'user', operation: 'getAll', returnAll: false, limit: 7 });
		expectSuccess(result, 7);
		expect(idsOf(result.items)).toEqual(range(1, 7));
		expect(apiRequests('/users').map((r) => r.query)).toEqual([{ page: '1', pageSize: '7' }]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1 });
	});

	test('User Role → Get Many: the four roles, one call', async () => {
		const result = await run(engine, id, { resource: 'userRole', operation: 'getAll' });
		expectSuccess(result, 4);
		expect(result.items).toEqual([
			{ id: 1, name: 'Administrator' },
			{ id: 2, name: 'Manager' },
			{ id: 3, name: 'Read Only' },
			{ id: 4, name: 'API User' },
		]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1, byRoute: { 'GET /v2/user-roles': 1 } });
	});

	test('Customer → Get Many, Return All: all 37 customers (a short first page of 100 ends the walk)', async () => {
		const result = await run(engine, id, { resource: 'customer', operation: 'getAll', returnAll: true });
		expectSuccess(result, SEED_CUSTOMERS);
		expect(idsOf(result.items)).toEqual(range(1, SEED_CUSTOMERS));
		expect(result.items[36]).toMatchObject({ id: 37, accountNumber: 'C-1037' });
		expect(apiRequests('/customers').map((r) => r.query)).toEqual([{ page: '1', pageSize: '100' }]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, byRoute: { 'GET /v2/customers': 1 } });
	});

	test('Customer → Get Many, Limit 15: 15 customers, asked for with page=1&pageSize=15', async () => {
		const result = await run(engine, id, { resource: 'customer', operation: 'getAll', returnAll: false, limit: 15 });
		expectSuccess(result, 15);
		expect(idsOf(result.items)).toEqual(range(1, 15));
		expect(apiRequests('/customers').map((r) => r.query)).toEqual([{ page: '1', pageSize: '15' }]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1 });
	});

	test('Token → Get: returns the cached access token and its JWT expiry without any call', async () => {
		const result = await run(engine, id, { resource: 'token', operation: 'get' });
		expectSuccess(result, 1);
		const stored = engine.getCredential(id);
		const out = result.items[0];
		expect(out.tokenType).toBe('Bearer');
		expect(out.accessToken).toBe(stored.sessionToken);
		expect(sandbox.elevateIq.tokensIssued()).toContain(out.accessToken);
		expect(out.expiresAt).toBe(new Date(jwtPayload(out.accessToken).exp * 1000).toISOString());
		expect(Date.parse(out.expiresAt)).toBeGreaterThan(Date.now());
		expect(stats().total).toBe(0);
		expect(proxy.requests).toHaveLength(0);
	});

	test('Custom API Call: POST with query, header and JSON body, the token as Bearer', async () => {
		const result = await run(
			engine,
			id,
			customCall('/echo/orders', {
				method: 'POST',
				queryParameters: { parameters: [{ name: 'dryRun', value: 'true' }] },
				headerParameters: { parameters: [{ name: 'X-Request-Tag', value: 'engine' }] },
				jsonBody: '{"orderId": 42, "lines": [1, 2]}',
			}),
		);
		expectSuccess(result, 1);
		const echo = result.items[0];
		expect(echo).toMatchObject({
			method: 'POST',
			path: '/v2/echo/orders',
			query: { dryRun: 'true' },
			body: { orderId: 42, lines: [1, 2] },
			authScheme: 'Bearer',
		});
		expect(echo.headers['x-request-tag']).toBe('engine');
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1, byRoute: { 'POST /v2/echo/*': 1 } });
	});

	test('Custom API Call: a full URL under the base URL is accepted', async () => {
		const result = await run(engine, id, customCall(`${proxy.origin}/v2/echo/full`));
		expectSuccess(result, 1);
		expect(result.items[0].path).toBe('/v2/echo/full');
		expect(stats()).toMatchObject({ apiCalls: 1, total: 1 });
	});

	defineCustomCallGuards({
		context: () => ({ engine, id }),
		run,
		stats,
		basePath: '/v2',
		otherHost: 'https://evil.example.com/v2/users',
		dotDot: '/users/../../admin',
		authorizationHeader: { name: 'Authorization', value: 'Bearer stolen' },
		badJson: { method: 'POST', body: '{"name": "x",' },
		extraRefusals: [['another path on the same host', () => customCall(`${proxy.origin}/other`), /Path points outside the credential's base URL/]],
		noCallSeen: () => expect(proxy.requests).toHaveLength(0),
	});

	test('User → Create: the new user comes back with its id; the body carries the fields', async () => {
		const result = await run(engine, id, {
			resource: 'user',
			operation: 'create',
			username: 'grace.hopper',
			email: 'grace.hopper@example.com',
			additionalFields: { firstName: 'Grace', lastName: 'Hopper', roleId: 2 },
		});
		expectSuccess(result, 1);
		expect(result.items[0]).toEqual({
			id: SEED_USERS + 1,
			username: 'grace.hopper',
			email: 'grace.hopper@example.com',
			firstName: 'Grace',
			lastName: 'Hopper',
			roleId: 2,
			active: true,
		});
		expect(apiRequests('/users')).toEqual([
			{
				method: 'POST',
				path: '/v2/users',
				query: {},
				body: { username: 'grace.hopper', email: 'grace.hopper@example.com', firstName: 'Grace', lastName: 'Hopper', roleId: 2 },
			},
		]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1, byRoute: { 'POST /v2/users': 1 } });
	});

	test('User → Update: PATCH /users with the id in the body; the updated user comes back', async () => {
		const result = await run(engine, id, {
			resource: 'user',
			operation: 'update',
			userId: 5,
			updateFields: { firstName: 'Updated', active: false },
		});
		expectSuccess(result, 1);
		expect(result.items[0]).toMatchObject({ id: 5, firstName: 'Updated', active: false });
		expect(apiRequests('/users')).toEqual([{ method: 'PATCH', path: '/v2/users', query: {}, body: { id: 5, firstName: 'Updated', active: false } }]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1, byRoute: { 'PATCH /v2/users': 1 } });
	});

	test('User → Get Many, Return All across several pages: 80 more users → pages 1 and 2 of 100', async () => {
		const before = await run(engine, id, { resource: 'user', operation: 'getAll', returnAll: true });
		expectSuccess(before, before.items.length);
		const start = before.items.length;
		expect(start).toBeLessThan(100);

		const created = await run(
			engine,
			id,
			{ resource: 'user', operation: 'create', username: '={{ "bulk." + $json.i }}', email: '={{ "bulk." + $json.i + "@example.com" }}' },
			{ items: items(80) },
		);
		expectSuccess(created, 80);
		expect(new Set(idsOf(created.items)).size).toBe(80);

		sandbox.elevateIq.reset();
		proxy.clear();
		const all = await run(engine, id, { resource: 'user', operation: 'getAll', returnAll: true });
		expectSuccess(all, start + 80);
		expect(new Set(idsOf(all.items)).size).toBe(start + 80);
		expect(all.items.map((u) => u.username)).toEqual(expect.arrayContaining(['bulk.0', 'bulk.79', ACCOUNT.username]));
		expect(apiRequests('/users').map((r) => r.query)).toEqual([
			{ page: '1', pageSize: '100' },
			{ page: '2', pageSize: '100' },
		]);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 2, total: 2, byRoute: { 'GET /v2/users': 2 } });
	});
});

describe('Elevate IQ errors through the real engine', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('elevateIqApi', credential());
		expectSuccess(await run(engine, id, { resource: 'userRole', operation: 'getAll' }), 4);
	});

	beforeEach(() => sandbox.elevateIq.reset());

	test('wrong password: one refused login for 3 items (401), message names the cause, never the password', async () => {
		const wrong = 'wrong-elevate-password-1';
		const bad = engine.setCredential('elevateIqApi', credential({ password: wrong }));
		const result = await run(engine, bad, { resource: 'userRole', operation: 'getAll' }, { items: items(3) });
		const error = expectProviderError(engine, result, {
			provider: 'Elevate IQ',
			status: 401,
			cause: [/refused the login/, /check the API Username and API Password/],
			secrets: [wrong],
		});
		expect(error.message).not.toContain(ACCOUNT.password);
		expect(stats()).toMatchObject({ logins: 1, loginFailures: 1, apiCalls: 0, total: 1 });
		expect(engine.getCredential(bad).sessionToken ?? '').toBe('');
	});

	test('inactive user: 401 on the call, one new login and one retry, then "rejected … and then a newly obtained one as well"', async () => {
		const inactive = engine.setCredential('elevateIqApi', credential(ACCOUNT.inactive));
		const result = await run(engine, inactive, { resource: 'userRole', operation: 'getAll' });
		const tokens = sandbox.elevateIq.tokensIssued();
		expectProviderError(engine, result, {
			provider: 'Elevate IQ',
			status: 401,
			cause: [/rejected the access token/, /and then a newly obtained one as well/, /inactive/],
			secrets: [ACCOUNT.inactive.password, ...tokens],
		});
		expect(stats()).toMatchObject({ logins: 2, loginFailures: 0, apiCalls: 2, rejected: 2 });
	});

	test('limited user: 403 on /users is a permission problem, not an expired token: 0 extra logins, no retry', async () => {
		const limited = engine.setCredential('elevateIqApi', credential(ACCOUNT.limited));
		expectSuccess(await run(engine, limited, { resource: 'userRole', operation: 'getAll' }), 4);
		sandbox.elevateIq.reset();

		const result = await run(engine, limited, { resource: 'user', operation: 'getAll', returnAll: true });
		expectProviderError(engine, result, {
			provider: 'Elevate IQ',
			status: 403,
			cause: /lacks permission for this resource/,
			secrets: [ACCOUNT.limited.password, engine.getCredential(limited).sessionToken],
		});
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, rejected: 0, total: 1, byRoute: { 'GET /v2/users': 1 } });
	});

	test('User → Create with an existing username: 409 "a user with this username already exists", one call', async () => {
		const result = await run(engine, id, { resource: 'user', operation: 'create', username: ACCOUNT.username, email: 'dup@example.com' });
		expectProviderError(engine, result, {
			provider: 'Elevate IQ',
			status: 409,
			cause: /a user with this username already exists/,
			secrets: [ACCOUNT.password, engine.getCredential(id).sessionToken],
		});
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1, byRoute: { 'POST /v2/users': 1 } });
	});

	test('User → Update of an unknown user id: 404 "check the ID", one call', async () => {
		const result = await run(engine, id, { resource: 'user', operation: 'update', userId: 9999, updateFields: { firstName: 'Nobody' } });
		expectProviderError(engine, result, {
			provider: 'Elevate IQ',
			status: 404,
			cause: /not found: check the ID/,
			secrets: [ACCOUNT.password, engine.getCredential(id).sessionToken],
		});
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1, byRoute: { 'PATCH /v2/users': 1 } });
	});

	test('User → Update with no fields is refused before any call', async () => {
		const result = await run(engine, id, { resource: 'user', operation: 'update', userId: 5, updateFields: {} });
		expectInputRefusal(engine, result, /Update Fields is empty/);
		expect(stats().total).toBe(0);
	});

	test('ready access token mode: calls carry the pasted token with no login; once revoked, the 401 says how to fix it', async () => {
		const pasted = engine.getCredential(id).sessionToken;
		const ready = engine.setCredential('elevateIqApi', { baseUrl: sandbox.elevateIq.baseUrl, authMode: 'accessToken', accessToken: pasted });
		const token = await run(engine, ready, { resource: 'token', operation: 'get' });
		expectSuccess(token, 1);
		expect(token.items[0]).toMatchObject({ accessToken: pasted, tokenType: 'Bearer' });
		expectSuccess(await run(engine, ready, customCall('/echo')), 1);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1 });

		sandbox.elevateIq.revokeTokens();
		sandbox.elevateIq.reset();
		const result = await run(engine, ready, customCall('/echo'));
		expectProviderError(engine, result, {
			provider: 'Elevate IQ',
			status: 401,
			cause: [/rejected the access token/, /paste a new access token into the credential/],
			secrets: [pasted],
		});
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 1, rejected: 1 });
	});
});

describe('Elevate IQ token life cycle through the real engine', () => {
	beforeEach(() => sandbox.resetAll({ state: true }));
	afterEach(() => sandbox.elevateIq.configure({ tokenLifetimeSeconds: 3600 }));

	test('cold credential, 100 items at once: 1 login; token persisted; a restarted n8n reuses it with 0 logins', async () => {
		const engine = createEngine();
		const id = engine.setCredential('elevateIqApi', credential());
		const result = await run(engine, id, customCall('/echo/x'), { items: items(100) });
		expectSuccess(result, 100);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 100, rejected: 0, total: 101 });

		const stored = engine.getCredential(id);
		expect(sandbox.elevateIq.tokensIssued()).toEqual([stored.sessionToken]);
		expect(stored.sessionExpiresAt).toBe(new Date(jwtPayload(stored.sessionToken).exp * 1000).toISOString());
		expect(stored.password).toBe(ACCOUNT.password);

		engine.restartProcess();
		sandbox.elevateIq.reset();
		const again = await run(engine, id, customCall('/echo'), { items: items(10) });
		expectSuccess(again, 10);
		expect(stats()).toMatchObject({ logins: 0, apiCalls: 10, rejected: 0 });
		expect(engine.getCredential(id).sessionToken).toBe(stored.sessionToken);
	});

	test('Token → Get on a cold credential persists the token it obtained: a restarted n8n returns it with 0 logins', async () => {
		const engine = createEngine();
		const id = engine.setCredential('elevateIqApi', credential());
		const first = await run(engine, id, { resource: 'token', operation: 'get' });
		expectSuccess(first, 1);
		expect(sandbox.elevateIq.tokensIssued()).toEqual([first.items[0].accessToken]);
		expect(stats()).toMatchObject({ logins: 1, total: 1 });

		engine.restartProcess();
		sandbox.elevateIq.reset();
		const again = await run(engine, id, { resource: 'token', operation: 'get' });
		expectSuccess(again, 1);
		expect(again.items[0].accessToken).toBe(first.items[0].accessToken);
		expect(stats()).toMatchObject({ logins: 0, total: 0 });
		expect(engine.getCredential(id).sessionToken).toBe(first.items[0].accessToken);
	});

	test('known expiry (1 s JWT): after it, 20 items cost exactly 1 login and no rejected request', async () => {
		sandbox.elevateIq.configure({ tokenLifetimeSeconds: 1 });
		const engine = createEngine();
		const id = engine.setCredential('elevateIqApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);
		await sleepUntil(Date.parse(first.sessionExpiresAt), 100);
		sandbox.elevateIq.configure({ tokenLifetimeSeconds: 3600 }); // new tokens: no time pressure on the 20 items

		sandbox.elevateIq.reset();
		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 20, rejected: 0, total: 21 });
		expect(engine.getCredential(id).sessionToken).not.toBe(first.sessionToken);
	});

	test('token revoked server-side: the 401 costs one login and one retry per item', async () => {
		const engine = createEngine();
		const id = engine.setCredential('elevateIqApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		sandbox.elevateIq.revokeTokens();
		sandbox.elevateIq.reset();

		const result = await run(engine, id, customCall('/echo'), { items: items(5) });
		expectSuccess(result, 5);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 10, rejected: 5 });
	});
});
