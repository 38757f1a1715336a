'use strict';
/**
 * Once per e2e run: a real n8n (installs it on a fresh machine: ~6 min), a fresh build of the
 * package, and its six tarballs (all-in-one + five single-provider ones), packed into
 * test-output/e2e/ so concurrent rebuilds of dist/ cannot change what the tests install. Tests read process.env.E2E_TARBALL (the all-in-one) or
 * tarball.json (all six: lib/e2eKit.js packedPackages()).
 */
const fs = require('node:fs');
const path = require('node:path');
const n8n = require('../lib/n8n');
const { packAll } = require('../../../scripts/packages/packAll');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = path.join(ROOT, 'test-output', 'e2e');

module.exports = async function globalSetup() {
	const t0 = Date.now();
	const rt = await n8n.ensureN8n();
	if (process.env.E2E_SKIP_BUILD !== '1') {
		const b = await n8n.runProcess('npm', ['run', 'build'], { cwd: ROOT, env: process.env, timeoutMs: 10 * 60_000 });
		if (b.code !== 0) throw new Error(`npm run build failed:\n${(b.stdout + b.stderr).slice(-4000)}`);
	}
	// one pack dir per run (concurrent e2e runs must not delete each other's tarball); old ones go
	const runId = `${process.pid}-${Date.now()}`;
	fs.mkdirSync(OUT, { recursive: true });
	for (const d of fs.readdirSync(OUT)) {
		const p = path.join(OUT, d);
		if (/^pack-/.test(d) && Date.now() - fs.statSync(p).mtimeMs > 3 * 3600_000) fs.rmSync(p, { recursive: true, force: true });
	}
	// the six tarballs `npm run pack:all` makes (all-in-one first), packed the same way
	const tPack = Date.now();
	const packages = await packAll({ repo: ROOT, outDir: path.join(OUT, `pack-${runId}`) });
	const packMs = Date.now() - tPack;
	const tarball = packages[0].tarball;
	fs.writeFileSync(path.join(OUT, 'tarball.json'), JSON.stringify({ tarball, packages, packMs, n8nVersion: rt.version, nodeVersion: rt.nodeVersion }, null, 2));
	process.env.E2E_TARBALL = tarball;
	process.env.E2E_RUN_ID = runId; // globalTeardown removes only this run's homes
	process.env.E2E_N8N_VERSION = rt.version;
	console.log(`\n[e2e] n8n ${rt.version} on Node ${rt.nodeVersion}; ${packages.length} tarballs in ${path.dirname(tarball)} (packed in ${(packMs / 1000).toFixed(1)} s; setup ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
};
