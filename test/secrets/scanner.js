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
const EXTRA_FILE = 'extra-secrets.json';

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

/**
 * Secrets a suite configured itself (e.g. a 3-character company ID that a provider echoes back),
 * listed in `<suite>/extra-secrets.json` files: { always: [...] }.
 */
function extraSecrets(root) {
	const always = [];
	for (const file of walk(root)) {
		if (path.basename(file) !== EXTRA_FILE) continue;
		try {
			for (const value of JSON.parse(fs.readFileSync(file, 'utf8')).always || []) {
				if (typeof value === 'string' && value !== '') always.push({ kind: 'configured secret', value });
			}
		} catch {
			/* a broken list adds nothing */
		}
	}
	return always;
}

function collectSecrets(root, ACCOUNTS = require('../sandbox').ACCOUNTS) {
	const { always, tokens } = configuredSecrets(ACCOUNTS);
	return { always: [...always, ...extraSecrets(root)], tokens: [...tokens, ...issuedTokens(root)] };
}

// A short secret counts where it stands as a word of its own: inside a longer word it is a
// coincidence ("Zq7" in "aZq7b"), next to punctuation or spaces it is the secret.
const SHORT = 6;

function occurs(text, value) {
	if (value.length >= SHORT) return forms(value).some((form) => text.includes(form));
	const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`(^|[^A-Za-z0-9])${escaped}(?![A-Za-z0-9])`).test(text);
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
			if (path.basename(file) === ISSUED_FILE || path.basename(file) === EXTRA_FILE || !include(file)) continue;
			files += 1;
			const text = fs.readFileSync(file, 'utf8');
			const tokenOutput = /\.token-output\.json$/.test(file);
			const check = [...secrets.always, ...(tokenOutput ? [] : secrets.tokens)];
			for (const { kind, value } of check) {
				if (occurs(text, value)) {
					findings.push({ file, kind, preview: `${value.slice(0, 4)}…(${value.length} chars)` });
				}
			}
		}
	}
	return { files, findings };
}

module.exports = { scan, collectSecrets, configuredSecrets, issuedTokens, extraSecrets, walk, ISSUED_FILE, EXTRA_FILE };
