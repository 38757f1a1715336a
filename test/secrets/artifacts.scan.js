'use strict';
/**
 * No configured password, company ID or token in anything this run's suites produced (see
 * scanner.js). Runs last: npx jest -c test/secrets/jest.config.js (after the engine and e2e suites).
 */
const fs = require('node:fs');
const path = require('node:path');
const { scan, collectSecrets } = require('./scanner');

const OUTPUT = path.resolve(__dirname, '..', '..', 'test-output');
const ARTIFACTS = path.join(OUTPUT, 'artifacts');

describe('artifacts of this run (test-output/**)', () => {
	test('there are artifacts and issued-token lists to scan', () => {
		expect(fs.existsSync(ARTIFACTS)).toBe(true);
		expect(collectSecrets(ARTIFACTS).tokens.length).toBeGreaterThan(1);
	});

	test('no password, company ID or token outside token-output artifacts (n8n logs included)', () => {
		const secrets = collectSecrets(ARTIFACTS);
		// Artifacts plus any n8n log file a suite left under test-output (e.g. e2e homes' n8n.log).
		const { files, findings } = scan({ roots: [OUTPUT], secrets, include: (f) => f.startsWith(ARTIFACTS) ? /\.json$/.test(f) : /\.log$/.test(f) });
		console.log(`secrets scan: ${files} files, ${secrets.always.length} passwords/company IDs, ${secrets.tokens.length} tokens, ${findings.length} findings`);
		expect(files).toBeGreaterThan(0);
		expect(findings.map((f) => `${path.relative(OUTPUT, f.file)}: ${f.kind} ${f.preview}`)).toEqual([]);
	});
});
