'use strict';

/**
 * EdgeIQ through the real n8n engine (n8n-core WorkflowExecute → RoutingNode →
 * httpRequestWithAuthentication → HTTP) against the local sandbox. Needs `npm run build` first.
 *
 * The first describe block is one story on one engine and one credential (cold → warm → revoked →
 * restarted n8n): its tests run in order and depend on each other.
 */

const { createEngine, describeError } = require('./harness');
const { startSandbox, ACCOUNTS } = require('../sandbox');

const ITEMS = 100;
const getCurrentUser = { resource: 'session', operation: 'getCurrentUser' };
const observed = {};

/** @type {import('../sandbox').Sandbox} */
let sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox?.close();
	// The numbers the engine produced, for the record (see the report of this harness).
	console.log(`edgeIq engine observations: ${JSON.stringify(observed, null, 1)}`);
});

function edgeIqCredential(overrides = {}) {
	return {
		baseUrl: sandbox.edgeIq.baseUrl,
		authMode: 'session',
		email: ACCOUNTS.edgeIq.email,
		password: ACCOUNTS.edgeIq.password,
		...overrides,
	};
}

function items(n) {
	return Array.from({ length: n }, (_, i) => ({ i }));
}

function expectAllUsers(result, n) {
	expect(describeError(result.error)).toBeUndefined();
	expect(result.items).toHaveLength(n);
	for (const json of result.items) {
		expect(json.email).toBe(ACCOUNTS.edgeIq.email);
		expect(json).not.toHaveProperty('session_token');
	}
	expect(result.errors.filter(Boolean)).toHaveLength(0);
}

describe('EdgeIQ session token life cycle through the real engine (one credential, in order)', () => {
	let engine;
	let credentialId;
	let firstToken;

	beforeAll(() => {
		engine = createEngine();
		credentialId = engine.setCredential('edgeIqApi', edgeIqCredential(), { name: 'EdgeIQ sandbox' });
	});

	beforeEach(() => {
		sandbox.edgeIq.reset(); // counters only; issued tokens stay valid
		engine.resetStats();
	});

	test(`cold credential, ${ITEMS} items: exactly 1 login, ${ITEMS} API calls, token persisted`, async () => {
		const result = await engine.run({ nodeType: 'edgeIq', parameters: getCurrentUser, credentials: { edgeIqApi: credentialId }, items: items(ITEMS) });
		const stats = sandbox.edgeIq.stats();
		observed.cold = { ...stats, byRoute: undefined, credentialWrites: engine.stats().credentialWrites };

		expectAllUsers(result, ITEMS);
		expect(stats.logins).toBe(1);
		expect(stats.apiCalls).toBe(ITEMS);
		expect(stats.rejected).toBe(0);

		const stored = engine.getCredential(credentialId);
		expect(typeof stored.sessionToken).toBe('string');
		expect(stored.sessionToken).not.toBe('');
		expect(Date.parse(stored.sessionExpiresAt)).toBeGreaterThan(Date.now());
		expect(stored.password).toBe(ACCOUNTS.edgeIq.password); // the write keeps the user's fields
		expect(engine.stats().credentialWrites).toBeGreaterThanOrEqual(1);
		firstToken = stored.sessionToken;
	});

	test('second run: 0 logins, the stored token is used', async () => {
		const result = await engine.run({ nodeType: 'edgeIq', parameters: getCurrentUser, credentials: { edgeIqApi: credentialId }, items: items(ITEMS) });
		const stats = sandbox.edgeIq.stats();
		observed.warm = { ...stats, byRoute: undefined, credentialWrites: engine.stats().credentialWrites };

		expectAllUsers(result, ITEMS);
		expect(stats.logins).toBe(0);
		expect(stats.apiCalls).toBe(ITEMS);
		expect(stats.rejected).toBe(0);
		expect(engine.getCredential(credentialId).sessionToken).toBe(firstToken);
	});

	test('token revoked server-side: the 403 costs one login and one retry per item in flight', async () => {
		const revoked = sandbox.edgeIq.revokeTokens();
		expect(revoked).toBeGreaterThanOrEqual(1);
		const result = await engine.run({ nodeType: 'edgeIq', parameters: getCurrentUser, credentials: { edgeIqApi: credentialId }, items: items(ITEMS) });
		const stats = sandbox.edgeIq.stats();
		observed.revoked = { ...stats, byRoute: undefined, credentialWrites: engine.stats().credentialWrites };

		expectAllUsers(result, ITEMS);
		expect(stats.logins).toBe(1);
		// Declarative nodes send every item at once: all of them were in flight with the old token.
		expect(stats.rejected).toBe(ITEMS);
		expect(stats.apiCalls).toBe(2 * ITEMS); // each item: rejected once, retried once
		const stored = engine.getCredential(credentialId);
		expect(stored.sessionToken).not.toBe(firstToken);
		expect(stored.sessionToken).not.toBe('');
	});

	test('restarted n8n process (module caches gone): the stored token is reused, 0 logins', async () => {
		const before = engine.getCredential(credentialId).sessionToken;
		const oldLifecycle = engine.dist('nodes/shared/token/lifecycle.js');
		engine.restartProcess();
		expect(engine.stats().processes).toBe(2);
		expect(engine.dist('nodes/shared/token/lifecycle.js')).not.toBe(oldLifecycle); // module state really gone
		const result = await engine.run({ nodeType: 'edgeIq', parameters: getCurrentUser, credentials: { edgeIqApi: credentialId }, items: items(10) });
		const stats = sandbox.edgeIq.stats();
		observed.restarted = { ...stats, byRoute: undefined, credentialWrites: engine.stats().credentialWrites };

		expectAllUsers(result, 10);
		expect(stats.logins).toBe(0);
		expect(stats.rejected).toBe(0);
		expect(stats.apiCalls).toBe(10);
		expect(engine.getCredential(credentialId).sessionToken).toBe(before);
	});
});

describe('EdgeIQ operations through the real engine', () => {
	let engine;

	beforeAll(() => {
		engine = createEngine();
	});

	beforeEach(() => {
		sandbox.edgeIq.reset();
	});

	test('Custom API Call to /echo passes query parameters and headers, with the token in Authorization', async () => {
		const id = engine.setCredential('edgeIqApi', edgeIqCredential());
		const result = await engine.run({
			nodeType: 'edgeIq',
			parameters: {
				resource: 'customApiCall',
				operation: 'request',
				method: 'GET',
				path: '/echo',
				queryParameters: { parameters: [{ name: 'color', value: 'blue' }, { name: 'n', value: '2' }] },
				headerParameters: { parameters: [{ name: 'X-Harness', value: 'yes' }] },
			},
			credentials: { edgeIqApi: id },
			items: [{}],
		});
		expect(describeError(result.error)).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const echo = result.items[0];
		expect(echo.method).toBe('GET');
		expect(echo.path).toBe('/api/v1/platform/echo');
		expect(echo.query).toEqual({ color: 'blue', n: '2' });
		expect(echo.headers['x-harness']).toBe('yes');
		expect(echo.authScheme).toBe('raw'); // EdgeIQ: bare token, no "Bearer"
		expect(sandbox.edgeIq.stats()).toMatchObject({ logins: 1, apiCalls: 1, rejected: 0 });
	});

	test('Password → Reset with mismatched passwords fails before any call', async () => {
		const id = engine.setCredential('edgeIqApi', edgeIqCredential());
		const result = await engine.run({
			nodeType: 'edgeIq',
			parameters: {
				resource: 'password',
				operation: 'reset',
				resetToken: 'abc123def456',
				newPassword: 'new-secret-1',
				passwordConfirmation: 'new-secret-2',
			},
			credentials: { edgeIqApi: id },
			items: [{}],
		});
		const error = describeError(result.error);
		expect(error).toBeDefined();
		expect(error.message).toMatch(/do not match/);
		expect(error.message).not.toContain('new-secret');
		expect(result.items).toHaveLength(0);
		expect(sandbox.edgeIq.stats().total).toBe(0);
	});

	test('Continue On Fail: per-item errors come back in `errors`, other items still succeed', async () => {
		const id = engine.setCredential('edgeIqApi', edgeIqCredential());
		const result = await engine.run({
			nodeType: 'edgeIq',
			parameters: {
				resource: 'customApiCall',
				operation: 'request',
				method: 'GET',
				path: '={{ $json.path }}',
			},
			credentials: { edgeIqApi: id },
			items: [{ path: '/echo' }, { path: '/../../outside' }, { path: '/echo/x' }],
			continueOnFail: true,
		});
		expect(describeError(result.error)).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.errors[0]).toBeUndefined();
		expect(result.errors[1]).toBeDefined();
		expect(result.errors[1].message).toMatch(/\.\./);
		expect(result.errors[2]).toBeUndefined();
		expect(result.items[2].path).toBe('/api/v1/platform/echo/x');
	});

	test('20 executions at once on a cold credential share one login', async () => {
		// A fresh process: this one already holds a token for the same account (module cache by identity).
		const fresh = createEngine();
		const id = fresh.setCredential('edgeIqApi', edgeIqCredential());
		const results = await fresh.runConcurrently(20, { nodeType: 'edgeIq', parameters: getCurrentUser, credentials: { edgeIqApi: id }, items: items(5) });
		const stats = sandbox.edgeIq.stats();
		observed.concurrent20x5 = { ...stats, byRoute: undefined, credentialWrites: fresh.stats().credentialWrites };
		for (const result of results) expectAllUsers(result, 5);
		expect(stats.logins).toBe(1);
		expect(stats.apiCalls).toBe(100);
		expect(stats.rejected).toBe(0);
	});
});

describe('EdgeIQ credential test (the "Test" button) through the real engine', () => {
	let engine;

	beforeAll(() => {
		engine = createEngine();
	});

	beforeEach(() => {
		sandbox.edgeIq.reset();
		engine.resetStats();
	});

	test('a cold credential tests OK, logging in once and storing the token', async () => {
		const id = engine.setCredential('edgeIqApi', edgeIqCredential());
		const outcome = await engine.credentialTest('edgeIqApi', id);
		expect(outcome).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(sandbox.edgeIq.stats()).toMatchObject({ logins: 1, apiCalls: 1 });
		expect(engine.getCredential(id).sessionToken).not.toBe('');
		expect(engine.stats().credentialWrites).toBe(1);
	});

	test('a wrong password tests as an error', async () => {
		const id = engine.setCredential('edgeIqApi', edgeIqCredential({ password: 'wrong-password' }));
		const outcome = await engine.credentialTest('edgeIqApi', id);
		observed.wrongPasswordTest = { outcome, stats: { ...sandbox.edgeIq.stats(), byRoute: undefined } };
		expect(outcome.status).toBe('Error');
		expect(outcome.message).not.toContain('wrong-password');
		expect(sandbox.edgeIq.stats().apiCalls).toBe(0);
	});
});

// ---------------------------------------------------------------------------------------------
// Every operation, every documented error, the expiry proof (added with the per-provider suites;
// helpers in ./providerTestKit.js). These blocks reset the sandbox state themselves.

const {
	customCall,
	sleep,
	sleepUntil,
	expectProviderError,
	expectInputRefusal,
	expectNoSecrets,
	defineCustomCallGuards,
} = require('./providerTestKit');

const EDGE = ACCOUNTS.edgeIq;
const ROUTE = {
	login: 'POST /api/v1/platform/user/authenticate',
	me: 'GET /api/v1/platform/me',
	apiTokenReset: 'POST /api/v1/platform/user/api_token_reset',
	resetRequest: 'POST /api/v1/platform/user/password_reset_request',
	reset: 'POST /api/v1/platform/user/password_reset/:token',
};
const FOUR_HOURS_MS = 4 * 3600 * 1000;
const edgeStats = () => sandbox.edgeIq.stats();

function runEdge(engine, id, parameters, extra = {}) {
	return engine.run({ nodeType: 'edgeIq', parameters, credentials: { edgeIqApi: id }, ...extra });
}

function expectOk(result, n) {
	expect(describeError(result.error)).toBeUndefined();
	expect(result.status).toBe('success');
	expect(result.items).toHaveLength(n);
	expect(result.errors.filter(Boolean)).toHaveLength(0);
}

describe('EdgeIQ operations through the real engine (warm credential, in order)', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('edgeIqApi', edgeIqCredential(), { name: 'EdgeIQ operations' });
		expectOk(await runEdge(engine, id, getCurrentUser), 1);
		expect(edgeStats()).toMatchObject({ logins: 1, apiCalls: 1 });
	});

	beforeEach(() => sandbox.edgeIq.reset());

	afterAll(() => sandbox.resetAll({ state: true })); // the password and API token changed here

	test('Session → Create without Token Expiry: a new session token (EdgeIQ default 4 h), one login, no api_token', async () => {
		const stored = engine.getCredential(id).sessionToken;
		const before = Date.now();
		const result = await runEdge(engine, id, { resource: 'session', operation: 'create' });
		const after = Date.now();
		expectOk(result, 1);
		const out = result.items[0];
		expect(out).toMatchObject({ email: EDGE.email, id: expect.any(String), session_token: expect.any(String) });
		expect(out).not.toHaveProperty('api_token');
		expect(out).not.toHaveProperty('password');
		expect(sandbox.edgeIq.tokensIssued()).toContain(out.session_token);
		expect(out.session_token).not.toBe(stored);
		expect(Date.parse(out.session_expires_at)).toBeGreaterThanOrEqual(before + FOUR_HOURS_MS);
		expect(Date.parse(out.session_expires_at)).toBeLessThanOrEqual(after + FOUR_HOURS_MS);
		expect(edgeStats()).toMatchObject({ logins: 1, loginFailures: 0, apiCalls: 0, total: 1, byRoute: { [ROUTE.login]: 1 } });
		expect(engine.getCredential(id).sessionToken).toBe(stored); // the credential keeps its own session

		// The new session token is a working EdgeIQ token (used here as a pasted token).
		const pasted = engine.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, authMode: 'apiToken', apiToken: out.session_token });
		expectOk(await runEdge(engine, pasted, getCurrentUser), 1);
	});

	test('Session → Create with Token Expiry two days ahead: EdgeIQ sets exactly that expiry', async () => {
		const expiry = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
		const result = await runEdge(engine, id, { resource: 'session', operation: 'create', tokenExpiry: expiry });
		expectOk(result, 1);
		expect(result.items[0].session_expires_at).toBe(expiry);
		expect(sandbox.edgeIq.tokensIssued()).toContain(result.items[0].session_token);
		expect(edgeStats()).toMatchObject({ logins: 1, loginFailures: 0, total: 1 });
	});

	test.each([
		['more than one week ahead', () => new Date(Date.now() + 8 * 24 * 3600 * 1000).toISOString(), /Token Expiry is more than one week ahead/],
		['in the past', () => new Date(Date.now() - 3600 * 1000).toISOString(), /Token Expiry is in the past/],
		['not a date', () => 'next tuesday-ish', /Token Expiry .* is not a date/],
	])('Session → Create refuses a Token Expiry %s before any call', async (_label, expiry, message) => {
		const result = await runEdge(engine, id, { resource: 'session', operation: 'create', tokenExpiry: expiry() });
		expectInputRefusal(engine, result, message);
		expect(edgeStats().total).toBe(0);
	});

	test('Session → Get Current User: the profile, no token in it, one call, no login', async () => {
		const result = await runEdge(engine, id, getCurrentUser);
		expectOk(result, 1);
		expect(result.items[0]).toMatchObject({ email: EDGE.email, first_name: 'Ops', last_name: 'Team', company_id: 'example_company', active: true });
		expect(result.items[0]).not.toHaveProperty('session_token');
		expect(result.items[0]).not.toHaveProperty('api_token');
		expect(edgeStats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1, byRoute: { [ROUTE.me]: 1 } });
	});

	test('Custom API Call: POST with a JSON body, the bare token in Authorization', async () => {
		const result = await runEdge(engine, id, customCall('/echo/devices', { method: 'POST', jsonBody: '{"unique_id": "dev-1", "tags": ["a"]}' }));
		expectOk(result, 1);
		expect(result.items[0]).toMatchObject({
			method: 'POST',
			path: '/api/v1/platform/echo/devices',
			body: { unique_id: 'dev-1', tags: ['a'] },
			authScheme: 'raw',
		});
		expect(edgeStats()).toMatchObject({ logins: 0, apiCalls: 1, total: 1 });
	});

	defineCustomCallGuards({
		context: () => ({ engine, id }),
		run: runEdge,
		stats: edgeStats,
		basePath: '/api/v1/platform',
		otherHost: 'https://api.edgeiq.io.evil.example.com/api/v1/platform/me',
		dotDot: '../platform/me',
		authorizationHeader: { name: 'Authorization', value: EDGE.apiToken },
		badJson: { method: 'PUT', body: '{"a": }' },
	});

	test('Password → Request Reset with the defaults: the email lands in the outbox with the documented url', async () => {
		const result = await runEdge(engine, id, { resource: 'password', operation: 'requestReset', email: EDGE.email });
		expectOk(result, 1);
		expect(result.items[0]).toEqual({ message: 'Password reset email sent' });
		const outbox = sandbox.edgeIq.outbox();
		expect(outbox).toHaveLength(1);
		expect(outbox[0]).toMatchObject({
			email: EDGE.email,
			url: EDGE.resetUrl,
			subject: 'Password Reset Request',
			greeting: 'Hello',
			from_address: EDGE.whitelistedFromAddress,
		});
		expect(EDGE.resetUrl).toBe('https://app.edgeiq.io/reset_password');
		expect(edgeStats()).toMatchObject({ logins: 0, apiCalls: 0, total: 1, byRoute: { [ROUTE.resetRequest]: 1 } });
	});

	test('Password → Request Reset with subject, greeting and a whitelisted From Address', async () => {
		const before = sandbox.edgeIq.outbox().length;
		const result = await runEdge(engine, id, {
			resource: 'password',
			operation: 'requestReset',
			email: EDGE.email.toUpperCase(),
			additionalFields: { subject: 'Reset your EdgeIQ password', greeting: 'Hi Ops', from_address: EDGE.whitelistedFromAddress },
		});
		expectOk(result, 1);
		const outbox = sandbox.edgeIq.outbox();
		expect(outbox).toHaveLength(before + 1);
		expect(outbox[before]).toMatchObject({
			email: EDGE.email,
			url: EDGE.resetUrl,
			subject: 'Reset your EdgeIQ password',
			greeting: 'Hi Ops',
			from_address: EDGE.whitelistedFromAddress,
		});
		expect(edgeStats()).toMatchObject({ logins: 0, total: 1, byRoute: { [ROUTE.resetRequest]: 1 } });
	});

	test('permanent API Token mode: calls carry the token bare, no login; login-only operations are refused before any call', async () => {
		const permanent = engine.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, authMode: 'apiToken', apiToken: EDGE.apiToken });
		const me = await runEdge(engine, permanent, getCurrentUser, { items: items(3) });
		expectOk(me, 3);
		expect(me.items[0].email).toBe(EDGE.email);
		const echo = await runEdge(engine, permanent, customCall('/echo'));
		expectOk(echo, 1);
		expect(echo.items[0].authScheme).toBe('raw');
		expect(edgeStats()).toMatchObject({ logins: 0, apiCalls: 4, rejected: 0, total: 4 });

		const create = await runEdge(engine, permanent, { resource: 'session', operation: 'create' });
		expectInputRefusal(engine, create, /logs in with the credential's Email and Password: switch the EdgeIQ credential to that mode/);
		expect(edgeStats().total).toBe(4);
	});

	test('API Token → Reset: a new api_token; the old permanent token then fails with a 403 that says how to fix it', async () => {
		const result = await runEdge(engine, id, { resource: 'apiToken', operation: 'reset' });
		expectOk(result, 1);
		const out = result.items[0];
		expect(Object.keys(out).sort()).toEqual(['api_token', 'email', 'id']);
		expect(out.email).toBe(EDGE.email);
		expect(out.api_token).toMatch(/^[0-9a-f]{40}$/);
		expect(out.api_token).not.toBe(EDGE.apiToken);
		expect(edgeStats()).toMatchObject({ logins: 0, apiCalls: 0, total: 1, byRoute: { [ROUTE.apiTokenReset]: 1 } });

		sandbox.edgeIq.reset();
		const old = engine.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, authMode: 'apiToken', apiToken: EDGE.apiToken });
		const refused = await runEdge(engine, old, getCurrentUser);
		expectProviderError(engine, refused, {
			provider: 'EdgeIQ',
			status: 403,
			cause: [/rejected the API token/, /get a new one with API Token → Reset/, /paste it into the credential/],
			secrets: [EDGE.apiToken, out.api_token],
		});
		expect(edgeStats()).toMatchObject({ logins: 0, apiCalls: 1, rejected: 1, total: 1 });

		const fresh = engine.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, authMode: 'apiToken', apiToken: out.api_token });
		expectOk(await runEdge(engine, fresh, getCurrentUser), 1);
	});

	test('Password → Reset with the token from the outbox: the new password then logs in, the old one is refused', async () => {
		const newPassword = 'brand-new-edge-secret-7';
		expectOk(await runEdge(engine, id, { resource: 'password', operation: 'requestReset', email: EDGE.email }), 1);
		const mail = sandbox.edgeIq.outbox().at(-1);
		expect(mail.link).toBe(`${EDGE.resetUrl}?token=${mail.resetToken}`);
		sandbox.edgeIq.reset();

		const result = await runEdge(engine, id, {
			resource: 'password',
			operation: 'reset',
			resetToken: mail.resetToken,
			newPassword,
			passwordConfirmation: newPassword,
		});
		expectOk(result, 1);
		expect(result.items[0]).toEqual({ message: 'Password updated' });
		expect(edgeStats()).toMatchObject({ logins: 0, apiCalls: 0, total: 1, byRoute: { [ROUTE.reset]: 1 } });

		sandbox.edgeIq.reset();
		const renewed = engine.setCredential('edgeIqApi', edgeIqCredential({ password: newPassword }));
		expectOk(await runEdge(engine, renewed, getCurrentUser), 1);
		expect(edgeStats()).toMatchObject({ logins: 1, loginFailures: 0, apiCalls: 1 });

		sandbox.edgeIq.reset();
		const stale = await runEdge(engine, id, { resource: 'session', operation: 'create' }); // always logs in anew
		expectProviderError(engine, stale, { provider: 'EdgeIQ', status: 401, cause: /check the Email and Password/, secrets: [EDGE.password, newPassword] });
		expect(edgeStats()).toMatchObject({ logins: 1, loginFailures: 1 });
	});
});

describe('EdgeIQ documented errors through the real engine', () => {
	let engine;
	let id;

	beforeAll(async () => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential('edgeIqApi', edgeIqCredential());
		expectOk(await runEdge(engine, id, getCurrentUser), 1);
	});

	beforeEach(() => sandbox.edgeIq.reset());

	afterAll(() => sandbox.edgeIq.configure({ tokenLifetimeSeconds: 4 * 3600, resetTokenLifetimeSeconds: 3600 }));

	test('wrong password: one refused login for 3 items (401 "check the Email and Password"), password never shown', async () => {
		const wrong = 'wrong-edge-password-42';
		const bad = engine.setCredential('edgeIqApi', edgeIqCredential({ password: wrong }));
		const result = await runEdge(engine, bad, getCurrentUser, { items: items(3) });
		expectProviderError(engine, result, {
			provider: 'EdgeIQ',
			status: 401,
			cause: [/refused the login/, /check the Email and Password in the credential/],
			secrets: [wrong],
		});
		expect(edgeStats()).toMatchObject({ logins: 1, loginFailures: 1, apiCalls: 0, total: 1 });
	});

	test('session token refused (403 Not Authorized): exactly one new login and one retry per item', async () => {
		sandbox.edgeIq.revokeTokens();
		const result = await runEdge(engine, id, getCurrentUser, { items: items(5) });
		expectOk(result, 5);
		expect(edgeStats()).toMatchObject({ logins: 1, apiCalls: 10, rejected: 5, byRoute: { [ROUTE.login]: 1, [ROUTE.me]: 10 } });
	});

	test('Password → Request Reset needs no login: it works while the credential holds a wrong password', async () => {
		const wrong = 'wrong-edge-password-43';
		const bad = engine.setCredential('edgeIqApi', edgeIqCredential({ password: wrong }));
		const result = await runEdge(engine, bad, { resource: 'password', operation: 'requestReset', email: EDGE.email });
		expectOk(result, 1);
		expect(result.items[0]).toEqual({ message: 'Password reset email sent' });
		expect(sandbox.edgeIq.outbox().at(-1)).toMatchObject({ email: EDGE.email, url: EDGE.resetUrl });
		const stats = edgeStats();
		expect(stats.byRoute[ROUTE.resetRequest]).toBe(1);
		expect(stats.apiCalls).toBe(0);
		expect(stats.loginFailures).toBe(stats.logins); // no login can succeed with this password
	});

	test('Password → Request Reset for an unknown email: 404 "no EdgeIQ user has this email", one call, no login', async () => {
		const sent = sandbox.edgeIq.outbox().length;
		const result = await runEdge(engine, id, { resource: 'password', operation: 'requestReset', email: 'nobody@example.com' });
		expectProviderError(engine, result, {
			provider: 'EdgeIQ',
			status: 404,
			cause: /no EdgeIQ user has this email/,
			secrets: [EDGE.password, engine.getCredential(id).sessionToken],
		});
		expect(sandbox.edgeIq.outbox()).toHaveLength(sent);
		expect(edgeStats()).toMatchObject({ logins: 0, total: 1, byRoute: { [ROUTE.resetRequest]: 1 } });
	});

	test('Password → Request Reset with a From Address that is not whitelisted: 500, no retry, nothing sent', async () => {
		const sent = sandbox.edgeIq.outbox().length;
		const result = await runEdge(engine, id, {
			resource: 'password',
			operation: 'requestReset',
			email: EDGE.email,
			additionalFields: { from_address: 'alerts@not-whitelisted.example.com' },
		});
		expectProviderError(engine, result, { provider: 'EdgeIQ', status: 500, cause: [], secrets: [EDGE.password] });
		expect(sandbox.edgeIq.outbox()).toHaveLength(sent);
		expect(edgeStats()).toMatchObject({ logins: 0, total: 1, byRoute: { [ROUTE.resetRequest]: 1 } });
	});

	test('… and that 500 names the likely cause: EdgeIQ support must whitelist the From Address', async () => {
		const result = await runEdge(engine, id, {
			resource: 'password',
			operation: 'requestReset',
			email: EDGE.email,
			additionalFields: { from_address: 'alerts@not-whitelisted.example.com' },
		});
		// The profile's apiErrorCauses[500] says so; "try again later" would send the user the wrong way.
		expectProviderError(engine, result, { provider: 'EdgeIQ', status: 500, cause: /whitelist/i, secrets: [EDGE.password] });
	});

	test('Password → Reset with an expired or unknown reset token: 404, one call each, no secret shown', async () => {
		sandbox.edgeIq.configure({ resetTokenLifetimeSeconds: 1 });
		expectOk(await runEdge(engine, id, { resource: 'password', operation: 'requestReset', email: EDGE.email }), 1);
		const expired = sandbox.edgeIq.outbox().at(-1).resetToken;
		await sleep(1100);
		sandbox.edgeIq.reset();

		const newPassword = 'never-applied-secret-1';
		for (const token of [expired, 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed']) {
			const result = await runEdge(engine, id, { resource: 'password', operation: 'reset', resetToken: token, newPassword, passwordConfirmation: newPassword });
			expectProviderError(engine, result, { provider: 'EdgeIQ', status: 404, cause: [], secrets: [token, newPassword, EDGE.password] });
		}
		expect(edgeStats()).toMatchObject({ logins: 0, total: 2, byRoute: { [ROUTE.reset]: 2 } });
	});

	test('… and that 404 names the likely cause for a reset: the reset token (not an unknown email)', async () => {
		const newPassword = 'never-applied-secret-2';
		const result = await runEdge(engine, id, {
			resource: 'password',
			operation: 'reset',
			resetToken: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
			newPassword,
			passwordConfirmation: newPassword,
		});
		const error = expectProviderError(engine, result, { provider: 'EdgeIQ', status: 404, cause: [], secrets: [newPassword] });
		// The cause the package adds after the provider's own words: it must be about the reset token.
		const cause = error.message.split(': ').slice(1).join(': ');
		expect(cause).not.toMatch(/no EdgeIQ user has this email/);
		expect(cause).toMatch(/token/i);
	});

	test('Password → Reset with mismatched passwords is refused before sending (0 calls), passwords never shown', async () => {
		const result = await runEdge(engine, id, {
			resource: 'password',
			operation: 'reset',
			resetToken: 'f00dfeedf00dfeed',
			newPassword: 'first-choice-secret',
			passwordConfirmation: 'second-choice-secret',
		});
		const error = expectInputRefusal(engine, result, /New Password and Confirm New Password do not match/);
		expectNoSecrets(error, ['first-choice-secret', 'second-choice-secret']);
		expect(edgeStats().total).toBe(0);
	});
});

describe('EdgeIQ known session expiry through the real engine', () => {
	beforeEach(() => sandbox.resetAll({ state: true }));
	afterEach(() => sandbox.edgeIq.configure({ tokenLifetimeSeconds: 4 * 3600 }));

	test('known expiry (1 s session): after it, 20 items cost exactly 1 login and no rejected request', async () => {
		sandbox.edgeIq.configure({ tokenLifetimeSeconds: 1 });
		const engine = createEngine();
		const id = engine.setCredential('edgeIqApi', edgeIqCredential());
		expectOk(await runEdge(engine, id, getCurrentUser), 1);
		const first = engine.getCredential(id);
		await sleepUntil(Date.parse(first.sessionExpiresAt), 100);
		sandbox.edgeIq.configure({ tokenLifetimeSeconds: 4 * 3600 }); // new sessions: no time pressure on the 20 items

		sandbox.edgeIq.reset();
		const result = await runEdge(engine, id, getCurrentUser, { items: items(20) });
		expectOk(result, 20);
		expect(edgeStats()).toMatchObject({ logins: 1, apiCalls: 20, rejected: 0, total: 21 });
		expect(engine.getCredential(id).sessionToken).not.toBe(first.sessionToken);
	});
});
