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
