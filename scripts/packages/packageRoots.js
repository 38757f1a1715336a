#!/usr/bin/env node
'use strict';
/**
 * `npm run packages:sync`: writes packages/<name>/ for the five single-provider packages: its
 * package.json (manifest.js) and symlinks to the sources it is built from (its credential, its
 * node's folder, nodes/shared, its icons). Generated but committed, because n8n's scanner
 * (@n8n/scan-community-package) lints the source a package's npm provenance points at and finds
 * the package there only by a package.json with its name (without one the scan fails: "Could not
 * fetch the source repository ... unlocatable"), then lints package.json and
 * {nodes,credentials}/** beside it. The symlinks let it lint the provider's real .ts sources, as it
 * does for the all-in-one package at the repository root. npm test fails when these are stale.
 */
const fs = require('node:fs');
const path = require('node:path');
const { PROVIDERS } = require('./providers');
const { providerManifest } = require('./manifest');

const REPO = path.resolve(__dirname, '..', '..');

const fromDist = (rel) => rel.replace(/^dist\//, '');

/** The icon files (`file:` references) the given .ts sources name, relative to the repository. */
function iconsNamedIn(repo, sources) {
	const icons = new Set();
	for (const source of sources) {
		for (const m of fs.readFileSync(path.join(repo, source), 'utf8').matchAll(/["']file:([^"']+)["']/g)) {
			icons.add(path.posix.normalize(path.posix.join(path.posix.dirname(source), m[1])));
		}
	}
	return [...icons].sort();
}

/**
 * What packages/<name>/ must hold: { dir, manifest: text, links: [{ path, target }] }, paths
 * relative to the repository, targets relative to the link's folder (as git stores them).
 */
function expectedPackageRoots(repo = REPO) {
	const root = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
	return PROVIDERS.map((provider) => {
		const dir = path.posix.join('packages', provider.packageName);
		const sources = [
			fromDist(provider.credential).replace(/\.js$/, '.ts'),
			path.posix.dirname(fromDist(provider.node)),
			'nodes/shared',
		];
		sources.push(...iconsNamedIn(repo, [sources[0], fromDist(provider.node).replace(/\.js$/, '.ts')]));
		const links = sources.map((source) => {
			const link = path.posix.join(dir, source);
			return { path: link, target: path.posix.relative(path.posix.dirname(link), source) };
		});
		return { dir, manifest: `${JSON.stringify(providerManifest(root, provider), null, '\t')}\n`, links };
	});
}

module.exports = { expectedPackageRoots };

if (require.main === module) {
	for (const { dir, manifest, links } of expectedPackageRoots()) {
		fs.rmSync(path.join(REPO, dir), { recursive: true, force: true });
		fs.mkdirSync(path.join(REPO, dir), { recursive: true });
		fs.writeFileSync(path.join(REPO, dir, 'package.json'), manifest);
		for (const { path: link, target } of links) {
			fs.mkdirSync(path.dirname(path.join(REPO, link)), { recursive: true });
			fs.symlinkSync(target, path.join(REPO, link));
		}
		console.log(`${dir}: package.json + ${links.length} links`);
	}
}
