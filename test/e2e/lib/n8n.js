'use strict';
/*
 * Drive a REAL n8n (installed by scripts/n8n-runtime.js) from tests, the benchmark and `npm start`.
 * A home runs the newest n8n unless created with createN8nHome({ n8nVersion }) (the version matrix:
 * every CLI command and startN8n of that home then use that version's runtime).
 * Plain CommonJS, no dependencies. See test/e2e/lib/smoke.js for a complete, timed example.
 *
 *   const n8n = require('./lib/n8n');
 *   const tarball = await n8n.packPackage();                      // npm pack of the repo
 *   const home = await n8n.createN8nHome({ tarball });            // scratch N8N_USER_FOLDER
 *   await n8n.importCredentials(home, [{ id, name, type, data }]);
 *   await n8n.importWorkflows(home, [n8n.buildWorkflow({ id: 'wf1', items: [{a:1}], nodes: [node] })]);
 *   const r = await n8n.execute(home, 'wf1');                     // { code, json, stdout, stderr, ms }
 *   n8n.outputOf(r.json, 'My Node');                              // [{...json}, ...]
 *   const creds = await n8n.exportCredentials(home);              // decrypted, what n8n stored
 *   await n8n.activateWorkflow(home, 'hook1');                    // before startN8n (see below)
 *   const srv = await n8n.startN8n(home, { port });               // { url, stop(), logs(), ... }
 *   await srv.waitForWebhook('my-path'); await fetch(`${srv.url}/webhook/my-path`);
 *   await srv.stop();
 *
 * What was found out about n8n 2.41 (headless):
 *  - Community packages: n8n scans <N8N_USER_FOLDER>/.n8n/nodes/node_modules for `n8n-nodes-*` and
 *    `@scope/n8n-nodes-*` on every start (the DB table installed_packages is NOT needed for loading).
 *    Node types are then `<package name>.<node name>`, credentials keep their plain name.
 *  - Every CLI command (import, export, execute, publish) boots n8n: DB migrations on first use,
 *    loading all node types, a task-runner broker on N8N_RUNNERS_BROKER_PORT (default 5679, fixed!
 *    so concurrent n8n processes need distinct ports: runN8n gives each process a free one).
 *  - `n8n execute --id ID --rawOutput` prints `JSON.stringify(run, null, 2)` through the logger
 *    (so N8N_LOG_LEVEL must be info or lower). On a failed run it prints the same object after
 *    "Execution error:" lines, then exits 1 (execute() returns code 1 and the json). Top level of
 *    the JSON: { data: { resultData: { runData, error?, lastNodeExecuted } , ... }, mode: 'cli',
 *    status: 'success'|'error', startedAt, stoppedAt }. Continue On Fail (onError:
 *    'continueRegularOutput') items come out as `{ json: { error: <message> }, error: { message,
 *    name: 'NodeApiError', description: 'Request failed with status code 500', context: { data:
 *    <response body> }, cause }, pairedItem: { item: i } }` (see errorsOf/outputOf).
 *  - Activation: in 2.x a workflow is "published" (activeVersionId). `n8n import:workflow` always
 *    imports deactivated (`--activeState=fromJson` is refused outside queue mode);
 *    `n8n publish:workflow --id ID` publishes the current version (activateWorkflow). Published
 *    before startN8n: its webhook is live when n8n is ready. Published while n8n runs: the running
 *    n8n picks it up through its publication service (outbox) in ~6-7 s (measured; lowering
 *    N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS did not speed it up); with
 *    N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false it is never picked up (restart needed).
 *    `update:workflow --active=true` is a deprecated alias of publish.
 *  - Triggering from outside: a published Webhook-trigger workflow on `POST|GET /webhook/<path>`
 *    is the simplest reliable way (no user, no API key); call srv.waitForWebhook(path) first (an
 *    OPTIONS preflight: 204 when registered, 404 before; nothing is executed).
 *  - The public REST API needs an owner + API key: setupOwner(url) does POST /rest/owner/setup
 *    (works headless on a fresh home) and createApiKey(...) mints a key; see their comments.
 */

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const os = require('node:os');
const net = require('node:net');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const { ensureN8n } = require('../../../scripts/n8n-runtime.js');

const REPO = path.resolve(__dirname, '..', '..', '..');
const LOG_TAIL = 50;

// ---------------------------------------------------------------------------------------------
// child process bookkeeping: every child is a process-group leader; all are killed on exit
// ---------------------------------------------------------------------------------------------
const live = new Set();
function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {}
	}
}
process.on('exit', () => {
	for (const c of live) killGroup(c, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
	process.once(sig, async () => {
		// graceful first (n8n shuts down on SIGTERM in well under a second)
		for (const c of live) killGroup(c, 'SIGTERM');
		if (process.listenerCount(sig) > 0) return; // someone else decides; 'exit' SIGKILLs leftovers
		const t = Date.now();
		while ([...live].some((c) => c.exitCode === null && c.signalCode === null) && Date.now() - t < 10_000)
			await new Promise((r) => setTimeout(r, 100));
		for (const c of live) killGroup(c, 'SIGKILL');
		process.kill(process.pid, sig); // die of the signal, as without this handler
	});
}

/** Kills the process group of `child` when this process exits (see also killGroup). */
function trackChild(child) {
	live.add(child);
	child.on('close', () => live.delete(child));
}

function tailLines(text, n = LOG_TAIL) {
	const lines = String(text).replace(/\s+$/, '').split('\n');
	return lines.slice(-n).join('\n');
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). */
function getFreePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Spawns a command in its own process group, collects output, enforces a timeout (kills the group).
 * @returns {Promise<{code:number|null, signal:string|null, stdout:string, stderr:string, ms:number, timedOut:boolean}>}
 */
function runProcess(cmd, args, { cwd, env, timeoutMs = 10 * 60_000, input } = {}) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, { cwd, env, detached: true, stdio: [input == null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
		live.add(child);
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
		child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
		if (input != null) child.stdin.end(input);
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child, 'SIGKILL');
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			live.delete(child);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			live.delete(child);
			// leftovers of the group (e.g. a task runner) must not outlive the command
			killGroup(child, 'SIGKILL');
			resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, timedOut });
		});
	});
}

// ---------------------------------------------------------------------------------------------
// packing and homes
// ---------------------------------------------------------------------------------------------

/**
 * `npm pack` of a package directory (default: this repo). Builds first when dist/ is missing.
 * @returns {Promise<string>} absolute path of the .tgz (in outDir, default a fresh temp dir)
 */
async function packPackage(repoDir = REPO, { outDir } = {}) {
	repoDir = path.resolve(repoDir);
	if (!fs.existsSync(path.join(repoDir, 'dist'))) {
		const b = await runProcess('npm', ['run', 'build'], { cwd: repoDir, env: process.env });
		if (b.code !== 0) throw new Error(`npm run build failed in ${repoDir}:\n${tailLines(b.stdout + b.stderr)}`);
	}
	outDir = outDir || (await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-pack-')));
	await fsp.mkdir(outDir, { recursive: true });
	const r = await runProcess('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], {
		cwd: repoDir,
		env: { ...process.env, npm_config_loglevel: 'error', npm_config_update_notifier: 'false' },
	});
	if (r.code !== 0) throw new Error(`npm pack failed in ${repoDir}:\n${tailLines(r.stdout + r.stderr)}`);
	const start = r.stdout.indexOf('[');
	const info = JSON.parse(r.stdout.slice(start));
	return path.join(outDir, info[0].filename);
}

async function readTarballPackageJson(tarball) {
	const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-tgz-'));
	try {
		const r = await runProcess('tar', ['-xzf', tarball, '-C', tmp, 'package/package.json'], {});
		if (r.code !== 0) throw new Error(`cannot read package.json from ${tarball}: ${r.stderr}`);
		return JSON.parse(await fsp.readFile(path.join(tmp, 'package', 'package.json'), 'utf8'));
	} finally {
		await fsp.rm(tmp, { recursive: true, force: true });
	}
}

/**
 * Installs a community-package tarball the way n8n 2.41's "Install community node" does
 * (CommunityPackagesService.downloadPackage): extract into <nodesDir>/node_modules/<name>, drop
 * devDependencies/peerDependencies/optionalDependencies from its package.json (so n8n-workflow is
 * NOT installed a second time), `npm install --ignore-scripts --package-lock=false ...` inside the
 * package (skipped when it has no dependencies: nothing to do), and record it in
 * <nodesDir>/package.json (the "ledger" n8n keeps there).
 */
async function installTarball(nodesDir, tarball) {
	const pkg = await readTarballPackageJson(tarball);
	const pkgDir = path.join(nodesDir, 'node_modules', ...pkg.name.split('/'));
	await fsp.rm(pkgDir, { recursive: true, force: true });
	await fsp.mkdir(pkgDir, { recursive: true });
	const x = await runProcess('tar', ['-xzf', path.resolve(tarball), '-C', pkgDir, '--strip-components=1'], {});
	if (x.code !== 0) throw new Error(`extracting ${tarball} failed: ${x.stderr}`);
	const { devDependencies, peerDependencies, optionalDependencies, ...stripped } = pkg;
	await fsp.writeFile(path.join(pkgDir, 'package.json'), JSON.stringify(stripped, null, 2));
	if (stripped.dependencies && Object.keys(stripped.dependencies).length) {
		const r = await runProcess(
			'npm',
			['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
			{ cwd: pkgDir, env: { ...process.env, npm_config_loglevel: 'error' } },
		);
		if (r.code !== 0) throw new Error(`npm install of ${pkg.name}'s dependencies failed:\n${tailLines(r.stdout + r.stderr)}`);
	}
	const ledgerFile = path.join(nodesDir, 'package.json');
	let ledger;
	try {
		ledger = JSON.parse(await fsp.readFile(ledgerFile, 'utf8'));
	} catch {
		ledger = { name: 'installed-nodes', private: true, dependencies: {} };
	}
	ledger.dependencies = { ...(ledger.dependencies || {}), [pkg.name]: pkg.version };
	await fsp.writeFile(ledgerFile, JSON.stringify(ledger, null, 2));
	return { name: pkg.name, version: pkg.version, dir: pkgDir };
}

/**
 * The env every n8n process of a home gets (on top of process.env and the runtime's PATH).
 * Not set on purpose: N8N_RUNNERS_ENABLED (2.x: runners are always on; n8n calls the variable
 * "safe to remove"), N8N_BLOCK_ENV_ACCESS_IN_NODE (default: $env blocked, as for real users),
 * N8N_EXPRESSION_ENGINE (default 'vm' = isolated-vm, as for real users; see EXIT_SEGFAULT_NOTE).
 * The Python runner warning ("virtual environment is missing") on every boot is harmless.
 */
function homeEnv(dir, encryptionKey) {
	return {
		N8N_USER_FOLDER: dir,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_LOG_LEVEL: 'info', // `execute` prints its JSON at info level
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_FORMAT: 'text',
		NO_COLOR: '1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false', // editor over plain http on 127.0.0.1
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true', // 2.41 warns its default will flip to false
		N8N_DISABLED_MODULES: 'mcp-registry', // it fetches api.n8n.io on start (no network here)
		N8N_REINSTALL_MISSING_PACKAGES: 'false', // never reach for the registry
		N8N_RUNNERS_MODE: 'internal', // Code node runs in a child runner; broker port set per process
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_PRUNE: 'false',
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '2',
		DB_SQLITE_VACUUM_ON_STARTUP: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
	};
}

/**
 * A scratch n8n user folder with the tarball installed as a community package.
 * n8nVersion: the n8n this home runs (default: the newest, see scripts/n8n-runtime.js).
 * @param {{tarball?: string, tarballs?: string[], dir?: string, env?: object, encryptionKey?: string, n8nVersion?: string}} opts
 * @returns {Promise<{dir: string, env: object, nodesDir: string, packages: {name,version,dir}[], n8nVersion?: string}>}
 */
async function createN8nHome({ tarball, tarballs, dir, env = {}, encryptionKey, n8nVersion } = {}) {
	dir = path.resolve(dir || (await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-home-'))));
	const nodesDir = path.join(dir, '.n8n', 'nodes');
	await fsp.mkdir(nodesDir, { recursive: true });
	const keyFile = path.join(dir, 'encryption-key.txt');
	if (!encryptionKey) {
		// reuse the key of an existing home: n8n refuses to start when it differs from .n8n/config
		try {
			encryptionKey = JSON.parse(await fsp.readFile(path.join(dir, '.n8n', 'config'), 'utf8')).encryptionKey;
		} catch {}
	}
	if (!encryptionKey) {
		try {
			encryptionKey = (await fsp.readFile(keyFile, 'utf8')).trim();
		} catch {
			encryptionKey = crypto.randomBytes(24).toString('hex');
		}
	}
	await fsp.writeFile(keyFile, encryptionKey);
	const packages = [];
	for (const t of [...(tarball ? [tarball] : []), ...(tarballs || [])]) packages.push(await installTarball(nodesDir, t));
	return { dir, nodesDir, packages, n8nVersion, env: { ...homeEnv(dir, encryptionKey), ...env } };
}

/** Deletes a home made by createN8nHome (stop its n8n first). */
async function removeN8nHome(home) {
	await fsp.rm(home.dir, { recursive: true, force: true, maxRetries: 3 });
}

// ---------------------------------------------------------------------------------------------
// running CLI commands
// ---------------------------------------------------------------------------------------------

/**
 * N8N_DISABLED_MODULES without the modules this n8n does not have: n8n refuses to start when it
 * names an unknown one (1.123 and 2.0 have no mcp-registry).
 */
function disabledModulesFor(rt, list) {
	if (!list) return {};
	const n8nDir = path.dirname(path.dirname(rt.n8nBin));
	const known = list.split(',').filter((m) => fs.existsSync(path.join(n8nDir, 'dist', 'modules', m.trim())));
	return { N8N_DISABLED_MODULES: known.join(',') };
}

async function childEnv(home, extra = {}) {
	const rt = await ensureN8n(home.n8nVersion);
	const env = {
		...process.env,
		...rt.env,
		...home.env,
		...disabledModulesFor(rt, home.env.N8N_DISABLED_MODULES),
		N8N_RUNNERS_BROKER_PORT: String(await getFreePort()),
		...extra,
	};
	if (env.N8N_DISABLED_MODULES === '') delete env.N8N_DISABLED_MODULES;
	return { rt, env };
}

/**
 * Runs `n8n <args>` for a home. Never throws on a non-zero exit: look at .code.
 * @returns {Promise<{code, signal, stdout, stderr, ms, timedOut}>}
 */
async function runN8n(home, args, { env, timeoutMs = 5 * 60_000 } = {}) {
	const { rt, env: e } = await childEnv(home, env);
	return runProcess(rt.nodeBin, [rt.n8nBin, ...args], { cwd: home.dir, env: e, timeoutMs });
}

// Commands that only touch the DB (import/export/publish) evaluate no expressions: run them with
// the legacy engine so isolated-vm's exit-time crash (EXIT_SEGFAULT_NOTE) cannot fail them.
const ADMIN_ENV = { N8N_EXPRESSION_ENGINE: 'legacy' };

async function runN8nOk(home, args, opts = {}) {
	const r = await runN8n(home, args, { ...opts, env: { ...ADMIN_ENV, ...opts.env } });
	if (r.code !== 0)
		throw new Error(`n8n ${args.join(' ')} exited ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' (timeout)' : ''}:\n${tailLines(r.stdout + '\n' + r.stderr)}`);
	return r;
}

async function writeTemp(home, prefix, data) {
	const file = path.join(home.dir, `${prefix}-${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
	await fsp.writeFile(file, JSON.stringify(data, null, 2));
	return file;
}

/**
 * Imports credentials given in plain text: [{ id, name, type, data: {...} }]. n8n encrypts them.
 * An existing credential with the same id is overwritten.
 */
async function importCredentials(home, creds) {
	const list = creds.map((c) => ({ isManaged: false, ...c }));
	const file = await writeTemp(home, 'creds', list);
	try {
		return await runN8nOk(home, ['import:credentials', `--input=${file}`]);
	} finally {
		await fsp.rm(file, { force: true });
	}
}

/**
 * Imports workflows (each needs an `id`); they land deactivated (see activateWorkflow).
 * A workflow without a versionId gets one: n8n 2.0.0's import:workflow does not fill it in
 * (SQLITE_CONSTRAINT: NOT NULL constraint failed: workflow_entity.versionId); 1.123 and 2.41 do.
 */
async function importWorkflows(home, workflows) {
	for (const w of workflows) if (!w.id) throw new Error(`importWorkflows: workflow "${w.name}" needs an id`);
	const file = await writeTemp(
		home,
		'workflows',
		workflows.map((w) => ({ versionId: crypto.randomUUID(), ...w })),
	);
	try {
		return await runN8nOk(home, ['import:workflow', `--input=${file}`]);
	} finally {
		await fsp.rm(file, { force: true });
	}
}

/**
 * Publishes (= activates, in 2.x terms) a workflow: `n8n publish:workflow --id ID` (~3 s).
 * Before startN8n: live when n8n is ready. While n8n runs: live ~6-7 s later (use
 * srv.waitForWebhook(path)).
 */
async function activateWorkflow(home, id) {
	// n8n 1.x has no publish:workflow; its update:workflow --active=true is 2.x's deprecated alias
	if (/^1\./.test(home.n8nVersion || '')) return runN8nOk(home, ['update:workflow', `--id=${id}`, '--active=true']);
	return runN8nOk(home, ['publish:workflow', `--id=${id}`]);
}

/** Finds the run JSON that `n8n execute` printed (a pretty-printed object starting at a '{' line). */
function parseRunJson(text) {
	const lines = String(text).split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].startsWith('{')) continue;
		if (lines[i].trim().endsWith('}')) {
			try {
				return JSON.parse(lines[i]);
			} catch {}
		}
		for (let j = i + 1; j < lines.length; j++) {
			if (!lines[j].startsWith('}')) continue;
			try {
				return JSON.parse(lines.slice(i, j + 1).join('\n'));
			} catch {}
		}
	}
	return undefined;
}

/*
 * EXIT_SEGFAULT_NOTE: n8n 2.41's default expression engine (N8N_EXPRESSION_ENGINE=vm) runs
 * expressions in isolated-vm isolates from a pool that refills on a background thread. When the
 * CLI calls process.exit() while that thread is creating an isolate, isolated-vm's exit-time
 * destructor tears V8's platform down under it and the process dies of SIGSEGV (gdb: thread
 * pool dtor in __run_exit_handlers + a pool thread in v8::internal::Heap). Measured here: ~1 in 10
 * `n8n execute` runs, AFTER the complete run JSON was printed. execute()/executeBatch() therefore
 * accept SIGSEGV when the output is complete and derive the code from it (result.signal says it
 * happened); anything else that dies of a signal throws. N8N_EXPRESSION_ENGINE=legacy (via
 * createN8nHome({ env })) avoids isolated-vm entirely (0 in 40 runs), at the price of not using
 * the engine real n8n 2.41 installs use by default.
 */

/**
 * `n8n execute --id ID --rawOutput`. code is 0 on success, 1 when the run failed (then json holds
 * the failed run too, with json.data.resultData.error).
 * @returns {Promise<{code:number, json:object|undefined, stdout:string, stderr:string, ms:number, signal:string|null}>}
 */
async function execute(home, workflowId, { timeoutMs = 5 * 60_000, env } = {}) {
	const r = await runN8n(home, ['execute', `--id=${workflowId}`, '--rawOutput'], { timeoutMs, env });
	const json = parseRunJson(r.stdout) || parseRunJson(r.stderr);
	if (r.timedOut) throw new Error(`n8n execute --id ${workflowId} timed out after ${timeoutMs} ms:\n${tailLines(r.stdout + r.stderr)}`);
	let code = r.code;
	if (code === null && r.signal === 'SIGSEGV' && json?.status) {
		// isolated-vm crash in process.exit (see EXIT_SEGFAULT_NOTE): the run itself had finished
		code = json.status === 'success' && !json.data?.resultData?.error ? 0 : 1;
	} else if (code === null) {
		throw new Error(`n8n execute --id ${workflowId} died of ${r.signal}:\n${tailLines(r.stdout + r.stderr)}`);
	}
	return { code, json, stdout: r.stdout, stderr: r.stderr, ms: r.ms, signal: r.signal };
}

/**
 * Many workflows in ONE n8n boot: `n8n execute-batch --ids=A,B --concurrency=N --retries=0
 * --output=FILE --snapshot=DIR`. Saves the ~3 s boot per workflow. Caveats (n8n 2.41):
 *  - ids are filtered by /\d+/: every id must contain a digit;
 *  - the full run JSON (`runs[id]`, same shape as execute().json) exists only for runs that
 *    succeeded (n8n writes snapshots only then); a failed run has only `results.executions[i].error`;
 *  - errors containing some strings (e.g. 'refresh token is invalid', 'unable to connect') are
 *    counted as "warning" instead of "error" by n8n;
 *  - all runs share one process (module-level state in the package is shared, like a real n8n).
 * @returns {Promise<{code:number, ms:number, results:object|undefined, runs:Object<string,object>, stdout:string}>}
 */
async function executeBatch(home, ids, { concurrency = 1, timeoutMs = 15 * 60_000, env } = {}) {
	for (const id of ids) if (!/\d/.test(id)) throw new Error(`executeBatch: id "${id}" has no digit; n8n would skip it`);
	const tag = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
	const outFile = path.join(home.dir, `batch-${tag}.json`);
	const snapDir = path.join(home.dir, `batch-${tag}-snapshots`);
	await fsp.mkdir(snapDir, { recursive: true });
	try {
		const r = await runN8n(
			home,
			['execute-batch', `--ids=${ids.join(',')}`, `--concurrency=${concurrency}`, '--retries=0', `--output=${outFile}`, `--snapshot=${snapDir}`],
			{ timeoutMs, env },
		);
		if (r.timedOut) throw new Error(`n8n execute-batch timed out after ${timeoutMs} ms:\n${tailLines(r.stdout + r.stderr)}`);
		let results;
		try {
			results = JSON.parse(await fsp.readFile(outFile, 'utf8'));
		} catch {}
		let code = r.code;
		if (code === null && r.signal === 'SIGSEGV' && results?.summary) {
			// isolated-vm crash in process.exit (see EXIT_SEGFAULT_NOTE), after the results were written
			code = results.summary.failedExecutions > 0 ? 1 : 0;
		} else if (code === null) {
			throw new Error(`n8n execute-batch died of ${r.signal}:\n${tailLines(r.stdout + r.stderr)}`);
		}
		const runs = {};
		for (const f of await fsp.readdir(snapDir)) {
			const m = /^(.*)-snapshot\.json$/.exec(f);
			if (m) runs[m[1]] = JSON.parse(await fsp.readFile(path.join(snapDir, f), 'utf8'));
		}
		return { code, ms: r.ms, results, runs, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
	} finally {
		await fsp.rm(outFile, { force: true });
		await fsp.rm(snapDir, { recursive: true, force: true });
	}
}

/** The run data of a node's last run, or undefined. */
function lastRun(json, nodeName) {
	const runs = json?.data?.resultData?.runData?.[nodeName];
	return runs && runs.length ? runs[runs.length - 1] : undefined;
}

/** Raw items ({json, pairedItem, error?}) of the node's last run, output 0 (or `output`). */
function itemsOf(json, nodeName, output = 0) {
	const run = lastRun(json, nodeName);
	return run?.data?.main?.[output] ?? [];
}

/** The `json` of every item the node produced in its last run (Continue On Fail items included). */
function outputOf(json, nodeName, output = 0) {
	return itemsOf(json, nodeName, output).map((i) => i.json);
}

/**
 * Per-item errors of a node's last run when Continue On Fail (onError: 'continueRegularOutput') is
 * set: [{ index, message, description, data (response body), item }]. n8n 2.41 turns such an
 * item into { json: { error: message }, error: {...} }. (An item whose own json has an `error`
 * field counts too.)
 */
function errorsOf(json, nodeName, output = 0) {
	const out = [];
	itemsOf(json, nodeName, output).forEach((item, index) => {
		const err = item.error ?? item.json?.error;
		if (err === undefined) return;
		const e = typeof err === 'string' ? { message: err } : err;
		out.push({ index, message: e.message, description: e.description, data: e.context?.data, item });
	});
	return out;
}

/** The run-level error (the node that threw, when Continue On Fail is off), or undefined. */
function runErrorOf(json) {
	return json?.data?.resultData?.error;
}

/** Decrypted credentials as n8n stores them: [{ id, name, type, data: {...} }]. */
async function exportCredentials(home, { decrypted = true } = {}) {
	const file = path.join(home.dir, `export-creds-${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
	try {
		await runN8nOk(home, ['export:credentials', '--all', ...(decrypted ? ['--decrypted'] : []), `--output=${file}`]);
		return JSON.parse(await fsp.readFile(file, 'utf8'));
	} finally {
		await fsp.rm(file, { force: true });
	}
}

/** All workflows as stored (n8n export:workflow --all). */
async function exportWorkflows(home) {
	const file = path.join(home.dir, `export-wf-${process.pid}-${crypto.randomBytes(4).toString('hex')}.json`);
	try {
		await runN8nOk(home, ['export:workflow', '--all', `--output=${file}`]);
		return JSON.parse(await fsp.readFile(file, 'utf8'));
	} finally {
		await fsp.rm(file, { force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// a running n8n
// ---------------------------------------------------------------------------------------------

async function httpOk(url, opts = {}) {
	try {
		const res = await fetch(url, { ...opts, signal: AbortSignal.timeout(5000) });
		await res.arrayBuffer();
		return res.status;
	} catch {
		return 0;
	}
}

/**
 * Starts `n8n start` on 127.0.0.1:<port> (default: a free port) and waits until /healthz/readiness answers 200 and n8n
 * printed "Editor is now accessible" (printed after active workflows are registered).
 * The whole output also goes to logFile (default <home>/n8n-<command>-<port>.log; false: none).
 * args / readyMarker run another long-lived command the same way, e.g. a queue-mode worker
 * (['worker'], with QUEUE_HEALTH_CHECK_PORT = port so /healthz/readiness answers; see cluster.js).
 * stop(): SIGTERM to the process group (n8n + its task runner), SIGKILL after 15 s, resolves on exit.
 * @returns {Promise<{url:string, port:number, child, logs:(n?:number)=>string, stop:()=>Promise<void>,
 *   waitForWebhook:(path:string, opts?:{method?:string, timeoutMs?:number, test?:boolean})=>Promise<void>}>}
 */
async function startN8n(home, { port, timeoutMs = 120_000, env, logFile: logFileOpt, args = ['start'], readyMarker = 'Editor is now accessible' } = {}) {
	port = port || (await getFreePort());
	const url = `http://127.0.0.1:${port}`;
	const { rt, env: e } = await childEnv(home, {
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `${url}/`, // 2.41: WEBHOOK_URL is deprecated
		N8N_EDITOR_BASE_URL: `${url}/`,
		...env,
	});
	const t0 = Date.now();
	const child = spawn(rt.nodeBin, [rt.n8nBin, ...args], { cwd: home.dir, env: e, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	live.add(child);
	let log = '';
	const logFile = logFileOpt === undefined ? path.join(home.dir, `n8n-${args[0]}-${port}.log`) : logFileOpt;
	const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
	const onData = (d) => {
		log += d;
		if (log.length > 2e6) log = log.slice(-1e6);
		if (logStream) logStream.write(d);
	};
	child.stdout.setEncoding('utf8').on('data', onData);
	child.stderr.setEncoding('utf8').on('data', onData);
	let exited = null;
	const closed = new Promise((resolve) =>
		child.on('close', (code, signal) => {
			exited = { code, signal };
			live.delete(child);
			if (logStream) logStream.end();
			killGroup(child, 'SIGKILL');
			resolve(exited);
		}),
	);
	const logs = (n) => (n ? tailLines(log, n) : log);
	let stopping;
	const stop = async () => {
		if (!stopping) {
			stopping = (async () => {
				if (exited) return;
				killGroup(child, 'SIGTERM');
				const t = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
				await closed;
				clearTimeout(t);
			})();
		}
		return stopping;
	};
	const crashed = (what) =>
		new Error(`n8n ${args[0]} ${what} (exit ${exited?.code}${exited?.signal ? `, ${exited.signal}` : ''}); last ${LOG_TAIL} log lines:\n${tailLines(log)}`);

	for (;;) {
		if (exited) throw crashed('exited before it was ready');
		if (Date.now() - t0 > timeoutMs) {
			await stop();
			throw crashed(`not ready after ${timeoutMs} ms`);
		}
		if (log.includes(readyMarker) && (await httpOk(`${url}/healthz/readiness`)) === 200) break;
		await new Promise((r) => setTimeout(r, 250));
	}
	const readyMs = Date.now() - t0;

	/** Waits until n8n answers an OPTIONS preflight for that webhook path (no execution happens). */
	const waitForWebhook = async (hookPath, { method = 'POST', timeoutMs: wt = 30_000, test = false } = {}) => {
		const u = `${url}/${test ? 'webhook-test' : 'webhook'}/${hookPath.replace(/^\//, '')}`;
		const t = Date.now();
		for (;;) {
			if (exited) throw crashed('exited while waiting for a webhook');
			const s = await httpOk(u, { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': method, Origin: url } });
			if (s >= 200 && s < 300) return;
			if (Date.now() - t > wt) throw new Error(`webhook ${method} ${u} not registered after ${wt} ms (last status ${s}); log tail:\n${tailLines(log)}`);
			await new Promise((r) => setTimeout(r, 250));
		}
	};
	return { url, port, child, readyMs, logs, logFile, stop, waitForWebhook, exited: () => exited };
}

/**
 * Creates the instance owner on a fresh, running n8n (POST /rest/owner/setup; allowed while no
 * owner exists) and returns the session cookie (`n8n-auth=...`) for further /rest calls.
 * If the owner exists already it logs in instead (POST /rest/login).
 */
async function setupOwner(url, { email = 'owner@example.com', password = 'Owner-Passw0rd!', firstName = 'Test', lastName = 'Owner' } = {}) {
	const post = (p, body, cookie) =>
		fetch(`${url}${p}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
			body: JSON.stringify(body),
		});
	let res = await post('/rest/owner/setup', { email, password, firstName, lastName });
	if (res.status >= 400) {
		await res.arrayBuffer();
		res = await post('/rest/login', { emailOrLdapLoginId: email, email, password });
	}
	const text = await res.text();
	if (res.status >= 400) throw new Error(`owner setup/login failed: ${res.status} ${text.slice(0, 500)}`);
	const setCookie = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie')];
	const cookie = setCookie
		.filter(Boolean)
		.map((c) => c.split(';')[0])
		.find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error(`owner setup gave no n8n-auth cookie: ${text.slice(0, 300)}`);
	return { cookie, email, password, user: JSON.parse(text).data };
}

/**
 * Creates a public-API key for the logged-in owner (POST /rest/api-keys). Use it as header
 * `X-N8N-API-KEY` on `${url}/api/v1/...`.
 */
async function createApiKey(url, cookie, { label = 'e2e', scopes } = {}) {
	const req = async (method, p, body) => {
		const res = await fetch(`${url}${p}`, {
			method,
			headers: { 'content-type': 'application/json', cookie },
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await res.text();
		if (res.status >= 400) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 500)}`);
		return JSON.parse(text).data;
	};
	if (!scopes) scopes = await req('GET', '/rest/api-keys/scopes');
	const key = await req('POST', '/rest/api-keys', { label, scopes, expiresAt: null });
	return key.rawApiKey ?? key.apiKey;
}

// ---------------------------------------------------------------------------------------------
// workflow builders (plain JSON, the shape `n8n import:workflow` takes)
// ---------------------------------------------------------------------------------------------

function uuidish() {
	return crypto.randomUUID();
}

/**
 * Nodes that turn a trigger's single item into the given items without a Code node (no task
 * runner): a Set node in raw-JSON mode holding {items:[...]} and a Split Out node.
 */
function itemSourceNodes(items, { x = 200, y = 0, prefix = 'Items' } = {}) {
	return [
		{
			id: uuidish(),
			name: `${prefix} JSON`,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [x, y],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} },
		},
		{
			id: uuidish(),
			name: `${prefix}`,
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [x + 200, y],
			parameters: { fieldToSplitOut: 'items', options: {} },
		},
	];
}

function chain(nodes) {
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return connections;
}

function placed(nodes, x0) {
	return nodes.map((n, i) => ({ id: uuidish(), typeVersion: 1, parameters: {}, position: [x0 + 200 * i, 0], ...n }));
}

/**
 * Manual Trigger → (items, if given) → nodes..., linearly connected.
 * nodes: [{ name, type, typeVersion?, parameters?, credentials?, onError? }]
 */
function buildWorkflow({ id, name, items, nodes = [], settings = {} }) {
	const trigger = { id: uuidish(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const src = items ? itemSourceNodes(items) : [];
	const all = [trigger, ...src, ...placed(nodes, 200 * (1 + src.length))];
	return { id, name: name || `wf ${id}`, active: false, nodes: all, connections: chain(all), settings: { executionOrder: 'v1', ...settings }, pinData: {} };
}

/**
 * Webhook trigger on <method> /webhook/<path> → (items) → nodes..., answering with the last node's
 * items (responseMode lastNode, all entries). Publish it with activateWorkflow before startN8n.
 */
function buildWebhookWorkflow({ id, name, path: hookPath, method = 'POST', items, nodes = [], settings = {} }) {
	const trigger = {
		id: uuidish(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: uuidish(),
		parameters: { httpMethod: method, path: hookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	};
	const src = items ? itemSourceNodes(items) : [];
	const all = [trigger, ...src, ...placed(nodes, 200 * (1 + src.length))];
	return { id, name: name || `hook ${id}`, active: false, nodes: all, connections: chain(all), settings: { executionOrder: 'v1', ...settings }, pinData: {} };
}

module.exports = {
	ensureN8n,
	packPackage,
	createN8nHome,
	removeN8nHome,
	installTarball,
	runN8n,
	importCredentials,
	importWorkflows,
	activateWorkflow,
	publishWorkflow: activateWorkflow,
	execute,
	executeBatch,
	parseRunJson,
	outputOf,
	itemsOf,
	errorsOf,
	runErrorOf,
	exportCredentials,
	exportWorkflows,
	startN8n,
	setupOwner,
	createApiKey,
	getFreePort,
	buildWorkflow,
	buildWebhookWorkflow,
	itemSourceNodes,
	runProcess,
	trackChild,
	killGroup,
	tailLines,
};
