'use strict';
/**
 * The version matrix: the same packed package in every n8n of MATRIX (scripts/n8n-runtime.js:
 * newest 2.x, oldest 2.x, newest 1.x), each provider through the smoke a user would do:
 * its example workflow, our node cold then after a restart (stored token), n8n's HTTP Request node
 * cold and past a known expiry, and n8n's credential test with the right and a wrong secret.
 * The full per-provider suites (*.e2e.test.js) run on the newest n8n only.
 *
 * Per version ONE n8n home holds all five providers, and each step runs all five at once
 * (`n8n execute-batch`: one n8n boot per step) so the matrix stays cheap; the sandbox counts
 * calls per provider. Runtimes not yet in the cache are installed by beforeAll (~10 min each).
 */
const n8n = require('./lib/n8n');
const kit = require('./lib/e2eKit');
const { PROVIDERS } = require('./lib/providers');
const { expectHttpRequestPastExpiry, ITEMS } = require('./lib/providerScenarios');
const { MATRIX } = require('../../scripts/n8n-runtime');
const { startSandbox } = require('../sandbox');
const { exampleCredentials, EXAMPLE_CREDENTIALS } = require('../../examples/sandboxCredentials');
const { artifactsRoot } = require('./lib/artifacts');
const fs = require('node:fs');
const path = require('node:path');

// N8N_MATRIX=2.41.1,1.123.81 runs only those (while working on one version; npm test runs all)
const ONLY = (process.env.N8N_MATRIX || '').split(',').filter(Boolean);
const VERSIONS = ONLY.length ? MATRIX.filter((m) => ONLY.includes(m.version)) : MATRIX;
const INSTALL_TIMEOUT = 30 * 60_000;
const KEYS = Object.keys(PROVIDERS);
// execute-batch only takes ids with a digit
const wfId = (key, tag) => `mx1${key}${tag}`.slice(0, 40);
// Longer than the per-provider suites' 2 s: a cold run of 20 items must end before its token
// expires even on a busy machine (2 s was seen to run out on n8n 2.0.0 under load)
const EXPIRY_SECONDS = 6;

/** a < b for plain x.y.z versions */
function versionBelow(a, b) {
	const [x, y] = [a, b].map((v) => v.split('.').map(Number));
	for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
	return false;
}
// n8n's credentials-helper writes back only the fields preAuthentication returned, keeping stored
// expressions, from 2.34.0 on (read in the published packages: 2.33.7 has the old code); before,
// it stores the whole credential as resolved. Measured here on 1.123.81 and 2.0.0 (rewritten) and
// 2.41.1 (kept).
const rewritesExpressions = (version) => versionBelow(version, '2.34.0');

let sandbox;
const timings = [];

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	collectTokens();
	const tokenDir = path.join(artifactsRoot(), kit.SUITE, 'versions');
	fs.mkdirSync(tokenDir, { recursive: true });
	fs.writeFileSync(path.join(tokenDir, 'issued-tokens.json'), JSON.stringify({ suite: `${kit.SUITE}/versions`, tokens: [...seenTokens] }));
	await sandbox?.close();
	const out = path.join(kit.ROOT, 'test-output', 'e2e');
	fs.mkdirSync(out, { recursive: true });
	fs.writeFileSync(path.join(out, 'versions-timings.json'), JSON.stringify(timings, null, 2));
	console.log(`version matrix timings (s): ${JSON.stringify(timings)}`);
});

// Every token the sandbox issued in this file, for the secrets scan (test/secrets)
const seenTokens = new Set();
function collectTokens() {
	for (const key of KEYS) for (const token of sandbox?.[key]?.tokensIssued() ?? []) seenTokens.add(token);
}

/** Resets every provider's counters; returns a function reading them per provider. */
function resetAll() {
	collectTokens();
	for (const key of KEYS) sandbox[key].reset();
	return () => Object.fromEntries(KEYS.map((key) => [key, kit.counters(sandbox[key])]));
}

function setLifetime(seconds) {
	for (const key of KEYS) sandbox[key].configure({ tokenLifetimeSeconds: seconds[key] });
}

describe.each(VERSIONS)('n8n $version ($label)', ({ version }) => {
	const ctx = { creds: {} };

	/** execute-batch of one workflow per provider (tag), each run recorded, all must succeed. */
	async function batch(tag, { tokenOutputOf = () => false } = {}) {
		const ids = KEYS.map((key) => wfId(key, tag));
		const tokenRuns = KEYS.filter(tokenOutputOf).map((key) => wfId(key, tag));
		const r = await kit.runBatch(ctx.home, ids, `versions-${version}-${tag}`, { tokenRuns });
		const failures = (r.results?.executions ?? []).filter((e) => e.executionStatus !== 'success');
		expect(failures).toEqual([]);
		const runs = Object.fromEntries(KEYS.map((key) => [key, r.runs[wfId(key, tag)]]));
		for (const key of KEYS) expect({ key, hasRun: Boolean(runs[key]) }).toEqual({ key, hasRun: true });
		return runs;
	}

	beforeAll(async () => {
		const t0 = Date.now();
		ctx.started = t0;
		const rt = await n8n.ensureN8n(version);
		timings.push({ version, step: 'runtime ready', seconds: (Date.now() - t0) / 1000 });
		expect(rt.version).toBe(version);
		ctx.home = await n8n.createN8nHome({ tarball: kit.tarballPath(), env: kit.N8N_ENV, n8nVersion: version });
		kit.registerHome(ctx.home, `versions-${version}`);
		ctx.defaultLifetime = Object.fromEntries(KEYS.map((key) => [key, sandbox[key].configure({}).tokenLifetimeSeconds]));

		const examples = exampleCredentials(sandbox);
		const credentials = [...examples];
		const workflows = [];
		const echo = { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo' };
		for (const key of KEYS) {
			const p = PROVIDERS[key];
			const base = examples.find((c) => c.type === p.credType);
			const copy = (tag) => ({ id: kit.credId(`mx${tag}`, key), name: `${key} matrix ${tag}`, type: p.credType, data: { ...base.data, sessionToken: '' } });
			const creds = { cold: copy('cold'), http: copy('http'), test: copy('test') };
			ctx.creds[key] = { ...creds, base };
			credentials.push(...Object.values(creds));
			const example = JSON.parse(fs.readFileSync(path.join(kit.ROOT, 'examples', p.exampleFile), 'utf8'));
			workflows.push(
				{ ...example, id: wfId(key, 'example') }, // the example as is, under an id execute-batch takes
				n8n.buildWorkflow({ id: wfId(key, 'cold'), items: kit.items(ITEMS), nodes: [kit.ourNode({ nodeName: p.nodeName, credType: p.credType, parameters: echo, cred: creds.cold })] }),
				n8n.buildWorkflow({ id: wfId(key, 'http'), items: kit.items(ITEMS), nodes: [kit.httpRequestNode({ credType: p.credType, cred: creds.http, url: `${sandbox[key].baseUrl}/echo` })] }),
			);
			const node = example.nodes.find((n) => n.type.startsWith(`${kit.PKG}.`));
			expect(node.credentials[p.credType].id).toBe(EXAMPLE_CREDENTIALS[key].id);
			ctx.creds[key].exampleNode = node.name;
		}
		// n8n's credential write-back before 2.34 (see the last test): eConnect's base URL as an expression
		ctx.exprCred = {
			id: kit.credId('mxexpr', 'eConnect'),
			name: 'eConnect matrix expression',
			type: PROVIDERS.eConnect.credType,
			data: { ...ctx.creds.eConnect.base.data, baseUrl: `={{ ${JSON.stringify(sandbox.eConnect.baseUrl)} }}`, sessionToken: '' },
		};
		credentials.push(ctx.exprCred);
		workflows.push(
			n8n.buildWorkflow({
				id: wfId('eConnect', 'expr'),
				items: kit.items(1),
				nodes: [kit.ourNode({ nodeName: PROVIDERS.eConnect.nodeName, credType: PROVIDERS.eConnect.credType, parameters: echo, cred: ctx.exprCred })],
			}),
		);
		await n8n.importCredentials(ctx.home, credentials);
		await n8n.importWorkflows(ctx.home, workflows);
		timings.push({ version, step: 'home + imports', seconds: (Date.now() - t0) / 1000 });
	}, INSTALL_TIMEOUT);

	afterAll(async () => {
		if (ctx.server) await ctx.server.stop();
		if (ctx.home) {
			// refresh tokens and tokens issued before a reset live in the stored credentials
			for (const credential of await n8n.exportCredentials(ctx.home).catch(() => [])) {
				for (const [field, value] of Object.entries(credential.data ?? {})) {
					if (/token/i.test(field) && typeof value === 'string' && value.length >= 16) seenTokens.add(value);
				}
			}
			await n8n.removeN8nHome(ctx.home);
		}
		setLifetime(ctx.defaultLifetime ?? {});
		timings.push({ version, step: 'total (install included when not cached)', seconds: (Date.now() - ctx.started) / 1000 });
	});

	test("each provider's example workflow runs green", async () => {
		resetAll();
		const runs = await batch('example', { tokenOutputOf: (key) => PROVIDERS[key].exampleIsTokenOutput === true });
		for (const key of KEYS) {
			const p = PROVIDERS[key];
			const out = n8n.outputOf(runs[key], ctx.creds[key].exampleNode);
			expect({ key, items: out.length > 0 }).toEqual({ key, items: true });
			p.exampleCheck(out, { handle: sandbox[key] });
			expect({ key, rejected: sandbox[key].stats().rejected }).toEqual({ key, rejected: 0 });
		}
	});

	test(`our node, cold credential, ${ITEMS} items: 1 login, ${ITEMS} calls, 0 rejected per provider; after a restart the stored token serves: 0 logins`, async () => {
		let stats = resetAll();
		const cold = await batch('cold');
		const coldStats = stats();
		const stored = await n8n.exportCredentials(ctx.home);
		stats = resetAll();
		const restarted = await batch('cold');
		const restartStats = stats();
		for (const key of KEYS) {
			expect(n8n.outputOf(cold[key], 'Op')).toHaveLength(ITEMS);
			expect(n8n.outputOf(restarted[key], 'Op')).toHaveLength(ITEMS);
			expect({ key, ...coldStats[key] }).toMatchObject({ key, logins: 1, refreshes: 0, apiCalls: ITEMS, rejected: 0 });
			const token = stored.find((c) => c.id === ctx.creds[key].cold.id)?.data?.sessionToken;
			expect({ key, tokenStored: typeof token === 'string' && token.length > 0 }).toEqual({ key, tokenStored: true });
			expect({ key, ...restartStats[key] }).toMatchObject({ key, logins: 0, refreshes: 0, apiCalls: ITEMS, rejected: 0 });
		}
	});

	test(`n8n's HTTP Request node with each credential, ${ITEMS} items: cold 1 login; past a known expiry (${EXPIRY_SECONDS} s) 0 rejected, 1 renewal`, async () => {
		setLifetime(Object.fromEntries(KEYS.map((key) => [key, EXPIRY_SECONDS])));
		let stats = resetAll();
		let cold;
		let coldStats;
		try {
			cold = await batch('http');
			coldStats = stats();
			await kit.sleep(EXPIRY_SECONDS * 1000 + 700);
		} finally {
			setLifetime(ctx.defaultLifetime);
		}
		stats = resetAll();
		const expired = await batch('http');
		const expiredStats = stats();
		for (const key of KEYS) {
			expect(n8n.outputOf(cold[key], 'HTTP')).toHaveLength(ITEMS);
			expect(n8n.outputOf(expired[key], 'HTTP')).toHaveLength(ITEMS);
			expect({ key, logins: coldStats[key].logins, rejected: coldStats[key].rejected }).toEqual({ key, logins: 1, rejected: 0 });
			expectHttpRequestPastExpiry(expiredStats[key], PROVIDERS[key]);
		}
	});

	test("n8n's credential test (a running n8n): the right secret → OK, a wrong one → an error naming the provider", async () => {
		ctx.server = await n8n.startN8n(ctx.home);
		try {
			const { cookie } = await n8n.setupOwner(ctx.server.url);
			for (const key of KEYS) {
				const p = PROVIDERS[key];
				const { id, name, type, data } = ctx.creds[key].test;
				const good = await kit.testCredential(ctx.server.url, cookie, { id, name, type, data: { ...data } });
				const bad = await kit.testCredential(ctx.server.url, cookie, { id, name, type, data: p.wrongData({ ...data }) });
				kit.recordArtifact(kit.SUITE, `versions-${version}-${key}-credential-test`, { good: good.body, wrong: bad.body });
				expect({ key, http: good.status, status: good.result?.status }).toEqual({ key, http: 200, status: 'OK' });
				expect({ key, http: bad.status, status: bad.result?.status }).toEqual({ key, http: 200, status: 'Error' });
				expect(bad.result.message).toMatch(p.providerName);
			}
		} finally {
			await ctx.server.stop();
			kit.recordArtifact(kit.SUITE, `versions-${version}-n8n-start-logs`, ctx.server.logs());
			ctx.server = undefined;
		}
	});

	// Before 2.34, n8n stores the whole credential as it resolved it when preAuthentication returns
	// a new token: a field entered as an expression is replaced by its value. Nothing a credential
	// type can do about it (n8n decides what it stores); the README documents it.
	test(
		rewritesExpressions(version)
			? 'n8n before 2.34: storing a new token replaces a credential field entered as an expression by its value (documented limitation); the credential keeps working'
			: 'storing a new token keeps a credential field entered as an expression',
		async () => {
			resetAll();
			const first = await kit.run(ctx.home, wfId('eConnect', 'expr'), `versions-${version}-expression-first`);
			expect(kit.describeRun(first)).toBe('status success, code 0');
			const stored = (await n8n.exportCredentials(ctx.home)).find((c) => c.id === ctx.exprCred.id).data;
			expect(stored.sessionToken.length).toBeGreaterThan(0);
			expect(stored.baseUrl).toBe(rewritesExpressions(version) ? sandbox.eConnect.baseUrl : ctx.exprCred.data.baseUrl);
			const second = await kit.run(ctx.home, wfId('eConnect', 'expr'), `versions-${version}-expression-second`);
			expect(kit.describeRun(second)).toBe('status success, code 0');
			expect(sandbox.eConnect.stats()).toMatchObject({ logins: 1, rejected: 0 });
		},
	);
});
