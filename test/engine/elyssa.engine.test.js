'use strict';

/**
 * Elyssa App through the real n8n engine (n8n-core WorkflowExecute → RoutingNode →
 * httpRequestWithAuthentication → HTTP) against the local sandbox. Needs `npm run build` first.
 *
 * Elyssa logs in with a company ID (access token 24 h, refresh token 360 days) and renews with the
 * refresh token first; a full login only when the refresh is refused or the refresh token expired.
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

const COMPANY_ID = ACCOUNTS.elyssa.companyId;
const DAY_MS = 24 * 3600 * 1000;
const DEFAULTS = { tokenLifetimeSeconds: 24 * 3600, refreshTokenLifetimeSeconds: 360 * 24 * 3600 };

/** @type {import('../sandbox').Sandbox} */
let sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox?.close();
});

const stats = () => sandbox.elyssa.stats();

function credential(overrides = {}) {
	return { baseUrl: sandbox.elyssa.baseUrl, companyId: COMPANY_ID, ...overrides };
}

function run(engine, id, parameters, extra = {}) {
	return engine.run({ nodeType: 'elyssa', parameters, credentials: { elyssaApi: id }, ...extra });
}

function expectSuccess(result, n) {
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(n);
	expect(result.errors.filter(Boolean)).toHaveLength(0);
}

const isoOfExp = (token) => new Date(jwtPayload(token).exp * 1000).toISOString();

describe('Elyssa operations through the real engine (warm credential)', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('elyssaApi', credential(), { name: 'Elyssa sandbox' });
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		expect(stats()).toMatchObject({ logins: 1, apiCalls: 1 });
	});

	beforeEach(() => sandbox.elyssa.reset());

	test('Token → Log In: a new access token and refresh token with their expiry times, one login', async () => {
		const result = await run(engine, id, { resource: 'token', operation: 'logIn' });
		expectSuccess(result, 1);
		const out = result.items[0];
		expect(Object.keys(out).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt']);
		expect(sandbox.elyssa.tokensIssued()).toContain(out.accessToken);
		expect(out.accessToken).not.toBe(engine.getCredential(id).sessionToken); // a fresh login, not the cached token
		expect(jwtPayload(out.accessToken)).toMatchObject({ typ: 'access', companyId: COMPANY_ID });
		expect(jwtPayload(out.refreshToken)).toMatchObject({ typ: 'refresh', companyId: COMPANY_ID });
		expect(out.accessTokenExpiresAt).toBe(isoOfExp(out.accessToken));
		expect(out.refreshTokenExpiresAt).toBe(isoOfExp(out.refreshToken));
		const accessLeft = Date.parse(out.accessTokenExpiresAt) - Date.now();
		const refreshLeft = Date.parse(out.refreshTokenExpiresAt) - Date.now();
		expect(accessLeft).toBeGreaterThan(DAY_MS - 60_000);
		expect(accessLeft).toBeLessThanOrEqual(DAY_MS + 2000);
		expect(refreshLeft).toBeGreaterThan(360 * DAY_MS - 60_000);
		expect(refreshLeft).toBeLessThanOrEqual(360 * DAY_MS + 2000);
		expect(stats()).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 0, total: 1, byRoute: { 'POST /auth/login/': 1 } });
	});

	test('Token → Refresh with a given refresh token: a new access token, one refresh, no login', async () => {
		const login = await run(engine, id, { resource: 'token', operation: 'logIn' });
		expectSuccess(login, 1);
		sandbox.elyssa.reset();

		const result = await run(engine, id, { resource: 'token', operation: 'refresh', refreshToken: login.items[0].refreshToken });
		expectSuccess(result, 1);
		const out = result.items[0];
		expect(Object.keys(out).sort()).toEqual(['accessToken', 'accessTokenExpiresAt']);
		expect(out.accessToken).not.toBe(login.items[0].accessToken);
		expect(sandbox.elyssa.tokensIssued()).toContain(out.accessToken);
		expect(out.accessTokenExpiresAt).toBe(isoOfExp(out.accessToken));
		expect(stats()).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 0, apiCalls: 0, total: 1, byRoute: { 'POST /auth/refresh/': 1 } });
	});

	test("Token → Refresh with the parameter empty: uses the credential's own refresh token, no login", async () => {
		const stored = engine.getCredential(id);
		expect(stored.sessionRefreshToken).toEqual(expect.any(String));
		expect(stored.sessionRefreshToken).not.toBe('');
		const result = await run(engine, id, { resource: 'token', operation: 'refresh', refreshToken: '' });
		expectSuccess(result, 1);
		expect(sandbox.elyssa.tokensIssued()).toContain(result.items[0].accessToken);
		expect(result.items[0].accessToken).not.toBe(stored.sessionToken);
		expect(stats()).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 0, total: 1 });
	});

	test('Custom API Call to /echo: method, query, JSON body, Bearer token', async () => {
		const result = await run(
			engine,
			id,
			customCall('/echo', { method: 'PUT', queryParameters: { parameters: [{ name: 'site', value: 'north' }] }, jsonBody: '[{"sku": "A-1"}]' }),
		);
		expectSuccess(result, 1);
		expect(result.items[0]).toMatchObject({ method: 'PUT', path: '/echo', query: { site: 'north' }, body: [{ sku: 'A-1' }], authScheme: 'Bearer' });
		expect(stats()).toMatchObject({ logins: 0, refreshes: 0, apiCalls: 1, total: 1, byRoute: { 'PUT /echo': 1 } });
	});

	defineCustomCallGuards({
		context: () => ({ engine, id }),
		run,
		stats,
		basePath: '',
		otherHost: 'https://evil.example.com/echo',
		dotDot: '../auth/login/',
		authorizationHeader: { name: 'authorization', value: 'Bearer x' },
		badJson: { method: 'POST', body: "{'single': 'quotes'}" },
	});
});

describe('Elyssa errors through the real engine', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('elyssaApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
	});

	beforeEach(() => sandbox.elyssa.reset());

	test('unknown company ID: one refused login for 3 items (401 "check the Company ID"), the ID never shown', async () => {
		const unknown = 'elyssa-company-0000-unknown';
		const bad = engine.setCredential('elyssaApi', credential({ companyId: unknown }));
		const result = await run(engine, bad, customCall('/echo'), { items: items(3) });
		expectProviderError(engine, result, {
			provider: 'Elyssa',
			status: 401,
			cause: [/refused the login/, /check the Company ID in the credential/],
			secrets: [unknown],
		});
		expect(stats()).toMatchObject({ logins: 1, loginFailures: 1, refreshes: 0, apiCalls: 0, total: 1 });
	});

	test('unknown company ID on Token → Log In: 401 with the same cause, the ID never shown', async () => {
		const unknown = 'elyssa-company-1111-unknown';
		const bad = engine.setCredential('elyssaApi', credential({ companyId: unknown }));
		const result = await run(engine, bad, { resource: 'token', operation: 'logIn' });
		expectProviderError(engine, result, { provider: 'Elyssa', status: 401, cause: /check the Company ID in the credential/, secrets: [unknown] });
		expect(stats()).toMatchObject({ apiCalls: 0, refreshes: 0 });
		expect(stats().loginFailures).toBe(stats().logins);
	});

	test('Token → Refresh with an invalid refresh token: 401 "invalid or past its 360 days", no login, token never shown', async () => {
		const login = await run(engine, id, { resource: 'token', operation: 'logIn' });
		expectSuccess(login, 1);
		const forged = tamperJwt(login.items[0].refreshToken);
		sandbox.elyssa.reset();

		const result = await run(engine, id, { resource: 'token', operation: 'refresh', refreshToken: forged });
		expectProviderError(engine, result, {
			provider: 'Elyssa',
			status: 401,
			cause: /the refresh token is invalid or past its 360 days: log in again/,
			secrets: [forged, login.items[0].refreshToken, COMPANY_ID, engine.getCredential(id).sessionToken],
		});
		expect(stats()).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 1, apiCalls: 0, total: 1 });
	});
});

describe('Elyssa token life cycle through the real engine', () => {
	beforeEach(() => sandbox.resetAll({ state: true }));
	afterEach(() => {
		jest.useRealTimers();
		sandbox.elyssa.configure(DEFAULTS);
		sandbox.elyssa.clearFaults();
	});

	test('cold credential, 100 items at once: 1 login; both tokens persisted; a restarted n8n reuses them with 0 logins', async () => {
		const engine = createEngine();
		const id = engine.setCredential('elyssaApi', credential());
		const result = await run(engine, id, customCall('/echo'), { items: items(100) });
		expectSuccess(result, 100);
		expect(stats()).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 100, rejected: 0, total: 101 });

		const stored = engine.getCredential(id);
		expect(sandbox.elyssa.tokensIssued()).toEqual([stored.sessionToken]);
		expect(stored.sessionExpiresAt).toBe(isoOfExp(stored.sessionToken));
		expect(jwtPayload(stored.sessionRefreshToken)).toMatchObject({ typ: 'refresh' });
		expect(stored.sessionRefreshExpiresAt).toBe(isoOfExp(stored.sessionRefreshToken));
		expect(stored.companyId).toBe(COMPANY_ID);

		engine.restartProcess();
		sandbox.elyssa.reset();
		const again = await run(engine, id, customCall('/echo'), { items: items(10) });
		expectSuccess(again, 10);
		expect(stats()).toMatchObject({ logins: 0, refreshes: 0, apiCalls: 10, rejected: 0 });
		expect(engine.getCredential(id).sessionToken).toBe(stored.sessionToken);
	});

	test('known expiry (1 s access token): after it, 20 items cost exactly 1 refresh, 0 logins, no rejected request', async () => {
		sandbox.elyssa.configure({ tokenLifetimeSeconds: 1 });
		const engine = createEngine();
		const id = engine.setCredential('elyssaApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);
		await sleepUntil(Date.parse(first.sessionExpiresAt), 100);
		sandbox.elyssa.configure(DEFAULTS); // new tokens: no time pressure on the 20 items

		sandbox.elyssa.reset();
		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 0, apiCalls: 20, rejected: 0, total: 21 });
		const after = engine.getCredential(id);
		expect(after.sessionToken).not.toBe(first.sessionToken);
		expect(after.sessionRefreshToken).toBe(first.sessionRefreshToken); // Elyssa's refresh answers an access token only
	});

	test('refresh refused (401) after the access token expired: exactly one fallback login, every item succeeds', async () => {
		sandbox.elyssa.configure({ tokenLifetimeSeconds: 1 });
		const engine = createEngine();
		const id = engine.setCredential('elyssaApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);
		await sleepUntil(Date.parse(first.sessionExpiresAt), 100);
		sandbox.elyssa.configure(DEFAULTS); // new tokens: no time pressure on the 20 items

		sandbox.elyssa.reset();
		sandbox.elyssa.fault({ target: 'refresh', kind: 'status', status: 401, body: { message: 'Invalid refresh token' } });
		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		// The only refused request is the refresh itself: no API call was rejected.
		expect(stats()).toMatchObject({ refreshes: 1, refreshFailures: 1, logins: 1, loginFailures: 0, apiCalls: 20, rejected: 1 });
		expect(stats().byRoute).toEqual({ 'POST /auth/refresh/': 1, 'POST /auth/login/': 1, 'GET /echo': 20 });
		expect(engine.getCredential(id).sessionRefreshToken).not.toBe(first.sessionRefreshToken); // the login's new one
	});

	test('refresh token past its lifetime (refreshTokenLifetimeSeconds): straight to one login, no refresh attempt', async () => {
		sandbox.elyssa.configure({ tokenLifetimeSeconds: 1, refreshTokenLifetimeSeconds: 1 });
		const engine = createEngine();
		const id = engine.setCredential('elyssaApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		const first = engine.getCredential(id);
		await sleepUntil(Math.max(Date.parse(first.sessionExpiresAt), Date.parse(first.sessionRefreshExpiresAt)), 100);

		sandbox.elyssa.reset();
		sandbox.elyssa.configure(DEFAULTS);
		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ refreshes: 0, logins: 1, loginFailures: 0, apiCalls: 20, rejected: 0 });
	});

	test('tokens revoked server-side: the 401 tries the refresh token once (refused), then exactly one login and one retry per item', async () => {
		const engine = createEngine();
		const id = engine.setCredential('elyssaApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);
		sandbox.elyssa.revokeTokens();
		sandbox.elyssa.reset();

		const result = await run(engine, id, customCall('/echo'), { items: items(20) });
		expectSuccess(result, 20);
		expect(stats()).toMatchObject({ refreshes: 1, refreshFailures: 1, logins: 1, loginFailures: 0, apiCalls: 40 });
		expect(stats().rejected).toBe(21); // 20 API calls with the revoked token + the refused refresh
	});

	test('a restarted n8n 2 days later renews with the persisted refresh token (1 refresh, 0 logins); after 361 days it logs in', async () => {
		useFakeDate();
		const engine = createEngine();
		const id = engine.setCredential('elyssaApi', credential());
		expectSuccess(await run(engine, id, customCall('/echo')), 1);

		engine.restartProcess();
		jest.setSystemTime(Date.now() + 2 * DAY_MS);
		sandbox.elyssa.reset();
		expectSuccess(await run(engine, id, customCall('/echo'), { items: items(20) }), 20);
		expect(stats()).toMatchObject({ refreshes: 1, logins: 0, apiCalls: 20, rejected: 0 });

		jest.setSystemTime(Date.now() + 361 * DAY_MS);
		sandbox.elyssa.reset();
		expectSuccess(await run(engine, id, customCall('/echo'), { items: items(20) }), 20);
		expect(stats()).toMatchObject({ refreshes: 0, logins: 1, apiCalls: 20, rejected: 0 });
	});
});
