'use strict';

/**
 * Minimal HS256 JSON Web Tokens for the provider sandbox (Node's crypto only).
 *
 * The sandbox servers sign with one fixed, published secret. That is deliberate: tests may
 * forge tokens with it, yet a forged token is still refused by the servers because each server
 * also keeps a registry of the tokens it issued (see TokenRegistry in server.js).
 */

const crypto = require('crypto');

/** The sandbox signing secret. Never a real secret: the sandbox is a test fixture. */
const SANDBOX_JWT_SECRET = 'n8n-nodes-token-auth-sandbox-secret';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * @param {string | Buffer} value
 * @returns {string}
 */
function base64url(value) {
	return Buffer.from(value).toString('base64url');
}

/**
 * @param {string} data
 * @param {string} secret
 * @returns {string}
 */
function hmac(data, secret) {
	return crypto.createHmac('sha256', secret).update(data).digest('base64url');
}

/**
 * Sign a payload as an HS256 JWT.
 * @param {Record<string, unknown>} payload
 * @param {string} [secret]
 * @returns {string}
 */
function sign(payload, secret = SANDBOX_JWT_SECRET) {
	const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const body = base64url(JSON.stringify(payload));
	return `${header}.${body}.${hmac(`${header}.${body}`, secret)}`;
}

/**
 * Decode a JWT without checking its signature.
 * @param {string} token
 * @returns {{ header: Record<string, unknown>, payload: Record<string, unknown> } | null}
 */
function decode(token) {
	if (typeof token !== 'string') return null;
	const parts = token.split('.');
	if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return null;
	try {
		const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
		const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return null;
		return { header, payload };
	} catch {
		return null;
	}
}

/**
 * @typedef {{ valid: true, payload: Record<string, unknown> }
 *   | { valid: false, reason: 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not-yet-valid' }} VerifyResult
 */

/**
 * Verify an HS256 JWT: structure, algorithm, signature, `exp` and `nbf` (seconds).
 * @param {string} token
 * @param {string} [secret]
 * @param {number} [nowMs]
 * @returns {VerifyResult}
 */
function verify(token, secret = SANDBOX_JWT_SECRET, nowMs = Date.now()) {
	const decoded = decode(token);
	if (!decoded) return { valid: false, reason: 'malformed' };
	if (decoded.header.alg !== 'HS256') return { valid: false, reason: 'algorithm' };
	const [header, body, signature] = token.split('.');
	const expected = Buffer.from(hmac(`${header}.${body}`, secret));
	const actual = Buffer.from(signature);
	if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) {
		return { valid: false, reason: 'signature' };
	}
	const { exp, nbf } = decoded.payload;
	if (typeof exp === 'number' && nowMs >= exp * 1000) return { valid: false, reason: 'expired' };
	if (typeof nbf === 'number' && nowMs < nbf * 1000) return { valid: false, reason: 'not-yet-valid' };
	return { valid: true, payload: decoded.payload };
}

module.exports = { SANDBOX_JWT_SECRET, sign, verify, decode };
