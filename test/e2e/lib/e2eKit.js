'use strict';
/**
 * Small helpers shared by the e2e test files (test/e2e/*.e2e.test.js): the tarball made by
 * globalSetup, node/workflow builders for this package, a recorded `execute`, sandbox counters,
 * and n8n's real credential test over its REST API (POST /rest/credentials/test, n8n 2.41 shape
 * { credentials: { id, name, type, data } } → { data: { status: 'OK'|'Error', message } }).
 */
const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./n8n');
const { recordArtifact } = require('./artifacts');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PKG = 'n8n-nodes-token-auth';
const SUITE = 'e2e';

/** The tarball globalSetup packed (env var, else test-output/e2e/tarball.json). */
function tarballPath() {
	if (process.env.E2E_TARBALL && fs.existsSync(process.env.E2E_TARBALL)) return process.env.E2E_TARBALL;
	const info = JSON.parse(fs.readFileSync(path.join(ROOT, 'test-output', 'e2e', 'tarball.json'), 'utf8'));
	return info.tarball;
}

/** The six tarballs globalSetup packed: [{ name, provider (null for the all-in-one), tarball, bytes }]. */
function packedPackages() {
	return JSON.parse(fs.readFileSync(path.join(ROOT, 'test-output', 'e2e', 'tarball.json'), 'utf8')).packages;
}

/** Registers a home so globalTeardown removes it if the test file could not. */
function registerHome(home, tag) {
	const dir = path.join(ROOT, 'test-output', 'e2e', 'homes');
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, `${tag}-${process.pid}.json`), JSON.stringify({ home: home.dir, runId: process.env.E2E_RUN_ID }));
}

/** A 16-character credential id (n8n's id shape), e.g. credId('cold', 'edgeIq'). */
function credId(tag, key) {
	return `e2e${tag}${key}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 16).padEnd(16, '0');
}

function items(n, extra = () => ({})) {
	return Array.from({ length: n }, (_, i) => ({ i, ...extra(i) }));
}

/** One of this package's nodes. */
function ourNode({ nodeName, credType, name = 'Op', parameters, cred, onError }) {
	return {
		name,
		type: `${PKG}.${nodeName}`,
		typeVersion: 1,
		parameters,
		credentials: { [credType]: { id: cred.id, name: cred.name } },
		...(onError ? { onError } : {}),
	};
}

/** n8n's HTTP Request node 4.2 with our credential as "Predefined Credential Type". */
function httpRequestNode({ credType, cred, url, name = 'HTTP' }) {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { method: 'GET', url, authentication: 'predefinedCredentialType', nodeCredentialType: credType, options: {} },
		credentials: { [credType]: { id: cred.id, name: cred.name } },
	};
}

// Workflows whose purpose is to return a token: their stored executions may hold one.
const tokenWorkflows = new Set();

/** `n8n execute`, with the run JSON recorded as an artifact. */
async function run(home, workflowId, artifactName, { tokenOutput = false } = {}) {
	if (tokenOutput) tokenWorkflows.add(workflowId);
	const r = await n8n.execute(home, workflowId);
	recordArtifact(SUITE, artifactName, r.json ?? { stdout: r.stdout.slice(-20000), stderr: r.stderr.slice(-20000) }, { tokenOutput });
	return r;
}

/** `n8n execute-batch`, every run recorded; tokenRuns: ids whose purpose is to return a token. */
async function runBatch(home, ids, artifactPrefix, { tokenRuns = [] } = {}) {
	for (const id of tokenRuns) tokenWorkflows.add(id);
	const r = await n8n.executeBatch(home, ids);
	for (const id of ids) {
		recordArtifact(SUITE, `${artifactPrefix}-${id}`, r.runs[id] ?? { missing: true, results: r.results }, { tokenOutput: tokenRuns.includes(id) });
	}
	recordArtifact(SUITE, `${artifactPrefix}-batch-results`, r.results ?? { stdout: r.stdout.slice(-20000) });
	return r;
}

/** Counters without byRoute (for logs). */
function counters(handle) {
	const { byRoute, ...rest } = handle.stats();
	return rest;
}

/**
 * A short, readable failure description of an execute() result. n8n 2.0.0's `execute` prints the
 * run before it sets its status: `status: 'running'` with `finished: true` (n8n sets finished only
 * on success) is a success there.
 */
function describeRun(r) {
	const err = n8n.runErrorOf(r.json);
	if (!r.json) return `no run JSON (code ${r.code}); stderr tail: ${r.stderr.slice(-1500)}; stdout tail: ${r.stdout.slice(-1500)}`;
	const status = r.json.status === 'running' && r.json.finished === true ? 'success' : r.json.status;
	return err ? `run error: ${err.message} ${err.description ?? ''}` : `status ${status}, code ${r.code}`;
}

/** n8n's own credential test (the "Test" button / save-and-test), through the REST API. */
async function testCredential(url, cookie, credential) {
	const res = await fetch(`${url}/rest/credentials/test`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ credentials: credential }),
	});
	const text = await res.text();
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		body = { raw: text };
	}
	return { status: res.status, body, result: body.data };
}

// Read with the runtime's own Node and sqlite3 (built for it): every execution n8n stored.
const DUMP_EXECUTIONS = `
const sqlite3 = require(require.resolve('sqlite3', { paths: [process.argv[1]] }));
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY);
db.all('SELECT e.id, e.workflowId, e.status, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id', (error, rows) => {
	if (error) { console.error(error.message); process.exit(1); }
	process.stdout.write(JSON.stringify(rows));
});`;

/**
 * Records the executions n8n stored in its database (what a user sees in the Executions list,
 * kept after the run) as artifacts, so the secrets scan reads them too. Executions of a token
 * workflow (run with tokenOutput) are marked as token output. Call before removing the home.
 */
async function keepStoredExecutions(home, suite) {
	const database = path.join(home.dir, '.n8n', 'database.sqlite');
	if (!fs.existsSync(database)) return 0;
	const rt = await n8n.ensureN8n();
	const n8nDir = path.resolve(path.dirname(rt.n8nBin), '..');
	const r = await n8n.runProcess(rt.nodeBin, ['-e', DUMP_EXECUTIONS, n8nDir, database], { timeoutMs: 60_000 });
	if (r.code !== 0) throw new Error(`could not read the stored executions: ${r.stderr.slice(-500)}`);
	const rows = JSON.parse(r.stdout);
	for (const row of rows) {
		recordArtifact(`${suite}-stored-executions`, `${path.basename(home.dir)}-${row.id}`, row, { tokenOutput: tokenWorkflows.has(row.workflowId) });
	}
	return rows.length;
}

/** Env for every n8n child of a test: jest's NODE_ENV=test makes n8n's logger silent. */
const N8N_ENV = { NODE_ENV: 'production' };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = {
	N8N_ENV,
	PKG,
	SUITE,
	ROOT,
	tarballPath,
	packedPackages,
	registerHome,
	credId,
	items,
	ourNode,
	httpRequestNode,
	run,
	runBatch,
	counters,
	describeRun,
	testCredential,
	keepStoredExecutions,
	sleep,
	recordArtifact,
};
