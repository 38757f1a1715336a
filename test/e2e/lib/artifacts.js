'use strict';
/**
 * Everything the test runs produce that a user could see — node outputs, error messages, n8n's
 * execution JSON, n8n's log output — is recorded here, so the secrets scan (test/secrets) can
 * check that no password, company ID or token leaked where it must not.
 *
 * recordArtifact(name, content, { tokenOutput }) writes test-output/artifacts/<suite>/<name>.json
 * `tokenOutput: true` marks output of an operation whose purpose is to return a token (the scan
 * then allows tokens, but never passwords or company IDs, in it).
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..', 'test-output', 'artifacts');

function safeName(name) {
	return String(name).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
}

function recordArtifact(suite, name, content, { tokenOutput = false } = {}) {
	const dir = path.join(ROOT, safeName(suite));
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${safeName(name)}${tokenOutput ? '.token-output' : ''}.json`);
	const text = typeof content === 'string' ? JSON.stringify({ text: content }) : JSON.stringify(content, replacer(), 2);
	fs.writeFileSync(file, text);
	return file;
}

/** Errors are recorded with their message, description and cause chain (JSON.stringify drops them). */
function replacer() {
	const seen = new WeakSet();
	return (_key, value) => {
		if (value instanceof Error) {
			return { name: value.name, message: value.message, description: value.description, cause: value.cause, context: value.context };
		}
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
		}
		return value;
	};
}

function artifactsRoot() {
	return ROOT;
}

module.exports = { recordArtifact, artifactsRoot };
