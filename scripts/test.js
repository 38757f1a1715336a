#!/usr/bin/env node
'use strict';
/**
 * `npm test`: every check a change must pass, in the order a failure is cheapest to see.
 * lint → build → jest (unit, engine, sandbox) → end-to-end in a real n8n (jest, run in band) →
 * secrets scan of everything those runs produced (outputs, errors, n8n's execution JSON and logs).
 * Ends with one line "N passed, N failed" summing every test that ran.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'test-output');
// Artifacts are this run's alone: the secrets scan reads them.
fs.rmSync(path.join(out, 'artifacts'), { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const only = process.argv.includes('--fast') ? 'fast' : 'all';

function run(title, command, args) {
	console.log(`\n=== ${title}: ${command} ${args.join(' ')}`);
	const started = Date.now();
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
	console.log(`=== ${title}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return result.status === 0;
}

function jestCounts(file) {
	try {
		const report = JSON.parse(fs.readFileSync(file, 'utf8'));
		return { passed: report.numPassedTests, failed: report.numFailedTests + report.numRuntimeErrorTestSuites };
	} catch {
		return { passed: 0, failed: 1 };
	}
}

const jestBin = path.join(root, 'node_modules', '.bin', 'jest');
const totals = { passed: 0, failed: 0 };
let ok = run('lint', path.join(root, 'node_modules', '.bin', 'eslint'), ['.']);
if (!ok) totals.failed += 1;
const built = run('build', 'npm', ['run', 'build']);
if (!built) totals.failed += 1;
ok = ok && built;

if (built) {
	const fastReport = path.join(out, 'jest-fast.json');
	fs.rmSync(fastReport, { force: true });
	run('unit, engine and sandbox tests', jestBin, ['--json', `--outputFile=${fastReport}`]);
	const fast = jestCounts(fastReport);
	totals.passed += fast.passed;
	totals.failed += fast.failed;

	if (only === 'all') {
		const e2eReport = path.join(out, 'jest-e2e.json');
		fs.rmSync(e2eReport, { force: true });
		run('end-to-end tests in a real n8n', jestBin, ['-c', 'test/e2e/jest.config.js', '--runInBand', '--json', `--outputFile=${e2eReport}`]);
		const e2e = jestCounts(e2eReport);
		totals.passed += e2e.passed;
		totals.failed += e2e.failed;

		const secretsReport = path.join(out, 'jest-secrets.json');
		fs.rmSync(secretsReport, { force: true });
		run('secrets scan', jestBin, ['-c', 'test/secrets/jest.config.js', '--runInBand', '--json', `--outputFile=${secretsReport}`]);
		const secrets = jestCounts(secretsReport);
		totals.passed += secrets.passed;
		totals.failed += secrets.failed;
	}
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 && ok ? 0 : 1);
