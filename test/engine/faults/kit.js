'use strict';

/**
 * Shared pieces of the fault and bad-input engine suites (not a test file).
 *
 *   PROVIDERS                 per provider: sandbox key, credential type, node type, good credential,
 *                             how a refused login looks, which status means "token refused"
 *   TokenCollector            remembers every token the sandbox issued or a credential stored, and
 *                             dumps them to test-output/artifacts/<suite>/issued-tokens.json for the
 *                             secrets scan (test/secrets)
 *   record(suite, name, x)    recordArtifact with node errors flattened to what a user sees
 *   echoCall(extra)           Custom API Call parameters for GET /echo (exists on every sandbox)
 */

const fs = require('fs');
const path = require('path');
const { recordArtifact, artifactsRoot } = require('../../e2e/lib/artifacts');
const { describeError } = require('../harness');
const { customCall } = require('../providerTestKit');

/** @param {() => import('../../sandbox').Sandbox} getSandbox  (called lazily: test names are built before the sandbox starts) */
function providers(getSandbox, ACCOUNTS) {
	const sandbox = new Proxy({}, { get: (_t, k) => getSandbox()[k] });
	return [
		{
			key: 'elevateIq',
			provider: 'Elevate IQ',
			credType: 'elevateIqApi',
			nodeType: 'elevateIq',
			rejectStatus: 401,
			credential: (o = {}) => ({
				baseUrl: sandbox.elevateIq.baseUrl,
				authMode: 'credentials',
				username: ACCOUNTS.elevateIq.username,
				password: ACCOUNTS.elevateIq.password,
				...o,
			}),
			wrongLogin: { password: 'wrong-password-x1' },
			loginRefusal: { status: 401, fix: /API Username and API Password/ },
			secrets: [ACCOUNTS.elevateIq.password],
		},
		{
			key: 'elyssa',
			provider: 'Elyssa',
			credType: 'elyssaApi',
			nodeType: 'elyssa',
			rejectStatus: 401,
			credential: (o = {}) => ({ baseUrl: sandbox.elyssa.baseUrl, companyId: ACCOUNTS.elyssa.companyId, ...o }),
			wrongLogin: { companyId: 'no-such-company-0000' },
			loginRefusal: { status: 401, fix: /Company ID/ },
			renew: 'refresh',
			secrets: [ACCOUNTS.elyssa.companyId],
		},
		{
			key: 'edgeIq',
			provider: 'EdgeIQ',
			credType: 'edgeIqApi',
			nodeType: 'edgeIq',
			rejectStatus: 403,
			credential: (o = {}) => ({
				baseUrl: sandbox.edgeIq.baseUrl,
				authMode: 'session',
				email: ACCOUNTS.edgeIq.email,
				password: ACCOUNTS.edgeIq.password,
				...o,
			}),
			wrongLogin: { password: 'wrong-password-x1' },
			loginRefusal: { status: 401, fix: /Email and Password/ },
			secrets: [ACCOUNTS.edgeIq.password],
		},
		{
			key: 'intelePeer',
			provider: 'IntelePeer',
			credType: 'intelePeerApi',
			nodeType: 'intelePeer',
			rejectStatus: 401,
			credential: (o = {}) => ({
				authUrl: sandbox.intelePeer.authUrl,
				baseUrl: sandbox.intelePeer.baseUrl,
				username: ACCOUNTS.intelePeer.username,
				password: ACCOUNTS.intelePeer.password,
				...o,
			}),
			wrongLogin: { password: 'wrong-password-x1' },
			loginRefusal: { status: 401, fix: /Username .*Password/ },
			secrets: [ACCOUNTS.intelePeer.password],
		},
		{
			key: 'eConnect',
			provider: 'eConnect',
			credType: 'eConnectApi',
			nodeType: 'eConnect',
			rejectStatus: 401,
			credential: (o = {}) => ({
				baseUrl: sandbox.eConnect.baseUrl,
				username: ACCOUNTS.eConnect.username,
				password: ACCOUNTS.eConnect.password,
				...o,
			}),
			wrongLogin: { password: 'wrong-password-x1' },
			loginRefusal: { status: 400, fix: /Username or Password is incorrect/ },
			renew: 'renew',
			secrets: [ACCOUNTS.eConnect.password],
		},
	];
}

function echoCall(extra = {}) {
	return customCall('/echo', extra);
}

/** What a user / a log sees of a node error. */
const visibleError = describeError;

/** Records an engine run result: outputs, per-item errors, the thrown error and n8n's recorded copy. */
function recordRun(suite, name, result, extra = {}) {
	return recordArtifact(suite, name, {
		...extra,
		status: result.status,
		items: result.items,
		errors: (result.errors || []).map(visibleError),
		error: visibleError(result.error),
		executionError: result.executionError,
	});
}

const TOKEN_FIELDS = /token|refresh/i;

/** Collects every token issued by the sandbox and every token field stored in engine credentials. */
class TokenCollector {
	constructor(suite) {
		this.suite = suite;
		this.tokens = new Set();
	}

	fromSandbox(sandbox) {
		for (const key of ['elevateIq', 'elyssa', 'edgeIq', 'intelePeer', 'eConnect']) {
			for (const token of sandbox[key].tokensIssued()) this.tokens.add(token);
		}
	}

	fromValues(values) {
		for (const value of values) if (typeof value === 'string' && value.length >= 16) this.tokens.add(value);
	}

	/** Token-ish fields of stored credentials (the sandbox lists only live access tokens; this adds refresh tokens). */
	fromEngine(engine) {
		for (const row of engine.store.rows.values()) {
			const data = JSON.parse(row.data);
			for (const [field, value] of Object.entries(data)) {
				if (TOKEN_FIELDS.test(field) && typeof value === 'string' && value.length >= 16) this.tokens.add(value);
			}
		}
	}

	dump() {
		const dir = path.join(artifactsRoot(), this.suite);
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, 'issued-tokens.json');
		let previous = [];
		try {
			previous = JSON.parse(fs.readFileSync(file, 'utf8')).tokens || [];
		} catch {
			previous = [];
		}
		const tokens = [...new Set([...previous, ...this.tokens])];
		fs.writeFileSync(file, JSON.stringify({ suite: this.suite, tokens }, null, 1));
		return file;
	}
}

module.exports = { providers, echoCall, visibleError, recordRun, recordArtifact, TokenCollector };
