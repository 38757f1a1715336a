#!/usr/bin/env node
'use strict';
/*
 * `npm run release`, as n8n's starter has it (n8n requires community packages to be published
 * from CI with npm provenance), extended to the several tarballs this repository ships.
 *
 *  - On a machine (no GITHUB_ACTIONS): release-it as `n8n-node release` runs it (lint, build,
 *    bump the version, commit, tag, push; no npm publish: pushing the tag starts
 *    .github/workflows/publish.yml), except for the changelog: n8n-node regenerates CHANGELOG.md
 *    from commit subjects (auto-changelog), ours is written by hand, so after the bump its
 *    "## Unreleased" section becomes "## <version> (<date>)" (`--changelog <version>`; refuses an
 *    empty section).
 *  - In GitHub Actions (publish.yml): lint, build, `npm run pack:all` (writes the all-in-one and
 *    the per-provider tarballs to build/packages/*.tgz), then `npm publish <tarball>
 *    --provenance --access public` for EVERY tarball found there.
 *  - `--dry-run` (anywhere): the CI path with `npm publish --dry-run` (no provenance, nothing
 *    published): shows what a tag would publish.
 *
 * Why not `n8n-node release` in CI too: it publishes the repository folder only (one package).
 * Why the guard is publishConfig.provenance and not only prepublishOnly: .npmrc has
 * ignore-scripts=true (see there), so `npm publish` by hand skips prepublishOnly (`n8n-node
 * prerelease`); with provenance required, a publish outside GitHub Actions fails instead.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PACKAGES = path.join(ROOT, 'build', 'packages');
const dryRun = process.argv.includes('--dry-run');
const inCi = Boolean(process.env.GITHUB_ACTIONS);

function run(cmd, args, env = {}) {
	console.log(`\n[release] ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
	if (r.status !== 0) {
		console.error(`[release] ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
		process.exit(r.status || 1);
	}
}

function tarballs() {
	const found = fs.existsSync(PACKAGES) ? fs.readdirSync(PACKAGES).filter((f) => f.endsWith('.tgz')).sort() : [];
	return found.map((f) => path.join(PACKAGES, f));
}

/** CHANGELOG.md: "## Unreleased" → "## <version> (<date>)", with a fresh empty Unreleased above. */
function promoteChangelog(version) {
	const file = path.join(ROOT, 'CHANGELOG.md');
	const text = fs.readFileSync(file, 'utf8');
	const m = /^## Unreleased\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text);
	if (!m || !m[1].trim()) {
		console.error('[release] CHANGELOG.md has no "## Unreleased" section with entries: write them first');
		process.exit(1);
	}
	const date = new Date().toISOString().slice(0, 10);
	fs.writeFileSync(file, text.replace(m[0], `## Unreleased\n\n## ${version} (${date})\n${m[1]}`));
	console.log(`[release] CHANGELOG.md: Unreleased is now ${version} (${date})`);
}

const changelogAt = process.argv.indexOf('--changelog');
if (changelogAt >= 0) {
	promoteChangelog(process.argv[changelogAt + 1]);
	process.exit(0);
}

if (!inCi && !dryRun) {
	// the flags `n8n-node release` gives release-it (@n8n/node-cli 0.48), with our changelog step
	run(path.join(ROOT, 'node_modules', '.bin', 'release-it'), [
		'-n',
		'--git.requireBranch=main',
		'--git.requireCleanWorkingDir',
		'--git.requireUpstream',
		'--git.requireCommits',
		'--git.commit',
		'--git.tag',
		'--git.push',
		'--github.release',
		'--hooks.before:init=npm run lint && npm run build',
		'--hooks.after:bump=node scripts/release.js --changelog ${version}',
		'--npm.publish=false',
	], { RELEASE_MODE: 'true' });
	process.exit(0);
}

run('npm', ['run', 'lint']);
run('npm', ['run', 'build']);
fs.rmSync(PACKAGES, { recursive: true, force: true });
run('npm', ['run', 'pack:all']);
const files = tarballs();
if (files.length === 0) {
	console.error(`[release] npm run pack:all wrote no tarball to ${path.relative(ROOT, PACKAGES)}/`);
	process.exit(1);
}
console.log(`[release] ${dryRun ? 'would publish' : 'publishing'} ${files.length} tarball(s):\n  ${files.map((f) => path.relative(ROOT, f)).join('\n  ')}`);
for (const file of files) {
	const args = ['publish', file, '--access', 'public', ...(dryRun ? ['--dry-run', '--provenance=false'] : ['--provenance'])];
	// RELEASE_MODE: what `n8n-node prerelease` (prepublishOnly) checks, should scripts ever run
	run('npm', args, { RELEASE_MODE: 'true' });
}
