#!/usr/bin/env node
'use strict';
/*
 * Smoke test (and living documentation) of the real-n8n machinery in ./n8n.js.
 * NOT part of the test suite: run by hand with `node test/e2e/lib/smoke.js`.
 *
 * It writes a tiny throwaway community package into a temp dir (one credential type with a hidden
 * expirable token + preAuthentication, one declarative node doing GET {{$credentials.baseUrl}}/ping),
 * starts a local HTTP server that counts logins and pings, and then:
 *   install/reuse n8n → pack → home → import credential + workflows → execute (3 items)
 *   → execute a Continue On Fail workflow and a failing workflow → export credentials (token persisted)
 *   → publish a webhook workflow → startN8n → 2 concurrent webhook calls → stop.
 * Every step is timed; the timings are printed at the end.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const http = require('node:http');
const n8n = require('./n8n');

const timings = [];
async function step(name, fn) {
	const t = Date.now();
	process.stderr.write(`[smoke] ${name} ...\n`);
	const r = await fn();
	const ms = Date.now() - t;
	timings.push([name, ms]);
	process.stderr.write(`[smoke] ${name}: ${(ms / 1000).toFixed(2)} s\n`);
	return r;
}

// --------------------------------------------------------------------------------------------
// the throwaway package (plain JS, already "built")
// --------------------------------------------------------------------------------------------
function writeThrowawayPackage(dir) {
	const w = (rel, text) => {
		fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
		fs.writeFileSync(path.join(dir, rel), text);
	};
	w(
		'package.json',
		JSON.stringify(
			{
				name: 'n8n-nodes-smoke-token',
				version: '0.0.1',
				license: 'MIT',
				keywords: ['n8n-community-node-package'],
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					strict: true,
					credentials: ['dist/credentials/SmokeTokenApi.credentials.js'],
					nodes: ['dist/nodes/SmokePing/SmokePing.node.js'],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	w(
		'dist/credentials/SmokeTokenApi.credentials.js',
		`'use strict';
class SmokeTokenApi {
	constructor() {
		this.name = 'smokeTokenApi';
		this.displayName = 'Smoke Token API';
		this.properties = [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Username', name: 'username', type: 'string', default: '' },
			{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
			{ displayName: 'Session Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
		];
		this.authenticate = {
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
		};
		this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/ping' } };
	}
	async preAuthentication(credentials) {
		const res = await this.helpers.httpRequest({
			method: 'POST',
			url: credentials.baseUrl + '/login',
			body: { username: credentials.username, password: credentials.password },
			json: true,
		});
		return { sessionToken: res.token };
	}
}
module.exports = { SmokeTokenApi };
`,
	);
	w(
		'dist/nodes/SmokePing/SmokePing.node.js',
		`'use strict';
class SmokePing {
	constructor() {
		this.description = {
			displayName: 'Smoke Ping',
			name: 'smokePing',
			group: ['transform'],
			version: 1,
			description: 'GET {baseUrl}/ping',
			defaults: { name: 'Smoke Ping' },
			inputs: ['main'],
			outputs: ['main'],
			usableAsTool: true,
			credentials: [{ name: 'smokeTokenApi', required: true }],
			requestDefaults: { baseURL: '={{$credentials.baseUrl}}' },
			properties: [
				{
					displayName: 'Operation',
					name: 'operation',
					type: 'options',
					noDataExpression: true,
					options: [{ name: 'Ping', value: 'ping', action: 'Ping', routing: { request: { method: 'GET', url: '={{$parameter.path}}' } } }],
					default: 'ping',
				},
				{ displayName: 'Path', name: 'path', type: 'string', default: '/ping' },
			],
		};
	}
}
module.exports = { SmokePing };
`,
	);
}

// --------------------------------------------------------------------------------------------
// the fake API
// --------------------------------------------------------------------------------------------
function startApi() {
	const stats = { logins: 0, pings: 0, rejected: 0, fails: 0, tokens: new Set() };
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			const send = (code, obj) => {
				res.writeHead(code, { 'content-type': 'application/json' });
				res.end(JSON.stringify(obj));
			};
			const u = new URL(req.url, 'http://x');
			if (req.method === 'POST' && u.pathname === '/login') {
				const { username, password } = JSON.parse(body || '{}');
				if (username !== 'alice' || password !== 's3cret') return send(403, { error: 'bad login' });
				stats.logins++;
				const token = `tok-${stats.logins}`;
				stats.tokens.add(token);
				return send(200, { token });
			}
			const auth = (req.headers.authorization || '').replace(/^Bearer /, '');
			if (!stats.tokens.has(auth)) {
				stats.rejected++;
				return send(401, { error: 'no or bad token' });
			}
			if (u.pathname === '/ping') {
				stats.pings++;
				return send(200, { pong: true, n: stats.pings, token: auth });
			}
			if (u.pathname === '/fail') {
				stats.fails++;
				return send(500, { error: 'boom' });
			}
			send(404, { error: 'not found' });
		});
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, stats, url: `http://127.0.0.1:${server.address().port}` })));
}

// --------------------------------------------------------------------------------------------
async function main() {
	const tStart = Date.now();
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-smoke-'));
	const api = await startApi();
	const PKG = 'n8n-nodes-smoke-token';
	const pingNode = (extra = {}) => ({
		name: 'Smoke Ping',
		type: `${PKG}.smokePing`,
		parameters: { operation: 'ping', path: '/ping' },
		credentials: { smokeTokenApi: { id: 'smokecred1', name: 'Smoke cred' } },
		...extra,
	});
	let srv;
	try {
		const rt = await step('ensureN8n', () => n8n.ensureN8n());
		process.stderr.write(`[smoke] n8n ${rt.version} on Node ${rt.nodeVersion}\n`);

		const tarball = await step('packPackage (throwaway package)', async () => {
			const pkgDir = path.join(scratch, 'pkg');
			writeThrowawayPackage(pkgDir);
			return n8n.packPackage(pkgDir, { outDir: path.join(scratch, 'packs') });
		});

		const home = await step('createN8nHome', () => n8n.createN8nHome({ tarball, dir: path.join(scratch, 'home') }));
		assert.ok(fs.existsSync(path.join(home.nodesDir, 'node_modules', PKG, 'dist', 'nodes', 'SmokePing', 'SmokePing.node.js')));

		await step('importCredentials', () =>
			n8n.importCredentials(home, [
				{
					id: 'smokecred1',
					name: 'Smoke cred',
					type: 'smokeTokenApi',
					data: { baseUrl: api.url, username: 'alice', password: 's3cret', sessionToken: '' },
				},
			]),
		);

		const BATCH_IDS = Array.from({ length: 10 }, (_, i) => `smokebatch${String(i).padStart(6, '0')}`);
		await step('importWorkflows (4 + 10)', () =>
			n8n.importWorkflows(home, [
				n8n.buildWorkflow({ id: 'smokewf000000001', name: 'smoke 3 items', items: [{ i: 0 }, { i: 1 }, { i: 2 }], nodes: [pingNode()] }),
				n8n.buildWorkflow({
					id: 'smokewf000000002',
					name: 'smoke continue on fail',
					items: [{ i: 0 }, { i: 1 }],
					nodes: [pingNode({ parameters: { operation: 'ping', path: '/fail' }, onError: 'continueRegularOutput' })],
				}),
				n8n.buildWorkflow({
					id: 'smokewf000000003',
					name: 'smoke failing',
					items: [{ i: 0 }],
					nodes: [pingNode({ parameters: { operation: 'ping', path: '/fail' } })],
				}),
				...BATCH_IDS.map((id) => n8n.buildWorkflow({ id, name: `smoke batch ${id}`, items: [{ i: 0 }, { i: 1 }, { i: 2 }], nodes: [pingNode()] })),
				n8n.buildWebhookWorkflow({ id: 'smokehook0000001', name: 'smoke hook', path: 'smoke', items: [{ i: 0 }, { i: 1 }], nodes: [pingNode()] }),
			]),
		);

		// ---- execute: 3 items, token empty → preAuthentication per item (no single-flight in n8n)
		const r1 = await step('execute #1 (3 items, token empty)', () => n8n.execute(home, 'smokewf000000001'));
		assert.equal(r1.code, 0, r1.stdout + r1.stderr);
		const out1 = n8n.outputOf(r1.json, 'Smoke Ping');
		assert.equal(out1.length, 3, JSON.stringify(out1));
		for (const o of out1) assert.equal(o.pong, true);
		process.stderr.write(`[smoke] after run 1: ${JSON.stringify({ ...api.stats, tokens: [...api.stats.tokens] })}\n`);
		assert.ok(api.stats.logins >= 1 && api.stats.pings === 3);

		const creds = await step('exportCredentials (decrypted)', () => n8n.exportCredentials(home));
		const stored = creds.find((c) => c.id === 'smokecred1');
		process.stderr.write(`[smoke] stored credential data: ${JSON.stringify(stored.data)}\n`);
		assert.match(stored.data.sessionToken, /^tok-\d+$/, 'token persisted by preAuthentication');

		const loginsBefore = api.stats.logins;
		const r2 = await step('execute #2 (3 items, token stored)', () => n8n.execute(home, 'smokewf000000001'));
		assert.equal(r2.code, 0);
		assert.equal(api.stats.logins, loginsBefore, 'stored token reused, no login');
		assert.equal(api.stats.pings, 6);

		// ---- Continue On Fail
		const r3 = await step('execute #3 (continue on fail, 2 items)', () => n8n.execute(home, 'smokewf000000002'));
		assert.equal(r3.code, 0);
		const errs = n8n.errorsOf(r3.json, 'Smoke Ping');
		process.stderr.write(`[smoke] continue-on-fail items: ${JSON.stringify(n8n.itemsOf(r3.json, 'Smoke Ping'))}\n`);
		assert.equal(errs.length, 2);

		// ---- failing run: exit code and error
		const r4 = await step('execute #4 (failing)', () => n8n.execute(home, 'smokewf000000003'));
		const runErr = n8n.runErrorOf(r4.json);
		process.stderr.write(`[smoke] failing run: code ${r4.code}, error ${JSON.stringify(runErr && { message: runErr.message, name: runErr.name, httpCode: runErr.httpCode, node: runErr.node?.name })}\n`);
		assert.notEqual(r4.code, 0, 'n8n execute exits non-zero when the workflow fails');
		assert.ok(runErr);

		// ---- many workflows in one boot
		const pingsB = api.stats.pings;
		const b = await step(`executeBatch (${BATCH_IDS.length} workflows x 3 items, one boot)`, () => n8n.executeBatch(home, BATCH_IDS));
		process.stderr.write(`[smoke] batch: code ${b.code}, summary ${JSON.stringify(b.results?.summary)}, runs ${Object.keys(b.runs).length}\n`);
		assert.equal(b.code, 0, b.stdout.slice(-3000));
		assert.equal(Object.keys(b.runs).length, BATCH_IDS.length);
		assert.equal(n8n.outputOf(b.runs[BATCH_IDS[0]], 'Smoke Ping').length, 3);
		assert.equal(api.stats.pings, pingsB + 3 * BATCH_IDS.length);

		// ---- a running n8n, triggered via webhook
		await step('activateWorkflow (publish:workflow)', () => n8n.activateWorkflow(home, 'smokehook0000001'));
		srv = await step('startN8n (until ready)', () => n8n.startN8n(home, {}));
		await step('waitForWebhook', () => srv.waitForWebhook('smoke'));
		const pingsBefore = api.stats.pings;
		const responses = await step('2 concurrent webhook calls', () =>
			Promise.all(
				[1, 2].map(async () => {
					const res = await fetch(`${srv.url}/webhook/smoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
					return { status: res.status, body: await res.json() };
				}),
			),
		);
		process.stderr.write(`[smoke] webhook responses: ${JSON.stringify(responses)}\n`);
		for (const r of responses) {
			assert.equal(r.status, 200);
			assert.equal(r.body.length, 2);
			assert.equal(r.body[0].pong, true);
		}
		assert.equal(api.stats.pings, pingsBefore + 4);
		const warm = await step('1 more webhook call (warm)', async () => {
			const res = await fetch(`${srv.url}/webhook/smoke`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
			return res.status;
		});
		assert.equal(warm, 200);

		if (process.env.SMOKE_OWNER) {
			const owner = await step('setupOwner', () => n8n.setupOwner(srv.url));
			const key = await step('createApiKey', () => n8n.createApiKey(srv.url, owner.cookie));
			const res = await fetch(`${srv.url}/api/v1/workflows`, { headers: { 'X-N8N-API-KEY': key } });
			const body = await res.json();
			process.stderr.write(`[smoke] public API: ${res.status}, ${body.data?.length} workflows\n`);
			assert.equal(res.status, 200);
		}

		await step('stop n8n', () => srv.stop());
		srv = undefined;
		process.stderr.write(`[smoke] API stats: ${JSON.stringify({ ...api.stats, tokens: api.stats.tokens.size })}\n`);
	} finally {
		if (srv) {
			process.stderr.write(`[smoke] n8n log tail:\n${srv.logs(30)}\n`);
			await srv.stop();
		}
		api.server.close();
		if (!process.env.SMOKE_KEEP) fs.rmSync(scratch, { recursive: true, force: true });
		else process.stderr.write(`[smoke] kept ${scratch}\n`);
	}
	console.log('\nstep timings:');
	for (const [name, ms] of timings) console.log(`  ${(ms / 1000).toFixed(2).padStart(8)} s  ${name}`);
	console.log(`  ${((Date.now() - tStart) / 1000).toFixed(2).padStart(8)} s  total`);
	console.log('smoke: OK');
}

main().catch((e) => {
	console.error(e);
	process.exitCode = 1;
});
