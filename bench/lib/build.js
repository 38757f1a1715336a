'use strict';
/**
 * Builds and packs the package from a SNAPSHOT of the working tree (a temp copy with node_modules
 * symlinked), so the benchmark neither writes the shared dist/ nor races other people's builds.
 */

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const os = require('node:os');
const n8n = require('../../test/e2e/lib/n8n');
const { copyIfExists } = require('./util');

const REPO = path.resolve(__dirname, '..', '..');
const SNAPSHOT = ['package.json', 'tsconfig.json', 'gulpfile.js', 'README.md', 'LICENSE', 'LICENSE.md', 'credentials', 'nodes', 'icons'];

/** @returns {Promise<{tarball:string, buildMs:number|null, from:'snapshot'|'dist', workDir:string}>} */
async function buildAndPack({ build = true } = {}) {
	const workDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-pack-'));
	if (!build) {
		if (!fs.existsSync(path.join(REPO, 'dist'))) throw new Error('--no-build: dist/ does not exist; run npm run build first');
		const tarball = await n8n.packPackage(REPO, { outDir: path.join(workDir, 'out') });
		return { tarball, buildMs: null, from: 'dist', workDir };
	}
	const src = path.join(workDir, 'src');
	await fsp.mkdir(src);
	for (const f of SNAPSHOT) copyIfExists(path.join(REPO, f), path.join(src, f));
	await fsp.symlink(path.join(REPO, 'node_modules'), path.join(src, 'node_modules'), 'dir');
	const t = Date.now();
	const b = await n8n.runProcess('npm', ['run', 'build'], { cwd: src, env: { ...process.env, npm_config_update_notifier: 'false' }, timeoutMs: 5 * 60_000 });
	if (b.code !== 0) throw new Error(`npm run build (snapshot in ${src}) failed:\n${(b.stdout + b.stderr).slice(-4000)}`);
	const buildMs = Date.now() - t;
	const tarball = await n8n.packPackage(src, { outDir: path.join(workDir, 'out') });
	return { tarball, buildMs, from: 'snapshot', workDir };
}

module.exports = { buildAndPack };
