'use strict';
/**
 * Credentials, webhook workflows and traffic for a queue-mode cluster (cluster.js), shared by
 * the queue-mode e2e suite and the benchmark. One credential and one webhook workflow per
 * provider and tag; the workflow answers with the last node's items, so a 200 whose body holds
 * the sandbox's /echo answer is an execution that succeeded on a worker.
 */
const { sandboxCredentialData, EXAMPLE_CREDENTIALS } = require('../../../examples/sandboxCredentials');
const { PROVIDER_KEYS } = require('../../sandbox');
const crypto = require('node:crypto');
const kit = require('./e2eKit');

const PROVIDERS = [...PROVIDER_KEYS];
const credentialType = (key) => EXAMPLE_CREDENTIALS[key].type;
const hookPath = (tag, key) => `q-${tag}-${key}`;

/** The node every queue workflow runs: ours (Custom API Call → GET /echo), or `node(cred, key)`. */
function ourEchoNode(cred, key) {
	const parameters = { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo' };
	return kit.ourNode({ nodeName: key, credType: credentialType(key), parameters, cred, name: 'Echo' });
}

/**
 * One credential per provider, and one Webhook → node chain per provider on POST /webhook/q-<tag>-<key>.
 * @param {object} sandbox  provider sandbox the credentials point at
 * @param {string} tag      e.g. 'cold'
 * @param {{node?:(cred, key)=>object, credential?:(key)=>{type:string,data:object}}} [opts]
 *   another node or credential type (the benchmark's comparison)
 * @returns {{credentials: object[], chains: {nodes: object[], connections: object}[]}}
 */
function fixtures(sandbox, tag, { node = ourEchoNode, credential } = {}) {
	const data = sandboxCredentialData(sandbox);
	const credentials = [];
	const chains = [];
	for (const key of PROVIDERS) {
		const base = credential ? credential(key) : { type: credentialType(key), data: data[key] };
		const cred = { id: kit.credId(`q${tag}`, key), name: `queue ${tag} ${key}`, type: base.type, data: { ...base.data } };
		credentials.push(cred);
		const hook = {
			id: crypto.randomUUID(),
			name: `Hook ${tag} ${key}`,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: crypto.randomUUID(),
			parameters: { httpMethod: 'POST', path: hookPath(tag, key), responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		};
		const work = { ...node(cred, key), id: crypto.randomUUID(), name: `Run ${tag} ${key}` };
		chains.push({ nodes: [hook, work], connections: { [hook.name]: { main: [[{ node: work.name, type: 'main', index: 0 }]] } } });
	}
	return { credentials, chains };
}

/**
 * One workflow holding every chain (a workflow may have many webhook triggers; each execution
 * runs only the chain its webhook starts), so the cluster publishes it with one CLI boot.
 */
function webhookWorkflow(id, chains) {
	const nodes = chains.flatMap((c, row) => c.nodes.map((n, col) => ({ ...n, position: [col * 300, row * 200] })));
	const connections = Object.assign({}, ...chains.map((c) => c.connections));
	return { id, name: `queue ${id}`, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

/** An execution that ran our node on a worker and got the sandbox's echo back. */
function succeeded(result) {
	const items = Array.isArray(result.body) ? result.body : [result.body];
	return result.status === 200 && items.length > 0 && items.every((i) => typeof i?.path === 'string' && i.path.endsWith('/echo'));
}

function summarize(results) {
	const ok = results.filter(succeeded).length;
	const failures = results.filter((r) => !succeeded(r)).slice(0, 3).map((r) => ({ status: r.status, body: JSON.stringify(r.body).slice(0, 300) }));
	return { sent: results.length, ok, failed: results.length - ok, failures };
}

/** `n` executions of one webhook started at once. */
async function burst(cluster, path, n) {
	return summarize(await Promise.all(Array.from({ length: n }, () => cluster.webhook(path))));
}

/**
 * A steady stream on every path: one execution started every `intervalMs` per path (without
 * waiting for the previous one), for `durationMs`. Resolves when every execution has answered.
 * @returns {Promise<Record<string, ReturnType<typeof summarize>>>} per path
 */
async function steadyStream(cluster, paths, { durationMs, intervalMs }) {
	const pending = Object.fromEntries(paths.map((p) => [p, []]));
	const t0 = Date.now();
	let tick = 0;
	while (Date.now() - t0 < durationMs) {
		for (const p of paths) pending[p].push(cluster.webhook(p));
		tick += 1;
		const next = t0 + tick * intervalMs;
		await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
	}
	const out = {};
	for (const p of paths) out[p] = summarize(await Promise.all(pending[p]));
	return out;
}

/** Logins and renewals the sandbox counted, per token lifetime of wall time. */
function perLifetime(stats, durationMs, lifetimeSeconds) {
	const lifetimes = durationMs / (lifetimeSeconds * 1000);
	return {
		logins: stats.logins,
		renewals: stats.refreshes,
		rejected: stats.rejected,
		lifetimes: Number(lifetimes.toFixed(2)),
		perLifetime: Number(((stats.logins + stats.refreshes) / lifetimes).toFixed(2)),
	};
}

module.exports = { PROVIDERS, credentialType, hookPath, ourEchoNode, fixtures, webhookWorkflow, succeeded, summarize, burst, steadyStream, perLifetime };
