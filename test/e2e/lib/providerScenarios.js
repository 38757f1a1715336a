'use strict';
/**
 * The scenarios every provider goes through in a real n8n (one home, one sandbox, one test file
 * per provider). The test file gives the provider-specific parts (operations, wrong credential,
 * example file, extra tests); this defines the jest tests, in order (they share one home).
 */
const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./n8n');
const kit = require('./e2eKit');
const { startSandbox } = require('../../sandbox');
const { exampleCredentials, EXAMPLE_CREDENTIALS } = require('../../../examples/sandboxCredentials');
// required lazily: it requires this module back for the helpers below
const defineSingleProviderScenarios = (ctx) => require('./singleProviderScenarios').defineSingleProviderScenarios(ctx);

const ITEMS = 20;
const EXPIRY_SECONDS = 2;

/**
 * What the sandbox must have seen when n8n's HTTP Request node ran ITEMS items on a credential
 * whose stored token had expired (stats since the reset before that run).
 */
function expectHttpRequestPastExpiry(e, { opaqueToken }) {
	if (opaqueToken) {
		// An expiry the package cannot know: the requests n8n's HTTP Request node already sent
		// with the old token are refused (how many depends on the machine's speed: 4-7 seen),
		// each is retried exactly once, and one login serves them all.
		expect(e.rejected).toBeGreaterThanOrEqual(1);
		expect(e.rejected).toBeLessThanOrEqual(ITEMS);
		expect({ renewals: e.logins + e.refreshes, apiCalls: e.apiCalls }).toEqual({ renewals: 1, apiCalls: ITEMS + e.rejected });
	} else {
		expect({ expiredRejected: e.rejected, expiredRenewals: e.logins + e.refreshes }).toEqual({ expiredRejected: 0, expiredRenewals: 1 });
	}
}

/**
 * @param {object} cfg
 * @param {string} cfg.key            sandbox / EXAMPLE_CREDENTIALS key
 * @param {string} cfg.nodeName       node type name (without package prefix)
 * @param {string} cfg.credType
 * @param {RegExp} cfg.providerName   the provider's name as error messages must show it
 * @param {string} cfg.exampleFile    file under examples/
 * @param {(outputs: object[], ctx) => void} cfg.exampleCheck
 * @param {(data: object) => object} cfg.wrongData   credential data with a wrong secret
 * @param {(ctx) => Array<{id, title, parameters, items?, tokenOutput?, check(out, ctx)}>} cfg.operations
 * @param {(stats, ctx) => void} [cfg.operationsStatsCheck]
 * @param {boolean} [cfg.opaqueToken]  the token carries no expiry (IntelePeer): a shortened sandbox
 *   lifetime cannot be a "known" expiry for the package; the expiry tests then check recovery instead
 * @param {(ctx) => void} [cfg.extraTests]  more tests (run after the common ones)
 * @param {(ctx) => object[]} [cfg.extraWorkflows]
 */
function defineProviderScenarios(cfg) {
	const observed = {};
	const ctx = { cfg, observed, ITEMS };
	const wfId = (tag) => `e2e${cfg.key}${tag}`.slice(0, 40);

	beforeAll(async () => {
		ctx.sandbox = await startSandbox();
		ctx.handle = ctx.sandbox[cfg.key];
		ctx.defaultLifetime = ctx.handle.configure({}).tokenLifetimeSeconds;
		// jest sets NODE_ENV=test, which silences n8n's logger (no run JSON, no "Editor is now accessible")
		ctx.home = await n8n.createN8nHome({ tarball: kit.tarballPath(), env: kit.N8N_ENV });
		kit.registerHome(ctx.home, cfg.key);

		const examples = exampleCredentials(ctx.sandbox);
		ctx.mainCred = examples.find((c) => c.type === cfg.credType);
		ctx.baseData = ctx.mainCred.data;
		const copy = (tag) => ({ id: kit.credId(tag, cfg.key), name: `${cfg.key} ${tag}`, type: cfg.credType, data: { ...ctx.baseData, sessionToken: '' } });
		ctx.creds = { cold: copy('cold'), exp: copy('exp'), http: copy('http'), cof: copy('cof'), extra: copy('extra') };
		await n8n.importCredentials(ctx.home, [...examples, ...Object.values(ctx.creds)]);

		const node = (parameters, cred, extra = {}) => kit.ourNode({ nodeName: cfg.nodeName, credType: cfg.credType, parameters, cred, ...extra });
		ctx.node = node;
		const echo = { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo' };
		ctx.operations = cfg.operations(ctx);
		ctx.exampleWorkflow = JSON.parse(fs.readFileSync(path.join(kit.ROOT, 'examples', cfg.exampleFile), 'utf8'));
		const workflows = [
			...ctx.operations.map((op) => n8n.buildWorkflow({ id: wfId(`op${op.id}`), items: op.items, nodes: [node(op.parameters, ctx.mainCred)] })),
			n8n.buildWorkflow({ id: wfId('cold'), items: kit.items(ITEMS), nodes: [node(echo, ctx.creds.cold)] }),
			n8n.buildWorkflow({ id: wfId('exp'), items: kit.items(ITEMS), nodes: [node(echo, ctx.creds.exp)] }),
			n8n.buildWorkflow({ id: wfId('http'), items: kit.items(ITEMS), nodes: [kit.httpRequestNode({ credType: cfg.credType, cred: ctx.creds.http, url: `${ctx.handle.baseUrl}/echo` })] }),
			n8n.buildWorkflow({
				id: wfId('cof'),
				items: [{ path: '/echo/a' }, { path: 'https://evil.example.com/x' }, { path: '/echo/c' }],
				nodes: [node({ ...echo, path: '={{ $json.path }}' }, ctx.creds.cof, { onError: 'continueRegularOutput' })],
			}),
			ctx.exampleWorkflow,
			...(cfg.extraWorkflows ? cfg.extraWorkflows(ctx) : []),
		];
		ctx.wfId = wfId;
		await n8n.importWorkflows(ctx.home, workflows);
	});

	// Every token this file saw, for the secrets scan (test/secrets): the sandbox lists its live
	// tokens, n8n's stored credentials add refresh tokens and tokens issued before a reset.
	const seenTokens = new Set();
	ctx.seenTokens = seenTokens;
	afterEach(() => {
		for (const token of ctx.handle?.tokensIssued() ?? []) seenTokens.add(token);
	});

	afterAll(async () => {
		if (ctx.home) {
			for (const credential of await n8n.exportCredentials(ctx.home).catch(() => [])) {
				for (const [field, value] of Object.entries(credential.data ?? {})) {
					if (/token/i.test(field) && typeof value === 'string' && value.length >= 16) seenTokens.add(value);
				}
			}
		}
		const tokenDir = path.join(require('./artifacts').artifactsRoot(), kit.SUITE, cfg.key);
		fs.mkdirSync(tokenDir, { recursive: true });
		fs.writeFileSync(path.join(tokenDir, 'issued-tokens.json'), JSON.stringify({ suite: `${kit.SUITE}/${cfg.key}`, tokens: [...seenTokens] }));
		if (ctx.server) await ctx.server.stop();
		await ctx.sandbox?.close();
		if (ctx.home) await kit.keepStoredExecutions(ctx.home, `${kit.SUITE}-${cfg.key}`);
		if (ctx.home) await n8n.removeN8nHome(ctx.home);
		const out = path.join(kit.ROOT, 'test-output', 'e2e');
		fs.mkdirSync(out, { recursive: true });
		fs.writeFileSync(path.join(out, `observed-${cfg.key}.json`), JSON.stringify(observed, null, 2));
		console.log(`${cfg.key} observed in real n8n: ${JSON.stringify(observed)}`);
	});

	beforeEach(() => ctx.handle.reset());

	test('every node operation runs in n8n (one execute-batch), with the expected output and calls', async () => {
		const ids = ctx.operations.map((op) => wfId(`op${op.id}`));
		const r = await kit.runBatch(ctx.home, ids, `${cfg.key}-operations`, {
			tokenRuns: ctx.operations.filter((op) => op.tokenOutput).map((op) => wfId(`op${op.id}`)),
		});
		const stats = ctx.handle.stats();
		observed.operations = { ...kit.counters(ctx.handle), byRoute: stats.byRoute };
		const failures = (r.results?.executions ?? []).filter((e) => e.executionStatus !== 'success');
		expect(failures).toEqual([]);
		for (const op of ctx.operations) {
			const run = r.runs[wfId(`op${op.id}`)];
			expect({ op: op.title, hasRun: Boolean(run) }).toEqual({ op: op.title, hasRun: true });
			expect({ op: op.title, error: n8n.runErrorOf(run)?.message }).toEqual({ op: op.title, error: undefined });
			op.check(n8n.outputOf(run, 'Op'), ctx);
		}
		expect(stats.rejected).toBe(0);
		if (cfg.operationsStatsCheck) cfg.operationsStatsCheck(stats, ctx);
	});

	test(`cold credential, ${ITEMS} items through our node: exactly 1 login, ${ITEMS} calls, 0 rejected`, async () => {
		const r = await kit.run(ctx.home, wfId('cold'), `${cfg.key}-cold`);
		observed.coldOurNode = kit.counters(ctx.handle);
		expect(kit.describeRun(r)).toBe('status success, code 0');
		const out = n8n.outputOf(r.json, 'Op');
		expect(out).toHaveLength(ITEMS);
		for (const o of out) expect(o.path).toMatch(/\/echo$/);
		expect(ctx.handle.stats()).toMatchObject({ logins: 1, refreshes: 0, apiCalls: ITEMS, rejected: 0 });
	});

	test('n8n "restarted" (a new n8n process): the token was stored, the next run makes 0 logins', async () => {
		const stored = (await n8n.exportCredentials(ctx.home)).find((c) => c.id === ctx.creds.cold.id);
		expect(typeof stored.data.sessionToken).toBe('string');
		expect(stored.data.sessionToken.length).toBeGreaterThan(0);
		ctx.handle.reset();
		const r = await kit.run(ctx.home, wfId('cold'), `${cfg.key}-restarted`);
		observed.restarted = kit.counters(ctx.handle);
		expect(kit.describeRun(r)).toBe('status success, code 0');
		expect(n8n.outputOf(r.json, 'Op')).toHaveLength(ITEMS);
		expect(ctx.handle.stats()).toMatchObject({ logins: 0, refreshes: 0, apiCalls: ITEMS, rejected: 0 });
	});

	test(`${cfg.opaqueToken ? 'token expired at the provider before the documented lifetime' : `token past its known expiry (${EXPIRY_SECONDS} s)`} through our node: ${cfg.opaqueToken ? 'each refused item retried once' : '0 rejected'}, 1 renewal or login`, async () => {
		ctx.handle.configure({ tokenLifetimeSeconds: EXPIRY_SECONDS });
		try {
			const first = await kit.run(ctx.home, wfId('exp'), `${cfg.key}-expiry-first`);
			observed.expiryFirstRun = kit.counters(ctx.handle);
			expect(kit.describeRun(first)).toBe('status success, code 0');
			expect(ctx.handle.stats().logins).toBe(1);
			await kit.sleep(EXPIRY_SECONDS * 1000 + 700);
			// The stored token has expired; the ones issued from now on live as usual, so a slow run
			// cannot see its fresh token expire too (which the package could not know for IntelePeer).
			ctx.handle.configure({ tokenLifetimeSeconds: ctx.defaultLifetime });
			ctx.handle.reset();
			const r = await kit.run(ctx.home, wfId('exp'), `${cfg.key}-expiry-second`);
			const s = ctx.handle.stats();
			observed.expiredOurNode = kit.counters(ctx.handle);
			expect(kit.describeRun(r)).toBe('status success, code 0');
			expect(n8n.outputOf(r.json, 'Op')).toHaveLength(ITEMS);
			if (cfg.opaqueToken) {
				// the token carries no expiry and the package can only assume the documented lifetime, so
				// the shortened sandbox lifetime is an early expiry for it: refused items, retried once each
				expect({ renewals: s.logins + s.refreshes, apiCalls: s.apiCalls }).toEqual({ renewals: 1, apiCalls: ITEMS + s.rejected });
				expect(s.rejected).toBeLessThanOrEqual(ITEMS);
			} else {
				expect({ rejected: s.rejected, renewals: s.logins + s.refreshes, apiCalls: s.apiCalls }).toEqual({ rejected: 0, renewals: 1, apiCalls: ITEMS });
			}
		} finally {
			ctx.handle.configure({ tokenLifetimeSeconds: ctx.defaultLifetime });
		}
	});

	test(`the credential in n8n's HTTP Request node (4.2, predefined type), ${ITEMS} items: cold 1 login${cfg.opaqueToken ? ' ; early expiry: only in-flight requests refused, 1 login' : '; past expiry 0 rejected, 1 renewal'}`, async () => {
		ctx.handle.configure({ tokenLifetimeSeconds: EXPIRY_SECONDS });
		try {
			const cold = await kit.run(ctx.home, wfId('http'), `${cfg.key}-http-cold`);
			const c = ctx.handle.stats();
			observed.httpRequestCold = kit.counters(ctx.handle);
			expect(kit.describeRun(cold)).toBe('status success, code 0');
			const out = n8n.outputOf(cold.json, 'HTTP');
			expect(out).toHaveLength(ITEMS);
			for (const o of out) expect(o.path).toMatch(/\/echo$/);
			await kit.sleep(EXPIRY_SECONDS * 1000 + 700);
			ctx.handle.configure({ tokenLifetimeSeconds: ctx.defaultLifetime });
			ctx.handle.reset();
			const exp = await kit.run(ctx.home, wfId('http'), `${cfg.key}-http-expired`);
			const e = ctx.handle.stats();
			observed.httpRequestExpired = kit.counters(ctx.handle);
			expect({ coldLogins: c.logins, coldRejected: c.rejected }).toEqual({ coldLogins: 1, coldRejected: 0 });
			expect(kit.describeRun(exp)).toBe('status success, code 0');
			expect(n8n.outputOf(exp.json, 'HTTP')).toHaveLength(ITEMS);
			expectHttpRequestPastExpiry(e, cfg);
		} finally {
			ctx.handle.configure({ tokenLifetimeSeconds: ctx.defaultLifetime });
		}
	});

	test('Continue On Fail: a path outside the base URL fails that item only, without a call; the others succeed', async () => {
		const r = await kit.run(ctx.home, wfId('cof'), `${cfg.key}-continue-on-fail`);
		observed.continueOnFail = kit.counters(ctx.handle);
		expect(kit.describeRun(r)).toBe('status success, code 0');
		const out = n8n.outputOf(r.json, 'Op');
		expect(out).toHaveLength(3);
		const errors = n8n.errorsOf(r.json, 'Op');
		expect(errors.map((e) => e.index)).toEqual([1]);
		expect(errors[0].message).toMatch(/base URL|outside|not under|refus/i);
		expect(out[0].path).toMatch(/\/echo\/a$/);
		expect(out[2].path).toMatch(/\/echo\/c$/);
		const s = ctx.handle.stats();
		expect({ apiCalls: s.apiCalls, rejected: s.rejected }).toEqual({ apiCalls: 2, rejected: 0 });
		expect(Object.keys(s.byRoute).some((k) => /evil/.test(k))).toBe(false);
	});

	test(`the example workflow examples/${cfg.exampleFile} (imported as is) runs green`, async () => {
		observed.example = await expectExampleRuns(ctx, ctx.home, ctx.exampleWorkflow, `${cfg.key}-example`);
	});

	test("n8n's credential test (POST /rest/credentials/test on a running n8n): good → OK; wrong secret → an error naming the provider", async () => {
		observed.credentialTest = await expectCredentialTest(ctx, ctx.home, `${cfg.key}-credential-test`);
	});

	// Before the provider's own extra tests: one of them (EdgeIQ's Password → Reset) changes the
	// sandbox account's password for the rest of the file.
	defineSingleProviderScenarios(ctx);
	if (cfg.extraTests) cfg.extraTests(ctx);
	return ctx;
}

/** Runs an example workflow in that home: green, its credential, its output as cfg.exampleCheck wants, 0 rejected. */
async function expectExampleRuns(ctx, home, workflow, artifactName) {
	const { cfg } = ctx;
	const r = await kit.run(home, workflow.id, artifactName, { tokenOutput: cfg.exampleIsTokenOutput === true });
	const counters = kit.counters(ctx.handle);
	expect(kit.describeRun(r)).toBe('status success, code 0');
	const node = workflow.nodes.find((n) => n.credentials?.[cfg.credType]);
	expect(node.credentials[cfg.credType].id).toBe(EXAMPLE_CREDENTIALS[cfg.key].id);
	const out = n8n.outputOf(r.json, node.name);
	expect(out.length).toBeGreaterThan(0);
	cfg.exampleCheck(out, ctx);
	expect(ctx.handle.stats().rejected).toBe(0);
	return counters;
}

/**
 * n8n's credential test on a running n8n of that home (ctx.creds.extra must be imported there):
 * good data → OK; wrong secret → an error naming the provider, after a refused login.
 */
async function expectCredentialTest(ctx, home, artifactName) {
	const { cfg } = ctx;
	ctx.server = await n8n.startN8n(home);
	try {
		const { cookie } = await n8n.setupOwner(ctx.server.url);
		const good = await kit.testCredential(ctx.server.url, cookie, { id: ctx.creds.extra.id, name: ctx.creds.extra.name, type: cfg.credType, data: { ...ctx.baseData } });
		const goodStats = kit.counters(ctx.handle);
		ctx.handle.reset();
		const bad = await kit.testCredential(ctx.server.url, cookie, { id: ctx.creds.extra.id, name: ctx.creds.extra.name, type: cfg.credType, data: cfg.wrongData({ ...ctx.baseData }) });
		const badStats = kit.counters(ctx.handle);
		kit.recordArtifact(kit.SUITE, artifactName, { good: good.body, wrong: bad.body });
		expect({ http: good.status, status: good.result?.status, message: good.result?.message }).toMatchObject({ http: 200, status: 'OK' });
		expect(good.result?.status).toBe('OK');
		expect(bad.status).toBe(200);
		expect(bad.result?.status).toBe('Error');
		expect(bad.result.message).toMatch(cfg.providerName);
		expect(badStats.loginFailures).toBeGreaterThanOrEqual(1);
		return { good: { http: good.status, ...good.result, stats: goodStats }, wrong: { http: bad.status, ...bad.result, stats: badStats } };
	} finally {
		await ctx.server.stop();
		kit.recordArtifact(kit.SUITE, `${artifactName}-n8n-start-logs`, ctx.server.logs());
		ctx.server = undefined;
	}
}
module.exports = { defineProviderScenarios, expectExampleRuns, expectCredentialTest, expectHttpRequestPastExpiry, ITEMS, EXPIRY_SECONDS };
