'use strict';
/**
 * The scanner's self-test: planted secrets in a temp dir are caught. The scan of the real
 * artifacts is artifacts.scan.js, run by test/secrets/jest.config.js after the other suites.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { scan, collectSecrets } = require('./scanner');
const { ACCOUNTS } = require('../sandbox');

describe('scanner self-test (planted secrets in a temp dir)', () => {
	let dir;
	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-scan-'));
		fs.mkdirSync(path.join(dir, 'suite'));
		fs.writeFileSync(path.join(dir, 'suite', 'issued-tokens.json'), JSON.stringify({ tokens: ['tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ'] }));
		fs.writeFileSync(path.join(dir, 'suite', 'clean.json'), JSON.stringify({ message: 'Elevate IQ refused the login (401 Unauthorized)' }));
		fs.writeFileSync(path.join(dir, 'suite', 'leaky-password.json'), JSON.stringify({ error: `bad ${ACCOUNTS.eConnect.password}` }));
		fs.writeFileSync(path.join(dir, 'suite', 'leaky-company.log'), `login companyId=${ACCOUNTS.elyssa.companyId}\n`);
		fs.writeFileSync(path.join(dir, 'suite', 'leaky-token.json'), JSON.stringify({ headers: { authorization: 'Bearer tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ' } }));
		fs.writeFileSync(path.join(dir, 'suite', 'login.token-output.json'), JSON.stringify({ token: 'tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ' }));
		fs.writeFileSync(path.join(dir, 'suite', 'pw-in-token-output.token-output.json'), JSON.stringify({ p: ACCOUNTS.edgeIq.password }));
		fs.writeFileSync(path.join(dir, 'suite', 'api-token.json'), JSON.stringify({ text: `"${ACCOUNTS.edgeIq.apiToken}"` }));
	});
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	test('catches passwords, company IDs and tokens; allows tokens only in .token-output files', () => {
		const { files, findings } = scan({ roots: [dir], secrets: collectSecrets(dir) });
		const flagged = findings.map((f) => path.basename(f.file)).sort();
		expect(files).toBe(7); // issued-tokens.json itself is not scanned
		expect(flagged).toEqual(['api-token.json', 'leaky-company.log', 'leaky-password.json', 'leaky-token.json', 'pw-in-token-output.token-output.json']);
	});

	test('the issued token list and the configured secrets are really loaded', () => {
		const secrets = collectSecrets(dir);
		expect(secrets.tokens.map((t) => t.value)).toEqual(expect.arrayContaining(['tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ', ACCOUNTS.edgeIq.apiToken]));
		expect(secrets.always.map((s) => s.value)).toEqual(
			expect.arrayContaining([ACCOUNTS.elevateIq.password, ACCOUNTS.elyssa.companyId, ACCOUNTS.edgeIq.password, ACCOUNTS.intelePeer.password, ACCOUNTS.eConnect.password]),
		);
	});

	test('a short configured secret is caught where it stands as a word, not inside another word', () => {
		const short = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-scan-short-'));
		try {
			fs.writeFileSync(path.join(short, 'extra-secrets.json'), JSON.stringify({ always: ['Zq7'] }));
			fs.writeFileSync(path.join(short, 'echoed.json'), JSON.stringify({ message: 'Unknown company Zq7' }));
			fs.writeFileSync(path.join(short, 'quoted.json'), JSON.stringify({ companyId: 'Zq7' }));
			fs.writeFileSync(path.join(short, 'coincidence.json'), JSON.stringify({ id: 'aZq7b' }));
			const { findings } = scan({ roots: [short], secrets: collectSecrets(short) });
			expect(findings.map((f) => path.basename(f.file)).sort()).toEqual(['echoed.json', 'quoted.json']);
		} finally {
			fs.rmSync(short, { recursive: true, force: true });
		}
	});
});
