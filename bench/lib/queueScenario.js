'use strict';
/**
 * Benchmark scenario Q: a real queue-mode cluster (test/e2e/lib/cluster.js: PostgreSQL, Redis,
 * main + 2 workers), all providers at once. Both sides go through n8n's HTTP Request node:
 *   ours:   with this package's credential
 *   native: with a credential that uses only n8n's own expirable-token mechanism
 *           (bench/fixtures/n8n-nodes-native-token: log in when the token is empty or a request
 *           failed; no known expiry, nothing shared but n8n's stored copy)
 * each against its own sandbox, so the counts do not mix:
 *   Q1  40 executions at once on a cold credential
 *   Q2  a steady stream (one execution every 4 s per provider and side) with a short token
 *       lifetime: logins + renewals per token lifetime for the whole cluster, rejected requests
 */
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const n8n = require('../../test/e2e/lib/n8n');
const { createCluster } = require('../../test/e2e/lib/cluster');
const { startSandbox, ACCOUNTS } = require('../../test/sandbox');
const q = require('../../test/e2e/lib/queueTraffic');

// One execution per provider and side every 4 s: 2.5 executions/s for the cluster, what 2 shared
// cores keep up with (faster, executions queue up and the counts measure the backlog instead).
const INTERVAL_MS = 4000;
const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'n8n-nodes-native-token');

/** npm pack of the fixture (plain JS, nothing to build). */
async function packFixture() {
	const outDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'native-token-'));
	const r = await n8n.runProcess('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', outDir], { cwd: FIXTURE, env: process.env });
	if (r.code !== 0) throw new Error(`npm pack of ${FIXTURE} failed: ${r.stderr}`);
	return path.join(outDir, r.stdout.trim().split('\n').pop());
}

/** How the native credential logs in to each sandbox provider. */
function nativeCredential(sandbox, key) {
	const p = sandbox[key];
	const a = ACCOUNTS[key];
	const login = {
		elevateIq: [`${p.baseUrl}/authenticate`, { username: a.username, password: a.password }, 'token', 'Bearer '],
		elyssa: [`${p.baseUrl}/auth/login/`, { companyId: a.companyId }, 'accessToken', 'Bearer '],
		edgeIq: [`${p.baseUrl}/user/authenticate`, { email: a.email, password: a.password }, 'session_token', ''],
		intelePeer: [p.authUrl, { username: a.username, password: a.password }, 'data', 'Bearer '],
		eConnect: [`${p.baseUrl}/api/v1/authenticate`, { username: a.username, password: a.password }, 'token', 'Bearer '],
	}[key];
	const [loginUrl, body, tokenPath, headerPrefix] = login;
	return { type: 'nativeTokenApi', data: { sessionToken: '', loginUrl, loginBody: JSON.stringify(body), tokenPath, headerName: 'Authorization', headerPrefix } };
}

function httpRequestNode(sandbox, credentialTypeOf) {
	return (cred, key) => ({
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { method: 'GET', url: `${sandbox[key].baseUrl}/echo`, authentication: 'predefinedCredentialType', nodeCredentialType: credentialTypeOf(key), options: {} },
		credentials: { [cred.type]: { id: cred.id, name: cred.name } },
	});
}

/**
 * @param {{tarball:string, providers:string[], lifetimeSeconds?:number, durationMs?:number, log:(s:string)=>void}} opts
 */
async function queueScenario({ tarball, providers, lifetimeSeconds = 30, durationMs = 120_000, log }) {
	const t0 = Date.now();
	const nativeTarball = await packFixture();
	const sides = { ours: await startSandbox(), native: await startSandbox() };
	const sets = {
		ours: q.fixtures(sides.ours, 'bours', { node: httpRequestNode(sides.ours, q.credentialType) }),
		native: q.fixtures(sides.native, 'bnative', { node: httpRequestNode(sides.native, () => 'nativeTokenApi'), credential: (key) => nativeCredential(sides.native, key) }),
	};
	const cluster = await createCluster({ tarball, extraTarballs: [nativeTarball], workers: 2 });
	const result = { lifetimeSeconds, providers: {}, timings: {} };
	try {
		await cluster.importCredentials([...sets.ours.credentials, ...sets.native.credentials]);
		await cluster.importWorkflows([q.webhookWorkflow('benchqueue1', [...sets.ours.chains, ...sets.native.chains])]);
		await cluster.publish(['benchqueue1']);
		await cluster.start();
		for (const key of providers) await cluster.main.waitForWebhook(q.hookPath('bours', key));
		result.timings.clusterReadyMs = Date.now() - t0;
		log(`Q cluster ready (${(result.timings.clusterReadyMs / 1000).toFixed(0)} s)`);

		const tag = { ours: 'bours', native: 'bnative' };
		for (const key of providers) result.providers[key] = { ours: {}, native: {} };
		for (const key of providers) {
			for (const side of ['ours', 'native']) {
				sides[side][key].reset();
				const burst = await q.burst(cluster, q.hookPath(tag[side], key), 40);
				const s = sides[side][key].stats();
				result.providers[key][side].cold = { ...burst, logins: s.logins, renewals: s.refreshes, rejected: s.rejected };
			}
			log(`Q1 ${key}: 40 cold executions, logins ours ${result.providers[key].ours.cold.logins} vs native ${result.providers[key].native.cold.logins}`);
		}

		for (const side of Object.values(sides)) for (const key of providers) side[key].configure({ tokenLifetimeSeconds: lifetimeSeconds });
		// Q1's tokens live an hour: revoke them, so the warm-up gets the first short-lived ones
		const paths = providers.flatMap((key) => [q.hookPath('bours', key), q.hookPath('bnative', key)]);
		for (const side of Object.values(sides)) for (const key of providers) side[key].revokeTokens();
		for (const p of paths) await cluster.webhook(p);
		for (const side of Object.values(sides)) side.resetAll();
		log(`Q2 steady stream for ${durationMs / 1000} s at a ${lifetimeSeconds} s token lifetime`);
		const started = Date.now();
		const stream = await q.steadyStream(cluster, paths, { durationMs, intervalMs: INTERVAL_MS });
		const measuredMs = Date.now() - started;
		for (const key of providers) {
			for (const side of ['ours', 'native']) {
				result.providers[key][side].steady = { ...stream[q.hookPath(tag[side], key)], ...q.perLifetime(sides[side][key].stats(), measuredMs, lifetimeSeconds) };
			}
		}
		result.executionsPerWorker = cluster.executionsPerWorker();
		result.timings.totalMs = Date.now() - t0;
		return result;
	} finally {
		await cluster.stop().catch(() => {});
		await Promise.all(Object.values(sides).map((s) => s.close().catch(() => {})));
		await fsp.rm(path.dirname(nativeTarball), { recursive: true, force: true });
	}
}

/** Markdown table: per provider, ours next to n8n's own mechanism. */
function queueMarkdown(result) {
	const rows = [
		`Queue mode (main + 2 workers, PostgreSQL, Redis), n8n's HTTP Request node, token lifetime ${result.lifetimeSeconds} s, steady stream ${(result.providers[Object.keys(result.providers)[0]]?.ours.steady?.lifetimes ?? 0).toFixed(1)} lifetimes long.`,
		'',
		'| provider | credential | Q1 40 cold executions: logins | Q1 ok | Q2 logins | Q2 renewals | Q2 per lifetime | Q2 rejected | Q2 ok |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	for (const [key, sides] of Object.entries(result.providers)) {
		for (const [side, label] of [['ours', 'this package'], ['native', "n8n's own mechanism"]]) {
			const c = sides[side].cold ?? {};
			const s = sides[side].steady ?? {};
			rows.push(`| ${key} | ${label} | ${c.logins} | ${c.ok}/${c.sent} | ${s.logins} | ${s.renewals} | ${s.perLifetime} | ${s.rejected} | ${s.ok}/${s.sent} |`);
		}
	}
	return rows.join('\n');
}

module.exports = { queueScenario, queueMarkdown };
