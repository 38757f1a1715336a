'use strict';

/**
 * Fault matrix: every provider's node, through the real n8n engine (n8n-core RoutingNode →
 * httpRequestWithAuthentication → HTTP) against the sandbox with faults injected on demand.
 *
 * Each case asserts either recovery (at most one refresh/login and one retry per request) or a
 * clear failure (NodeApiError naming the provider, the HTTP status where there is one, and the
 * likely fix), plus the EXACT calls the sandbox saw, so no retry loop can hide.
 *
 * One engine per provider; every case starts cold: the package's in-process token cache is
 * forgotten (lifecycle.forgetAllTokens, what a restarted n8n has) and a new credential is stored.
 * Needs `npm run build` first. Outputs and errors are recorded in test-output/artifacts/engine-faults.
 */

const { createEngine } = require('./harness');
const { startSandbox, ACCOUNTS } = require('../sandbox');
const { useFakeDate } = require('./providerTestKit');
const { providers, echoCall, visibleError, recordRun, recordArtifact, TokenCollector } = require('./faults/kit');

jest.setTimeout(60_000);

const SUITE = 'engine-faults';
const N = 20;
const summary = [];
const tokens = new TokenCollector(SUITE);

/** @type {import('../sandbox').Sandbox} */
let sandbox;
const PROVIDERS = providers(() => sandbox, ACCOUNTS);

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterEach(() => {
	jest.useRealTimers();
	if (sandbox) tokens.fromSandbox(sandbox);
});

afterAll(async () => {
	tokens.dump();
	await sandbox?.close();
	const lines = [
		'| provider | fault | outcome | logins | refreshes | apiCalls | rejected | total |',
		'|---|---|---|---|---|---|---|---|',
		...summary.map((r) => `| ${r.provider} | ${r.fault} | ${r.outcome} | ${r.stats.logins} | ${r.stats.refreshes} | ${r.stats.apiCalls} | ${r.stats.rejected} | ${r.stats.total} |`),
	];
	const recovered = summary.filter((r) => r.outcome === 'recovered').length;
	const failed = summary.filter((r) => r.outcome === 'failed clearly').length;
	const calls = summary.reduce((sum, r) => sum + r.stats.total, 0);
	lines.push('', `faults injected: ${summary.length}, recovered: ${recovered}, failed clearly: ${failed}, calls made: ${calls}`);
	recordArtifact(SUITE, 'summary', { rows: summary, recovered, failed, calls });
	console.log(`Fault matrix (engine)\n${lines.join('\n')}`);
});

const PROVIDER_KEYS = ['elevateIq', 'elyssa', 'edgeIq', 'intelePeer', 'eConnect'];

describe.each(PROVIDER_KEYS)('%s: fault matrix through the node', (key) => {
	const p = PROVIDERS.find((x) => x.key === key);
	let engine;
	let lifecycle;
	let handle;

	beforeAll(() => {
		engine = createEngine();
		lifecycle = engine.dist('nodes/shared/token/lifecycle.js');
		handle = sandbox[key];
	});

	beforeEach(() => {
		lifecycle.forgetAllTokens();
		handle.reset();
	});

	afterEach(() => {
		tokens.fromEngine(engine);
	});

	const cold = (overrides) => engine.setCredential(p.credType, p.credential(overrides));
	const run = (id, { items = 1, parameters = echoCall(), continueOnFail = false } = {}) =>
		engine.run({
			nodeType: p.nodeType,
			parameters,
			credentials: { [p.credType]: id },
			items: Array.from({ length: items }, (_, i) => ({ i })),
			continueOnFail,
		});
	/** A credential with a token already stored and cached (one login), counters back to 0. */
	async function warm(overrides) {
		const id = cold(overrides);
		const first = await run(id);
		expect(visibleError(first.error)).toBeUndefined();
		tokens.fromEngine(engine);
		tokens.fromSandbox(sandbox);
		handle.reset();
		return id;
	}

	function finish(fault, result, outcome) {
		const stats = handle.stats();
		delete stats.byRoute;
		summary.push({ provider: p.provider, fault, outcome, stats });
		recordRun(SUITE, `${key}-${fault}`, result, { provider: p.provider, fault, outcome, stats });
		return stats;
	}

	function expectRecovered(result, n) {
		expect(visibleError(result.error)).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(n);
		for (const json of result.items) expect(json.path).toMatch(/\/echo$/);
	}

	/** A NodeApiError naming the provider, the status (if any) and the fix; none of the secrets. */
	function expectClearFailure(result, { status, text, fix }) {
		expect(result.status).toBe('error');
		const error = result.error;
		expect(error).toBeInstanceOf(engine.n8n.workflow.NodeApiError);
		expect(error.message).toContain(p.provider);
		if (status !== undefined) {
			expect(error.message).toMatch(new RegExp(`(^|\\D)${status}(\\D|$)`));
			expect(String(error.httpCode)).toBe(String(status));
		}
		if (text) expect(error.message).toMatch(text);
		expect(`${error.message}\n${error.description ?? ''}`).toMatch(fix);
		for (const secret of p.secrets) {
			expect(error.message).not.toContain(secret);
			expect(String(error.description ?? '')).not.toContain(secret);
			expect(JSON.stringify(result.executionError ?? {})).not.toContain(secret);
		}
		expect(result.items).toHaveLength(0);
		return error;
	}

	// ---------------------------------------------------------------------------------------------
	// Token refused mid-run

	test(`token revoked mid-run (${N} items, ${key === 'edgeIq' ? 403 : 401}): one new login, one retry per item`, async () => {
		const id = await warm();
		handle.fault({ target: 'api', kind: 'revoke' }); // the first API call revokes every token
		const result = await run(id, { items: N });
		const stats = finish('token revoked mid-run', result, 'recovered');
		expectRecovered(result, N);
		if (key === 'elyssa') {
			// The refresh token was revoked too: one refused refresh, then one login.
			expect(stats).toMatchObject({ logins: 1, refreshes: 1, refreshFailures: 1, apiCalls: 2 * N, rejected: N + 1, total: 2 * N + 2 });
		} else {
			expect(stats).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 2 * N, rejected: N, total: 2 * N + 1 });
		}
	});

	// ---------------------------------------------------------------------------------------------
	// Login refused

	test(`login refused (${p.loginRefusal.status}): one login call for ${N} items, a message with the fix`, async () => {
		const id = cold(p.wrongLogin);
		const result = await run(id, { items: N });
		const stats = finish('login refused', result, 'failed clearly');
		const error = expectClearFailure(result, { status: p.loginRefusal.status, text: /refused the login/, fix: p.loginRefusal.fix });
		if (key === 'intelePeer') expect(error.message).toContain('Missing Authentication Token');
		expect(stats).toMatchObject({ logins: 1, loginFailures: 1, refreshes: 0, apiCalls: 0, rejected: 0, total: 1 });
	});

	test('login refused, Continue On Fail: every item carries the error, still one login call', async () => {
		const id = cold(p.wrongLogin);
		const result = await run(id, { items: 5, continueOnFail: true });
		const stats = finish('login refused (continue on fail)', result, 'failed clearly');
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(5);
		for (const json of result.items) {
			expect(json.error).toContain(p.provider);
			expect(json.error).toContain(String(p.loginRefusal.status));
		}
		expect(stats).toMatchObject({ logins: 1, apiCalls: 0, total: 1 });
	});

	// ---------------------------------------------------------------------------------------------
	// Known expiry passed / refresh or renewal refused

	test('token past its known expiry: renewed before sending, nothing rejected', async () => {
		useFakeDate();
		const id = await warm();
		const stored = engine.getCredential(id);
		jest.setSystemTime(Date.parse(stored.sessionExpiresAt) + 1000);
		const result = await run(id, { items: N });
		const stats = finish('token expired (known expiry)', result, 'recovered');
		expectRecovered(result, N);
		if (key === 'elyssa') expect(stats).toMatchObject({ logins: 0, refreshes: 1, apiCalls: N, rejected: 0, total: N + 1 });
		else expect(stats).toMatchObject({ logins: 1, refreshes: 0, apiCalls: N, rejected: 0, total: N + 1 });
	});

	if (key === 'elyssa' || key === 'eConnect') {
		test(`${key === 'elyssa' ? 'refresh' : 'renewal'} refused (401): exactly one fallback login`, async () => {
			useFakeDate();
			const id = await warm();
			const stored = engine.getCredential(id);
			jest.setSystemTime(Date.parse(stored.sessionExpiresAt) - 120_000); // inside the renewal window
			handle.fault({ target: 'refresh', kind: 'status', status: 401, body: { message: 'Unauthorized' } });
			const result = await run(id, { items: N });
			const stats = finish('refresh/renewal refused', result, 'recovered');
			expectRecovered(result, N);
			expect(stats).toMatchObject({ logins: 1, refreshes: 1, refreshFailures: 1, apiCalls: N, rejected: 1, total: N + 2 });
		});

		test(`${key === 'elyssa' ? 'refresh' : 'renewal'} answered 500: no login storm, a clear failure`, async () => {
			useFakeDate();
			const id = await warm();
			const stored = engine.getCredential(id);
			jest.setSystemTime(Date.parse(stored.sessionExpiresAt) - 120_000);
			handle.fault({ target: 'refresh', kind: 'status', status: 500 });
			const result = await run(id, { items: N });
			const stats = finish('refresh/renewal 500', result, 'failed clearly');
			expectClearFailure(result, { status: 500, text: /renewal/, fix: /provider side, try again later/ });
			expect(stats).toMatchObject({ logins: 0, refreshes: 1, refreshFailures: 1, apiCalls: 0, total: 1 });
		});
	}

	if (key === 'elyssa') {
		test('refresh token past its 360 days: straight to a login, no refresh call', async () => {
			useFakeDate();
			const id = await warm();
			const stored = engine.getCredential(id);
			expect(stored.sessionRefreshExpiresAt).toBeTruthy();
			jest.setSystemTime(Date.parse(stored.sessionRefreshExpiresAt) + 1000);
			const result = await run(id, { items: N });
			const stats = finish('refresh token expired', result, 'recovered');
			expectRecovered(result, N);
			expect(stats).toMatchObject({ logins: 1, refreshes: 0, apiCalls: N, rejected: 0, total: N + 1 });
		});
	}

	// ---------------------------------------------------------------------------------------------
	// Rate limits and provider failures

	test('429 with Retry-After on the API: no retry, the wait is in the message', async () => {
		const id = await warm();
		handle.fault({ target: 'api', kind: 'status', status: 429, headers: { 'Retry-After': '7' }, body: { message: 'Too Many Requests' } });
		const result = await run(id);
		const stats = finish('429 Retry-After (api)', result, 'failed clearly');
		expectClearFailure(result, { status: 429, text: /retry after 7 s/, fix: /space the requests out/ });
		expect(stats).toMatchObject({ logins: 0, apiCalls: 1, rejected: 0, total: 1 });
	});

	test('429 on the login: one login call, a clear failure', async () => {
		const id = cold();
		handle.fault({ target: 'login', kind: 'status', status: 429, headers: { 'Retry-After': '30' } });
		const result = await run(id, { items: N });
		const stats = finish('429 Retry-After (login)', result, 'failed clearly');
		expectClearFailure(result, { status: 429, text: /rate limiting the login/, fix: /space the requests out/ });
		expect(stats).toMatchObject({ logins: 1, apiCalls: 0, total: 1 });
	});

	test.each([500, 502])('%d on the API: no retry, a clear failure', async (status) => {
		const id = await warm();
		handle.fault({ target: 'api', kind: 'status', status });
		const result = await run(id);
		const stats = finish(`${status} (api)`, result, 'failed clearly');
		expectClearFailure(result, { status, fix: /provider side, try again later/ });
		expect(stats).toMatchObject({ logins: 0, apiCalls: 1, rejected: 0, total: 1 });
	});

	test.each([500, 502])('%d on the login: one login call for all items, a clear failure', async (status) => {
		const id = cold();
		handle.fault({ target: 'login', kind: 'status', status });
		const result = await run(id, { items: N });
		const stats = finish(`${status} (login)`, result, 'failed clearly');
		expectClearFailure(result, { status, text: /failed to answer the login/, fix: /provider side, try again later/ });
		expect(stats).toMatchObject({ logins: 1, loginFailures: 1, apiCalls: 0, total: 1 });
	});

	test('500 on one item with Continue On Fail: the good items keep their results', async () => {
		const id = await warm();
		handle.fault({ target: 'api', kind: 'status', status: 500 });
		const result = await run(id, { items: 5, continueOnFail: true });
		const stats = finish('500 on one item (continue on fail)', result, 'recovered');
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(5);
		const failed = result.items.filter((json) => json.error !== undefined);
		const good = result.items.filter((json) => json.error === undefined);
		expect(failed).toHaveLength(1);
		expect(failed[0].error).toContain(p.provider);
		expect(failed[0].error).toContain('500');
		expect(good).toHaveLength(4);
		for (const json of good) expect(json.path).toMatch(/\/echo$/);
		expect(stats).toMatchObject({ logins: 0, apiCalls: 5, total: 5 });
	});

	// ---------------------------------------------------------------------------------------------
	// No answer, bad answers, slow answers

	/** The hung API call, run once per provider and shared by the two tests below. */
	async function hangApi() {
		const id = await warm({ timeoutSeconds: 1 });
		handle.fault({ target: 'api', kind: 'hang' });
		const started = Date.now();
		const result = await run(id);
		return { result, elapsed: Date.now() - started, stats: handle.stats() };
	}

	test('an API call that never answers (timeoutSeconds 1): fails after ~1 s with one call, no retry', async () => {
		const { result, elapsed } = await hangApi();
		const clear = String(result.error?.message).includes(p.provider);
		const stats = finish('hang (api)', result, clear ? 'failed clearly' : 'failed, generic n8n message (package bug)');
		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(engine.n8n.workflow.NodeApiError);
		expect(elapsed).toBeLessThan(5000);
		expect(stats).toMatchObject({ logins: 0, refreshes: 0, apiCalls: 1, total: 1 });
	});

	// PACKAGE BUG (reported): a timeout of the first API request is thrown by n8n's RoutingNode
	// before our postReceive runs, so the user sees n8n's generic "The connection was aborted,
	// perhaps the server is offline" instead of "<Provider> did not answer the request within 1 s
	// ...: raise the credential's Timeout". test.failing turns green-to-red once it is fixed.
	test('an API call that never answers: the message names the provider and the Timeout fix', async () => {
		const { result } = await hangApi();
		handle.reset();
		expectClearFailure(result, { text: /did not answer the request within 1 s/, fix: /raise the credential's Timeout/ });
	});

	test('a login that never answers (timeoutSeconds 1): one login call for all items', async () => {
		const id = cold({ timeoutSeconds: 1 });
		handle.fault({ target: 'login', kind: 'hang' });
		const started = Date.now();
		const result = await run(id, { items: N });
		const elapsed = Date.now() - started;
		const stats = finish('hang (login)', result, 'failed clearly');
		expectClearFailure(result, { text: /did not answer the login within 1 s/, fix: /raise the credential's Timeout/ });
		expect(elapsed).toBeLessThan(5000);
		expect(stats).toMatchObject({ logins: 1, apiCalls: 0, total: 1 });
	});

	test('malformed JSON on the login: a clear failure, one call', async () => {
		const id = cold();
		handle.fault({ target: 'login', kind: 'malformed' });
		const result = await run(id, { items: N });
		const stats = finish('malformed login body', result, 'failed clearly');
		expectClearFailure(result, { status: 200, text: /not JSON/, fix: /proxy or maintenance page|wrong service/ });
		expect(stats).toMatchObject({ logins: 1, apiCalls: 0, total: 1 });
	});

	test('empty body on the login: a clear failure, one call', async () => {
		const id = cold();
		handle.fault({ target: 'login', kind: 'empty' });
		const result = await run(id, { items: N });
		const stats = finish('empty login body', result, 'failed clearly');
		expectClearFailure(result, { status: 200, text: /empty body/, fix: /proxy or maintenance page|wrong service/ });
		expect(stats).toMatchObject({ logins: 1, apiCalls: 0, total: 1 });
	});

	test('slow login (1500 ms) while 100 items wait on it: one login, 100 calls', async () => {
		const id = cold();
		handle.fault({ target: 'login', kind: 'delay', delayMs: 1500 });
		const started = Date.now();
		const result = await run(id, { items: 100 });
		const elapsed = Date.now() - started;
		const stats = finish('slow login, 100 items', result, 'recovered');
		expectRecovered(result, 100);
		expect(elapsed).toBeGreaterThanOrEqual(1400);
		expect(stats).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 100, rejected: 0, total: 101 });
	});
});
