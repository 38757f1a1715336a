'use strict';
/**
 * Secrets scan: everything the suites recorded (test-output/artifacts/**, including n8n's log
 * output recorded there, plus any *.log under test-output) must not contain a configured password,
 * company ID or the EdgeIQ API token anywhere, nor a token the sandbox issued, except tokens in
 * artifacts marked `.token-output` (output of an operation whose purpose is to return a token).
 *
 *   const { scan, collectSecrets } = require('./scanner');
 *   const findings = scan({ roots: [dir], secrets: collectSecrets(dir) });
 *
 * The issued tokens come from `<suite>/issued-tokens.json` files the suites write
 * ({ tokens: [...] }); those files themselves are not scanned.
 */
const fs = require('node:fs');
const path = require('node:path');

const ISSUED_FILE = 'issued-tokens.json';

function walk(dir, out = []) {
	if (!fs.existsSync(dir)) return out;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(full, out);
		else out.push(full);
	}
	return out;
}

/** Passwords and company IDs (never allowed anywhere) and the seeded EdgeIQ API token. */
function configuredSecrets(ACCOUNTS) {
	const always = [];
	const tokens = [];
	const visit = (value, key) => {
		if (value && typeof value === 'object') {
			for (const [k, v] of Object.entries(value)) visit(v, k);
			return;
		}
		if (typeof value !== 'string' || value.length < 6) return;
		if (/password|companyId/i.test(key)) always.push({ kind: key, value });
		else if (/token/i.test(key)) tokens.push({ kind: key, value });
	};
	visit(ACCOUNTS, '');
	return { always, tokens };
}

/** Every token listed in an issued-tokens.json under `root`. */
function issuedTokens(root) {
	const tokens = new Set();
	for (const file of walk(root)) {
		if (path.basename(file) !== ISSUED_FILE) continue;
		try {
			for (const t of JSON.parse(fs.readFileSync(file, 'utf8')).tokens || []) if (typeof t === 'string' && t.length >= 16) tokens.add(t);
		} catch {
			/* a broken list adds nothing */
		}
	}
	return [...tokens].map((value) => ({ kind: 'issued token', value }));
}

function collectSecrets(root, ACCOUNTS = require('../sandbox').ACCOUNTS) {
	const { always, tokens } = configuredSecrets(ACCOUNTS);
	return { always, tokens: [...tokens, ...issuedTokens(root)] };
}

/** Text forms a secret can take inside a JSON file or a log: as is, and JSON-escaped. */
function forms(value) {
	const escaped = JSON.stringify(value).slice(1, -1);
	return escaped === value ? [value] : [value, escaped];
}

/**
 * @param {{ roots: string[], secrets: { always: {kind,value}[], tokens: {kind,value}[] }, include?: (file) => boolean }} options
 * @returns {{ files: number, findings: { file: string, kind: string, preview: string }[] }}
 */
function scan({ roots, secrets, include = (file) => /\.(json|log|txt)$/.test(file) }) {
	const findings = [];
	let files = 0;
	for (const root of roots) {
		for (const file of walk(root)) {
			if (path.basename(file) === ISSUED_FILE || !include(file)) continue;
			files += 1;
			const text = fs.readFileSync(file, 'utf8');
			const tokenOutput = /\.token-output\.json$/.test(file);
			const check = [...secrets.always, ...(tokenOutput ? [] : secrets.tokens)];
			for (const { kind, value } of check) {
				if (forms(value).some((form) => text.includes(form))) {
					findings.push({ file, kind, preview: `${value.slice(0, 4)}…(${value.length} chars)` });
				}
			}
		}
	}
	return { files, findings };
}

module.exports = { scan, collectSecrets, configuredSecrets, issuedTokens, walk, ISSUED_FILE };
