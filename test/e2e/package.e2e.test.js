'use strict';
/**
 * Ecosystem checks on the PACKED tarball (what npm and n8n's community-package installer get).
 *
 * The real `npx @n8n/scan-community-package` downloads the published package from npm (it needs
 * the package on the registry with provenance), so it cannot run here. Instead this lints the
 * unpacked tarball with the same rule sets `n8n-node lint` uses (@n8n/node-cli's eslint config):
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
const path = require('node:path');
const n8n = require('./lib/n8n');
const kit = require('./lib/e2eKit');

let dir;
let pkg;
let files;

function walk(d, base = d) {
	return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name), base) : [path.relative(base, path.join(d, e.name))]));
}

beforeAll(async () => {
	// inside the repo, so the dist files resolve their peer n8n-workflow from the repo's node_modules
	const base = path.join(kit.ROOT, 'test-output', 'e2e');
	await fsp.mkdir(base, { recursive: true });
	dir = await fsp.mkdtemp(path.join(base, 'unpacked-'));
	const r = await n8n.runProcess('tar', ['-xzf', kit.tarballPath(), '-C', dir, '--strip-components=1'], {});
	expect(r.code).toBe(0);
	pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	files = walk(dir).sort();
});

afterAll(async () => {
	if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

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
	expect(pkg.n8n.nodes).toHaveLength(5);
	expect(pkg.n8n.credentials).toHaveLength(5);
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

// The plugins are ESM-only: lint in a child Node process (jest runs CommonJS without ESM support).
const LINT_SCRIPT = String.raw`
import { ESLint } from 'eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import base from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';
const dir = process.argv[1];
const recommended = n8nCommunityNodesPlugin.configs.recommended;
const { ignores, ...rec } = recommended;
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
console.log(JSON.stringify({ linted: results.map((r) => r.filePath.slice(dir.length + 1)), rules: rules.size, problems }));
`;

test('n8n-node lint rule sets on the unpacked tarball (dist JS + package.json): 0 errors', async () => {
	const r = await n8n.runProcess(process.execPath, ['--input-type=module', '-e', LINT_SCRIPT, dir], { cwd: kit.ROOT, env: process.env, timeoutMs: 180_000 });
	expect({ code: r.code, stderr: r.stderr.slice(-3000) }).toEqual({ code: 0, stderr: expect.any(String) });
	const report = JSON.parse(r.stdout.trim().split('\n').pop());
	kit.recordArtifact(kit.SUITE, 'package-lint', report);
	expect(report.rules).toBeGreaterThan(50);
	expect(report.linted).toContain('package.json');
	expect(report.linted.filter((f) => f.startsWith('dist/')).length).toBeGreaterThan(10);
	expect(report.problems).toEqual([]);
});
