'use strict';
/**
 * Ecosystem checks on the PACKED tarballs (what npm and n8n's community-package installer get):
 * the all-in-one n8n-nodes-token-auth and the five single-provider packages of `npm run pack:all`.
 *
 * n8n's scanner: `npx @n8n/scan-community-package` downloads the published package from npm (it
 * needs the package on the registry with provenance), so it cannot run here as a CLI. Its
 * analyser runs instead (lib/communityScan.mjs), on both things the real scan lints: the source
 * folder it would find for the package name in this repository, and the unpacked tarball.
 *
 * Besides, this lints each unpacked tarball with the rule sets `n8n-node lint` uses
 * (@n8n/node-cli's eslint config), which on dist/ go further than the scanner's tarball leg:
 * `@n8n/eslint-plugin-community-nodes` recommended (on dist/**\/*.js and package.json) plus
 * `eslint-plugin-n8n-nodes-base`'s community rules (package.json), credentials rules (dist/credentials)
 * and nodes rules (dist/nodes), with the same rules switched off as node-cli does, plus four
 * n8n-nodes-base rules that only make sense on the .ts sources and misfire on tsc's output
 * (measured: node-filename-against-convention wants *.node.ts; the two *-unsuffixed-trigger-node
 * rules flag every compiled node class; node-param-default-missing flags `default: exports.X`).
 * `npm run lint` lints the .ts sources with the full node-cli config (scripts/test.js runs it).
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const n8n = require('./lib/n8n');
const kit = require('./lib/e2eKit');

const { PROVIDERS } = require('../../scripts/packages/providers');
const { filesNeeded } = require('../../scripts/packages/closure');
const { providerReadme } = require('../../scripts/packages/readme');

const PACKAGES = kit.packedPackages();
let unpackRoot;
const unpacked = {}; // name → { dir, pkg, files }

function walk(d, base = d) {
	return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name), base) : [path.relative(base, path.join(d, e.name))]));
}

beforeAll(async () => {
	// inside the repo, so the dist files resolve their peer n8n-workflow from the repo's node_modules
	const out = path.join(kit.ROOT, 'test-output', 'e2e');
	await fsp.mkdir(out, { recursive: true });
	unpackRoot = await fsp.mkdtemp(path.join(out, 'unpacked-'));
	for (const { name, tarball } of PACKAGES) {
		const dir = path.join(unpackRoot, name);
		await fsp.mkdir(dir);
		const r = await n8n.runProcess('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], {});
		expect(r.code).toBe(0);
		unpacked[name] = { dir, pkg: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')), files: walk(dir).sort() };
	}
});

afterAll(async () => {
	if (unpackRoot) await fsp.rm(unpackRoot, { recursive: true, force: true });
});

test('six tarballs: the all-in-one and one per provider, sizes recorded', () => {
	expect(PACKAGES.map((p) => p.name)).toEqual([kit.PKG, ...PROVIDERS.map((p) => p.packageName)]);
	const sizes = Object.fromEntries(PACKAGES.map((p) => [p.name, { kB: +(p.bytes / 1024).toFixed(1), files: unpacked[p.name].files.length }]));
	kit.recordArtifact(kit.SUITE, 'package-sizes', sizes);
	console.log(`tarball sizes: ${JSON.stringify(sizes)}`);
	for (const p of PACKAGES.slice(1)) expect(p.bytes).toBeLessThan(PACKAGES[0].bytes);
});

describe.each(PACKAGES)('$name', ({ name, provider: key }) => {
	const provider = PROVIDERS.find((p) => p.key === key);
	let dir;
	let pkg;
	let files;
	beforeAll(() => ({ dir, pkg, files } = unpacked[name]));

	test('no runtime dependencies; n8n-workflow only as a peer; n8n-core never a peer', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.optionalDependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	test('the tarball holds dist/ only (plus package.json, README, LICENCE)', () => {
		const outside = files.filter((f) => !f.startsWith('dist/') && !/^(package\.json|README(\.md)?|LICEN[SC]E(\.md)?)$/i.test(f));
		expect(outside).toEqual([]);
		expect(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
		expect(files.filter((f) => /(^|\/)test\//.test(f))).toEqual([]);
	});

	test('community-package conventions in package.json', () => {
		expect(pkg.name).toMatch(/^n8n-nodes-/);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
		expect(pkg.n8n.nodes).toHaveLength(provider ? 1 : 5);
		expect(pkg.n8n.credentials).toHaveLength(provider ? 1 : 5);
		expect(pkg.repository.url).toMatch(/^https:\/\/github\.com\//);
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		if (provider) expect({ devDependencies: pkg.devDependencies, scripts: pkg.scripts }).toEqual({ devDependencies: undefined, scripts: undefined });
		expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md']));
	});

	test('every node and credential of the n8n block is in the tarball, loads, and its icons exist', () => {
		const icons = (icon, base) => {
			const list = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
			for (const i of list) {
				expect(i).toMatch(/^file:/);
				const p = path.join(base, i.replace(/^file:/, ''));
				expect({ icon: p, exists: fs.existsSync(p) }).toEqual({ icon: p, exists: true });
			}
			return list.length;
		};
		for (const rel of pkg.n8n.credentials) {
			const file = path.join(dir, rel);
			expect(fs.existsSync(file)).toBe(true);
			const mod = require(file);
			const Cls = Object.values(mod)[0];
			const cred = new Cls();
			expect(cred.name).toMatch(/Api$/);
			expect(cred.test).toBeDefined();
			expect(cred.authenticate).toBeDefined();
			icons(cred.icon, path.dirname(file));
		}
		for (const rel of pkg.n8n.nodes) {
			const file = path.join(dir, rel);
			expect(fs.existsSync(file)).toBe(true);
			const Cls = Object.values(require(file))[0];
			const d = new Cls().description;
			expect(d.usableAsTool).toBe(true);
			expect(icons(d.icon, path.dirname(file))).toBeGreaterThan(0);
			expect(fs.existsSync(file.replace(/\.js$/, '.json'))).toBe(true); // codex
		}
	});

	if (key) {
		test('holds exactly what its node and credential need: no other provider, its own README', () => {
			const needed = filesNeeded(dir, [...pkg.n8n.credentials, ...pkg.n8n.nodes]);
			expect(files.filter((f) => f.startsWith('dist/'))).toEqual(needed);
			const others = PROVIDERS.filter((p) => p !== provider);
			const foreign = files.filter((f) => others.some((o) => [o.credential, path.dirname(o.node)].some((x) => f === x || f.startsWith(`${x}/`))));
			expect(foreign).toEqual([]);
			expect(files.some((f) => f.startsWith('dist/nodes/shared/token/'))).toBe(true);
			// the same build: every file is byte for byte the all-in-one package's
			const allInOne = unpacked[kit.PKG].dir;
			const differing = needed.filter((f) => !fs.existsSync(path.join(allInOne, f)) || !fs.readFileSync(path.join(allInOne, f)).equals(fs.readFileSync(path.join(dir, f))));
			expect(differing).toEqual([]);
			const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
			// generated from this checkout's README.md by the same code, not a stale copy
			expect(readme).toBe(providerReadme(fs.readFileSync(path.join(kit.ROOT, 'README.md'), 'utf8'), require('../../package.json'), provider, PROVIDERS));
		});
	}
});

// The plugins are ESM-only: lint in a child Node process (jest runs CommonJS without ESM support).
const LINT_SCRIPT = String.raw`
import { ESLint } from 'eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import base from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';
const dirs = JSON.parse(process.argv[1]);
const recommended = n8nCommunityNodesPlugin.configs.recommended;
const { ignores, ...rec } = recommended;
const reports = [];
for (const dir of dirs) {
const eslint = new ESLint({
	cwd: dir,
	overrideConfigFile: true,
	overrideConfig: [
		{ files: ['dist/**/*.js'], ...rec, languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 } },
		{ plugins: { 'n8n-nodes-base': base } },
		{
			files: ['package.json'],
			...rec,
			rules: { ...rec.rules, ...base.configs.community.rules },
			languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		},
		{
			files: ['dist/credentials/**/*.js'],
			rules: { ...base.configs.credentials.rules, 'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off', 'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off' },
		},
		{
			files: ['dist/nodes/**/*.js'],
			rules: {
				...base.configs.nodes.rules,
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
				// written for the .ts sources; on tsc's output they misfire (see the header comment)
				'n8n-nodes-base/node-filename-against-convention': 'off',
				'n8n-nodes-base/node-class-description-display-name-unsuffixed-trigger-node': 'off',
				'n8n-nodes-base/node-class-description-name-unsuffixed-trigger-node': 'off',
				'n8n-nodes-base/node-param-default-missing': 'off',
			},
		},
	],
});
const results = await eslint.lintFiles(['dist/**/*.js', 'package.json']);
const problems = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => r.filePath.slice(dir.length + 1) + ':' + m.line + ' ' + m.ruleId + ': ' + m.message));
const rules = new Set();
for (const c of [rec, base.configs.community, base.configs.credentials, base.configs.nodes]) for (const r of Object.keys(c.rules)) rules.add(r);
reports.push({ dir, linted: results.map((r) => r.filePath.slice(dir.length + 1)), rules: rules.size, problems });
}
console.log(JSON.stringify(reports));
`;

test('n8n-node lint rule sets on every unpacked tarball (dist JS + package.json): 0 errors', async () => {
	const dirs = PACKAGES.map((p) => unpacked[p.name].dir);
	const r = await n8n.runProcess(process.execPath, ['--input-type=module', '-e', LINT_SCRIPT, JSON.stringify(dirs)], { cwd: kit.ROOT, env: process.env, timeoutMs: 300_000 });
	expect({ code: r.code, stderr: r.stderr.slice(-3000) }).toEqual({ code: 0, stderr: expect.any(String) });
	const reports = JSON.parse(r.stdout.trim().split('\n').pop());
	kit.recordArtifact(kit.SUITE, 'package-lint', reports);
	expect(reports).toHaveLength(PACKAGES.length);
	for (const report of reports) {
		expect(report.rules).toBeGreaterThan(50);
		expect(report.linted).toContain('package.json');
		expect(report.linted.filter((f) => f.startsWith('dist/')).length).toBeGreaterThan(10);
		expect({ dir: path.basename(report.dir), problems: report.problems }).toEqual({ dir: path.basename(report.dir), problems: [] });
	}
});

/** This checkout as the scanner would fetch it from the provenance commit: tracked files only (symlinks kept). */
async function sourceSnapshot() {
	const snap = await fsp.mkdtemp(path.join(os.tmpdir(), 'scan-source-'));
	const r = await n8n.runProcess('bash', ['-c', 'git ls-files -z -c -o --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$0"', snap], { cwd: kit.ROOT });
	expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
	return snap;
}

test("n8n's scanner (@n8n/scan-community-package analyser) on every package: source leg and tarball leg, 0 errors; warnings printed", async () => {
	const repo = await sourceSnapshot();
	try {
		const rt = await n8n.ensureN8n(); // the scanner wants Node >= 24, as n8n itself
		const input = { repo, packages: PACKAGES.map((p) => ({ name: p.name, dir: unpacked[p.name].dir })) };
		const script = path.join(__dirname, 'lib', 'communityScan.mjs');
		// not jest's NODE_ENV=test: under it eslint-plugin-n8n-nodes-base calls every file "Test.node.ts"
		const { NODE_ENV, ...env } = process.env;
		const r = await n8n.runProcess(rt.nodeBin, [script, JSON.stringify(input)], { cwd: kit.ROOT, env, timeoutMs: 300_000 });
		expect({ code: r.code, stderr: r.stderr.slice(-3000) }).toEqual({ code: 0, stderr: expect.any(String) });
		const report = JSON.parse(r.stdout.trim().split('\n').pop());
		kit.recordArtifact(kit.SUITE, 'community-scan', report);
		const summary = report.map((p) => ({
			name: p.name,
			sourceRoot: p.source.root,
			source: p.source.root && `${p.source.files} files, ${p.source.errors.length} errors, ${p.source.warnings.length} warnings`,
			tarball: `${p.tarball.files} files, ${p.tarball.errors.length} errors, ${p.tarball.warnings.length} warnings`,
		}));
		const warnings = report.flatMap((p) => [...(p.source.warnings ?? []).map((w) => `${p.name} (source) ${w}`), ...p.tarball.warnings.map((w) => `${p.name} (tarball) ${w}`)]);
		console.log(`scanner: ${JSON.stringify(summary, null, 1)}\nscanner warnings (${warnings.length}):\n${warnings.join('\n')}`);
		expect(report.map((p) => p.name)).toEqual(PACKAGES.map((p) => p.name));
		for (const p of report) {
			// the real scan fails when it cannot find the package in the attested source
			expect({ name: p.name, sourceRoot: p.source.root }).toEqual({ name: p.name, sourceRoot: p.name === kit.PKG ? '.' : `packages/${p.name}` });
			expect({ name: p.name, source: p.source.errors, tarball: p.tarball.errors }).toEqual({ name: p.name, source: [], tarball: [] });
			expect({ name: p.name, passed: [p.source.passed, p.tarball.passed], message: p.source.message ?? p.tarball.message }).toEqual({ name: p.name, passed: [true, true], message: undefined });
			// the provider's real sources were linted, not just its package.json
			expect(p.source.files).toBeGreaterThan(10);
			expect(p.tarball.files).toBeGreaterThan(10);
		}
	} finally {
		await fsp.rm(repo, { recursive: true, force: true });
	}
});
