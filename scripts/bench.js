#!/usr/bin/env node
'use strict';
/*
 * npm run bench [-- --providers edgeIq,elyssa] [--quick] [--no-build] [--json FILE]
 *
 * Token-handling benchmark of the PACKED package in a real n8n (test/e2e/lib/n8n.js) against the
 * provider sandbox (test/sandbox). Per provider:
 *   1  cold credential, one `n8n execute`, 100 items through the provider node (Custom API Call → /echo)
 *   2  token past its known expiry (stored by a warm-up run at a 3 s token lifetime), 100 items
 *   3  20 executions of one webhook workflow started at once on ONE running n8n, cold credential
 *   4  the same 100 items through n8n's HTTP Request node with our credential: cold, then expired
 *   5  throughput on the running n8n: 1,000 items, provider node vs HTTP Request node with a static
 *      header credential (token got by a direct login), warm-up once, 5 interleaved runs each: ratio
 *      of median items/s, the range of the run-by-run ratios, and n8n's CPU time per item on each side
 *   6  package cost: tarball, unpacked size, require time of every node/credential file, runtime deps
 *   Q  queue mode (main + 2 workers, PostgreSQL, Redis; bench/lib/queueScenario.js): 40 cold
 *      executions, then a steady stream at a 30 s token lifetime, this package's credential next
 *      to n8n's own expirable-token mechanism, both in n8n's HTTP Request node
 *      (--no-queue skips it, --queue-only runs only it, --queue-seconds N sets the stream length)
 * Prints a table per provider with targets (✓/✗), a Markdown table for the README, and writes
 * bench-results/latest.json. Build + pack happen on a temp snapshot of the working tree (the shared
 * dist/ is not touched); --no-build packs the existing dist/ instead.
 */

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const fsp = require('node:fs/promises');

const n8n = require('../test/e2e/lib/n8n');
const { startSandbox } = require('../test/sandbox');
const { sleep, median, log, parseArgs, processCpuMs } = require('../bench/lib/util');
const { buildAndPack } = require('../bench/lib/build');
const { measurePackageCost } = require('../bench/lib/packageCost');
const { PROVIDERS, PROVIDER_NODE, HTTP_NODE, staticToken, providerSetup } = require('../bench/lib/workflows');
const { withTargets, checkCost, consoleReport, markdownReport } = require('../bench/lib/report');
const { queueScenario, queueMarkdown } = require('../bench/lib/queueScenario');

const REPO = path.resolve(__dirname, '..');
const LONG_LIFETIME = 3600; // s: every token outside the expiry scenarios
const SHORT_LIFETIME = 3; // s: the warm-up token of scenarios 2 and 4-expired

const USAGE = `usage: node scripts/bench.js [--providers ${PROVIDERS.join(',')}] [--quick] [--no-build] [--json FILE] [--no-queue | --queue-only] [--queue-seconds N]`;

function counts(stats) {
	return { logins: stats.logins, refreshes: stats.refreshes, rejected: stats.rejected, apiCalls: stats.apiCalls, total: stats.total, loginFailures: stats.loginFailures, refreshFailures: stats.refreshFailures, byRoute: stats.byRoute };
}

/** One `n8n execute` of a workflow, counted on the provider's sandbox. */
async function runExecute(home, provider, workflow, nodeName, items) {
	provider.reset();
	const r = await n8n.execute(home, workflow.id);
	const stats = counts(provider.stats());
	const its = n8n.itemsOf(r.json, nodeName);
	const runError = n8n.runErrorOf(r.json);
	const errs = n8n.errorsOf(r.json, nodeName);
	const okItems = runError ? 0 : its.length - errs.length;
	const res = {
		...stats,
		items,
		okItems,
		failed: items - okItems,
		wallMs: r.json?.startedAt && r.json?.stoppedAt ? Date.parse(r.json.stoppedAt) - Date.parse(r.json.startedAt) : undefined,
		processMs: r.ms,
		exitCode: r.code,
	};
	if (runError) res.runError = String(runError.message || runError).slice(0, 500);
	if (errs.length) res.itemErrors = errs.slice(0, 3).map((e) => e.message);
	if (!r.json) res.error = `no run JSON from n8n execute (exit ${r.code}): ${(r.stdout + r.stderr).slice(-500)}`;
	return res;
}

async function postHook(srv, hookPath, items) {
	const t = performance.now();
	const res = await fetch(`${srv.url}/webhook/${hookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ items }),
		signal: AbortSignal.timeout(180_000),
	});
	const text = await res.text();
	const ms = performance.now() - t;
	let body;
	try {
		body = JSON.parse(text);
	} catch {}
	const list = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
	const ok = res.ok ? list.filter((j) => j && j.error === undefined && j.authScheme !== undefined).length : 0;
	return { status: res.status, ms, ok, message: res.ok ? undefined : text.slice(0, 300) };
}

async function scenarioConcurrent(srv, provider, hook, executions, itemsEach) {
	provider.reset();
	const items = Array.from({ length: itemsEach }, (_, n) => ({ n }));
	const t = performance.now();
	const rs = await Promise.all(Array.from({ length: executions }, () => postHook(srv, hook.path, items).catch((e) => ({ status: 0, ok: 0, message: e.message }))));
	const wallMs = performance.now() - t;
	const okItems = rs.reduce((a, r) => a + r.ok, 0);
	const res = { ...counts(provider.stats()), executions, items: executions * itemsEach, okItems, failed: executions * itemsEach - okItems, wallMs, statuses: rs.map((r) => r.status) };
	const bad = rs.find((r) => r.message);
	if (bad) res.firstFailure = bad.message;
	return res;
}

async function scenarioThroughput(srv, provider, hooks, items, repeats) {
	const list = Array.from({ length: items }, (_, n) => ({ n }));
	const check = (r, what) => {
		if (r.status !== 200 || r.ok !== items) throw new Error(`${what}: HTTP ${r.status}, ${r.ok}/${items} items ok ${r.message || ''}`);
		return r;
	};
	// warm up once each (the provider credential already holds a token from scenario 3)
	check(await postHook(srv, hooks.provider.path, list), 'provider node warm-up');
	check(await postHook(srv, hooks.http.path, list), 'HTTP Request node warm-up');
	provider.reset();
	const prov = [];
	const http = [];
	const provCpu = [];
	const httpCpu = [];
	// the n8n process's own CPU time per run: steadier than wall time on a small machine
	const timed = async (hookPath, what, cpu) => {
		const before = processCpuMs(srv.child.pid);
		const ms = check(await postHook(srv, hookPath, list), what).ms;
		const after = processCpuMs(srv.child.pid);
		if (before !== undefined && after !== undefined) cpu.push(after - before);
		return ms;
	};
	for (let i = 0; i < repeats; i++) {
		// interleaved so that drift (GC, DB growth) hits both sides alike
		prov.push(await timed(hooks.provider.path, 'provider node', provCpu));
		http.push(await timed(hooks.http.path, 'HTTP Request node', httpCpu));
	}
	const stats = counts(provider.stats());
	const providerItemsPerSec = items / (median(prov) / 1000);
	const httpItemsPerSec = items / (median(http) / 1000);
	const pairRatios = prov.map((ms, i) => http[i] / ms);
	const cpuPerItem = (cpu) => (cpu.length === repeats ? median(cpu) / items : undefined);
	return {
		pairRatioMin: Math.min(...pairRatios),
		pairRatioMax: Math.max(...pairRatios),
		providerCpuMsPerItem: cpuPerItem(provCpu),
		httpCpuMsPerItem: cpuPerItem(httpCpu),
		...stats,
		items: items * repeats * 2,
		okItems: items * repeats * 2,
		failed: 0,
		itemsPerRun: items,
		repeats,
		providerMs: prov,
		httpMs: http,
		providerItemsPerSec,
		httpItemsPerSec,
		ratio: providerItemsPerSec / httpItemsPerSec,
		wallMs: prov.reduce((a, b) => a + b, 0) + http.reduce((a, b) => a + b, 0),
	};
}

async function guarded(fn) {
	try {
		return await fn();
	} catch (e) {
		log(`  ERROR: ${e.message.split('\n')[0]}`);
		return { error: e.message.slice(0, 2000) };
	}
}

/**
 * IntelePeer's login answer states no expiry: the package knows it as "24 h after login". A token
 * past that known expiry is what a day-old stored credential looks like, so move the stored
 * expiry into the past (the sandbox token has expired too) instead of waiting a day.
 */
async function backdateStoredExpiry(home) {
	const stored = (await n8n.exportCredentials(home)).filter((c) => c.type === 'intelePeerApi' && c.data.sessionToken);
	const past = new Date(Date.now() - 1000).toISOString();
	await n8n.importCredentials(
		home,
		stored.map((c) => ({ id: c.id, name: c.name, type: c.type, data: { ...c.data, sessionExpiresAt: past } })),
	);
}

async function runQueue(opts, packed) {
	log(`Q queue mode: ${opts.providers.join(', ')} at once`);
	return queueScenario({ tarball: packed.tarball, providers: opts.providers, durationMs: opts.queueSeconds * 1000, log });
}

/** `--queue-only`: scenario Q alone, its own results file section. */
async function runQueueOnly(opts, packed) {
	const t0 = Date.now();
	let queue;
	try {
		queue = await runQueue(opts, packed);
	} finally {
		await fsp.rm(packed.workDir, { recursive: true, force: true }).catch(() => {});
	}
	const outFile = path.resolve(REPO, opts.out.replace(/\.json$/, '-queue.json'));
	await fsp.mkdir(path.dirname(outFile), { recursive: true });
	await fsp.writeFile(outFile, JSON.stringify({ startedAt: new Date(t0).toISOString(), cpus: os.cpus().length, queue }, null, 2) + '\n');
	console.log(`\n--- Queue mode (Markdown) ---\n\n${queueMarkdown(queue)}`);
	console.log(`\n${((Date.now() - t0) / 1000).toFixed(0)} s · results: ${path.relative(REPO, outFile)}`);
	return 0;
}

async function main() {
	const opts = parseArgs(process.argv.slice(2), PROVIDERS);
	if (opts.help) {
		console.log(USAGE);
		return 0;
	}
	const size = opts.quick
		? { items: 20, executions: 20, itemsEach: 5, throughputItems: 200, repeats: 3 }
		: { items: 100, executions: 20, itemsEach: 10, throughputItems: 1000, repeats: 5 };
	const t0 = Date.now();
	const startedAt = new Date().toISOString();
	log(`providers: ${opts.providers.join(', ')}${opts.quick ? ' (quick)' : ''}`);

	const rt = await n8n.ensureN8n();
	log(`n8n ${rt.version} on Node ${rt.nodeVersion}`);
	const packed = await buildAndPack({ build: opts.build });
	log(`packed ${path.basename(packed.tarball)} from ${packed.from}${packed.buildMs ? ` (build ${(packed.buildMs / 1000).toFixed(1)} s)` : ''}`);

	if (opts.queueOnly) return await runQueueOnly(opts, packed);
	const sandbox = await startSandbox({ tokenLifetimeSeconds: LONG_LIFETIME });
	let home;
	let srv;
	const results = {
		startedAt,
		options: { providers: opts.providers, quick: opts.quick, build: opts.build, ...size, shortLifetimeSeconds: SHORT_LIFETIME, longLifetimeSeconds: LONG_LIFETIME },
		machine: {
			platform: `${os.platform()} ${os.release()}`,
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model?.trim(),
			memoryBytes: os.totalmem(),
			benchNode: process.version,
			n8nNode: rt.nodeVersion,
		},
		n8nVersion: rt.version,
		package: null,
		providers: {},
		packageCost: null,
	};
	try {
		home = await n8n.createN8nHome({ tarball: packed.tarball });
		results.package = { name: home.packages[0].name, version: home.packages[0].version, packedFrom: packed.from };
		const setups = [];
		for (const key of opts.providers) {
			const { header } = await staticToken(sandbox, key);
			setups.push(providerSetup(sandbox, key, PROVIDERS.indexOf(key), { items: size.items, staticHeader: header }));
		}
		let t = Date.now();
		await n8n.importCredentials(home, setups.flatMap((s) => Object.values(s.creds)));
		await n8n.importWorkflows(home, setups.flatMap((s) => [...Object.values(s.workflows), s.hooks.provider.workflow, s.hooks.http.workflow]));
		for (const s of setups) for (const h of Object.values(s.hooks)) await n8n.activateWorkflow(home, h.workflow.id);
		log(`imported + published (${((Date.now() - t) / 1000).toFixed(1)} s)`);

		// ---- scenarios 1, 2, 4: one `n8n execute` process each -------------------------------
		for (const s of setups) {
			const p = sandbox[s.key];
			const sc = {};
			results.providers[s.key] = { credentialType: s.type, scenarios: sc };
			p.configure({ tokenLifetimeSeconds: LONG_LIFETIME });
			log(`${s.key}: 1 cold`);
			sc.s1 = await guarded(() => runExecute(home, p, s.workflows.s1, PROVIDER_NODE, size.items));
			log(`${s.key}: 4 HTTP Request node cold`);
			sc.s4c = await guarded(() => runExecute(home, p, s.workflows.s4c, HTTP_NODE, size.items));
			log(`${s.key}: warm-up at ${SHORT_LIFETIME} s token lifetime`);
			p.configure({ tokenLifetimeSeconds: SHORT_LIFETIME });
			const warm = {
				node: await guarded(() => runExecute(home, p, s.workflows.warmNode, PROVIDER_NODE, 1)),
				http: await guarded(() => runExecute(home, p, s.workflows.warmHttp, HTTP_NODE, 1)),
			};
			p.configure({ tokenLifetimeSeconds: LONG_LIFETIME }); // tokens issued from now on outlive the run
			const warmEnd = Date.now();
			for (const w of Object.values(warm)) if (w.error || w.failed) log(`  warm-up failed: ${w.error || w.runError || w.itemErrors}`);
			await sleep(Math.max(0, warmEnd + SHORT_LIFETIME * 1000 + 500 - Date.now()));
			if (s.key === 'intelePeer') await backdateStoredExpiry(home);
			log(`${s.key}: 2 expired`);
			sc.s2 = await guarded(() => runExecute(home, p, s.workflows.s2, PROVIDER_NODE, size.items));
			log(`${s.key}: 4 HTTP Request node expired`);
			sc.s4e = await guarded(() => runExecute(home, p, s.workflows.s4e, HTTP_NODE, size.items));
			results.providers[s.key].warmUp = warm;
		}

		// ---- scenarios 3, 5: one running n8n ---------------------------------------------------
		t = Date.now();
		srv = await n8n.startN8n(home);
		for (const s of setups) for (const h of Object.values(s.hooks)) await srv.waitForWebhook(h.path);
		log(`n8n started (${((Date.now() - t) / 1000).toFixed(1)} s)`);
		for (const s of setups) {
			const p = sandbox[s.key];
			const sc = results.providers[s.key].scenarios;
			log(`${s.key}: 3 ${size.executions} concurrent executions`);
			sc.s3 = await guarded(() => scenarioConcurrent(srv, p, s.hooks.provider, size.executions, size.itemsEach));
			log(`${s.key}: 5 throughput ${size.throughputItems} items × ${size.repeats}`);
			sc.s5 = await guarded(() => scenarioThroughput(srv, p, s.hooks, size.throughputItems, size.repeats));
		}
		await srv.stop();
		srv = undefined;

		// ---- scenario 6 ------------------------------------------------------------------------
		log('6 package cost');
		const wfPath = require.resolve('n8n-workflow', { paths: [path.dirname(rt.n8nBin)] });
		results.packageCost = checkCost(await guarded(() => measurePackageCost(packed.tarball, { nodeBin: rt.nodeBin, n8nWorkflowPath: wfPath, runs: opts.quick ? 3 : 7 })));
		if (opts.queue) results.queue = await guarded(() => runQueue(opts, packed));
	} finally {
		if (srv) await srv.stop().catch(() => {});
		await sandbox.close().catch(() => {});
		if (home) await n8n.removeN8nHome(home).catch(() => {});
		await fsp.rm(packed.workDir, { recursive: true, force: true }).catch(() => {});
	}

	for (const p of Object.values(results.providers)) withTargets(p.scenarios);
	results.durationMs = Date.now() - t0;
	const missed = [];
	for (const [key, p] of Object.entries(results.providers))
		for (const [id, r] of Object.entries(p.scenarios)) if (!r.ok) missed.push(`${key} ${id}`);
	if (results.packageCost && !results.packageCost.ok) missed.push('package cost');
	results.missedTargets = missed;
	results.markdown = markdownReport(results);

	const outFile = path.resolve(REPO, opts.out);
	await fsp.mkdir(path.dirname(outFile), { recursive: true });
	await fsp.writeFile(outFile, JSON.stringify(results, null, 2) + '\n');

	console.log(consoleReport(results));
	console.log('\n--- Markdown (README) ---\n');
	console.log(results.markdown);
	if (results.queue?.providers) console.log(`\n--- Queue mode (Markdown) ---\n\n${queueMarkdown(results.queue)}`);
	console.log(`\n${missed.length ? `targets missed: ${missed.join(', ')}` : 'all targets met'} · ${(results.durationMs / 1000).toFixed(0)} s · results: ${path.relative(REPO, outFile)}`);
	return 0;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e.stack || e.message);
		process.exit(1);
	},
);
