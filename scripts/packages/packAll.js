#!/usr/bin/env node
'use strict';
/**
 * `npm run pack:all`: the all-in-one package and the five single-provider packages, packed from
 * one build (dist/) into build/packages/*.tgz, the folder the publish workflow publishes.
 * Each single-provider package is staged in a temp folder: its package.json (manifest.js), the
 * dist/ files its node and credential need (closure.js), LICENSE and its README (readme.js).
 * Run `npm run build` first (`npm run pack:all` does).
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { packPackage } = require('../../test/e2e/lib/n8n');
const { PROVIDERS } = require('./providers');
const { filesNeeded } = require('./closure');
const { providerManifest } = require('./manifest');
const { providerReadme } = require('./readme');

const REPO = path.resolve(__dirname, '..', '..');
const DEFAULT_OUT = path.join(REPO, 'build', 'packages');

/** Writes a single-provider package's folder; returns its path. */
async function stageProvider(repo, root, readme, provider, stagingRoot) {
	const dir = path.join(stagingRoot, provider.packageName);
	const manifest = providerManifest(root, provider);
	for (const rel of filesNeeded(repo, [...manifest.n8n.credentials, ...manifest.n8n.nodes])) {
		await fsp.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
		await fsp.copyFile(path.join(repo, rel), path.join(dir, rel));
	}
	await fsp.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, '\t')}\n`);
	await fsp.writeFile(path.join(dir, 'README.md'), providerReadme(readme, root, provider, PROVIDERS));
	await fsp.copyFile(path.join(repo, 'LICENSE'), path.join(dir, 'LICENSE'));
	return dir;
}

/**
 * @param {{repo?: string, outDir?: string}} opts  outDir's old *.tgz are removed first
 * @returns {Promise<Array<{name: string, provider: string|null, tarball: string, bytes: number}>>}
 *   the all-in-one first (provider null), then PROVIDERS' order
 */
async function packAll({ repo = REPO, outDir = DEFAULT_OUT } = {}) {
	if (!fs.existsSync(path.join(repo, 'dist'))) throw new Error(`${repo}/dist does not exist: run npm run build first`);
	await fsp.mkdir(outDir, { recursive: true });
	for (const f of await fsp.readdir(outDir)) if (f.endsWith('.tgz')) await fsp.rm(path.join(outDir, f));
	const root = JSON.parse(await fsp.readFile(path.join(repo, 'package.json'), 'utf8'));
	const readme = await fsp.readFile(path.join(repo, 'README.md'), 'utf8');
	const packed = [{ name: root.name, provider: null, tarball: await packPackage(repo, { outDir }) }];
	const stagingRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'pack-all-'));
	try {
		for (const provider of PROVIDERS) {
			const dir = await stageProvider(repo, root, readme, provider, stagingRoot);
			packed.push({ name: provider.packageName, provider: provider.key, tarball: await packPackage(dir, { outDir }) });
		}
	} finally {
		await fsp.rm(stagingRoot, { recursive: true, force: true });
	}
	return packed.map((p) => ({ ...p, bytes: fs.statSync(p.tarball).size }));
}

module.exports = { packAll, stageProvider, DEFAULT_OUT };

if (require.main === module) {
	packAll().then(
		(packed) => {
			for (const p of packed) console.log(`${(p.bytes / 1024).toFixed(1).padStart(6)} kB  ${path.relative(REPO, p.tarball)}`);
		},
		(error) => {
			console.error(error);
			process.exitCode = 1;
		},
	);
}
