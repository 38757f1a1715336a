'use strict';
/**
 * The single-provider packages' sources of truth, without building: the committed packages/<name>/
 * folders match what `npm run packages:sync` writes, and each README cut from README.md is about
 * its provider only. (The packed tarballs are checked in test/e2e/package.e2e.test.js.)
 */
const fs = require('node:fs');
const path = require('node:path');
const { PROVIDERS } = require('../../scripts/packages/providers');
const { expectedPackageRoots } = require('../../scripts/packages/packageRoots');
const { providerReadme, mentions, packageTable, splitSections, WHICH_PACKAGE } = require('../../scripts/packages/readme');

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const rootPackage = require('../../package.json');

/** Every entry under dir, symlinks not followed: { 'rel/path': 'file' | 'dir' | '-> target' }. */
function entries(dir, base = dir) {
	const out = {};
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const abs = path.join(dir, e.name);
		const rel = path.relative(base, abs).split(path.sep).join('/');
		if (e.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(abs)}`;
		else if (e.isDirectory()) Object.assign(out, { [rel]: 'dir' }, entries(abs, base));
		else out[rel] = 'file';
	}
	return out;
}

test('packages/ holds exactly the five single-provider folders, as `npm run packages:sync` writes them', () => {
	const expected = expectedPackageRoots(ROOT);
	expect(fs.readdirSync(path.join(ROOT, 'packages')).sort()).toEqual(PROVIDERS.map((p) => p.packageName).sort());
	for (const { dir, manifest, links } of expected) {
		const want = { 'package.json': 'file' };
		for (const { path: link, target } of links) {
			const rel = path.posix.relative(dir, link);
			for (let d = path.posix.dirname(rel); d !== '.'; d = path.posix.dirname(d)) want[d] = 'dir';
			want[rel] = `-> ${target}`;
		}
		expect({ dir, entries: entries(path.join(ROOT, dir)) }).toEqual({ dir, entries: want });
		expect({ dir, manifest: fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8') }).toEqual({ dir, manifest });
		for (const { path: link } of links) expect({ link, resolves: fs.existsSync(path.join(ROOT, link)) }).toEqual({ link, resolves: true });
	}
});

test('each manifest: one credential, one node, no dependencies, MIT, the community keyword, same version as the all-in-one', () => {
	for (const { dir } of expectedPackageRoots(ROOT)) {
		const m = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
		expect(m).toMatchObject({ version: rootPackage.version, license: 'MIT', n8n: { n8nNodesApiVersion: 1, strict: true }, peerDependencies: { 'n8n-workflow': '*' } });
		expect(m.keywords).toContain('n8n-community-node-package');
		expect([m.n8n.credentials.length, m.n8n.nodes.length]).toEqual([1, 1]);
		expect([m.dependencies, m.devDependencies, m.scripts]).toEqual([undefined, undefined, undefined]);
		expect(m.repository).toEqual({ ...rootPackage.repository, directory: dir });
	}
});

test("README.md's package table names each package, its node type and its credential type as the build makes them", () => {
	const table = packageTable(splitSections(README).sections.get(WHICH_PACKAGE));
	const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
	const expected = Object.fromEntries(
		PROVIDERS.map((p) => [
			p.title,
			{
				packageName: p.packageName,
				nodeType: `${p.packageName}.${lowerFirst(path.basename(p.node, '.node.js'))}`,
				credType: lowerFirst(path.basename(p.credential, '.credentials.js')),
			},
		]),
	);
	expect(table).toEqual(expected);
	// the file names follow n8n's convention (node/credential class = capitalised name), so these are the real names
	for (const p of PROVIDERS) expect(fs.readFileSync(path.join(ROOT, p.credential.replace(/^dist\//, '').replace(/\.js$/, '.ts')), 'utf8')).toContain(`name = '${expected[p.title].credType}'`);
});

describe.each(PROVIDERS)('README of $packageName', (provider) => {
	const readme = providerReadme(README, rootPackage, provider, PROVIDERS);
	const others = PROVIDERS.filter((p) => p !== provider);

	test('names no other provider', () => {
		const named = others.filter((o) => mentions(o.stem).test(readme)).map((o) => o.stem);
		expect(named).toEqual([]);
	});

	test("has its install steps, the side-by-side warning, its credential section and its operations and error rows", () => {
		expect(readme.startsWith(`# ${provider.packageName}\n`)).toBe(true);
		expect(readme).toContain(`npm install ${provider.packageName}`);
		expect(readme).toMatch(/\*\*Never side by side\.\*\*[^]*n8n-nodes-token-auth/);
		const lowerFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
		expect(readme).toContain(`\`${lowerFirst(path.basename(provider.credential, '.credentials.js'))}\` in both`);
		expect(readme).toContain(`### ${provider.title} (\``);
		const rows = readme.split('\n').filter((l) => l.startsWith(`| ${provider.title} |`));
		expect(rows.length).toBe(2); // Operations and Errors (per provider) tables
		expect(readme).toContain('**Custom API Call → Make a Request**');
	});

	test('every link works outside the repository: absolute, or an anchor of this README', () => {
		const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')));
		const broken = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^https:\/\//.test(t) && !(t.startsWith('#') && anchors.has(t.slice(1))));
		expect(broken).toEqual([]);
	});
});

test('a README section the cut depends on going missing is an error, not a silently shorter README', () => {
	const without = README.replace(/^## Operations$/m, '## Operations (renamed)');
	expect(() => providerReadme(without, rootPackage, PROVIDERS[0], PROVIDERS)).toThrow(/Operations/);
});
