'use strict';

/**
 * Tests of the provider sandbox itself (jest, CommonJS, Node built-ins only).
 * Run: npx jest test/sandbox   (or any jest 29 with --rootDir pointing here)
 */

const http = require('http');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const { startSandbox, ACCOUNTS, FIXED_PORTS, PROVIDER_KEYS } = require('./index');
const jwt = require('./jwt');

jest.setTimeout(20000);

/**
 * @typedef {{ status: number, headers: import('http').IncomingHttpHeaders, text: string, json: any }} Res
 */

/**
 * A tiny HTTP client (no keep-alive unless an agent is given).
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: unknown, agent?: http.Agent | false, timeoutMs?: number }} [options]
 * @returns {Promise<Res>}
 */
function request(url, options = {}) {
	const { method = 'GET', headers = {}, body, agent = false, timeoutMs } = options;
	const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
	/** @type {Record<string, string>} */
	const allHeaders = { accept: 'application/json', ...headers };
	if (payload !== undefined && !Object.keys(allHeaders).some((h) => h.toLowerCase() === 'content-type')) {
		allHeaders['content-type'] = 'application/json';
	}
	return new Promise((resolve, reject) => {
		const req = http.request(url, { method, headers: allHeaders, agent }, (res) => {
			/** @type {Buffer[]} */
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed;
				try {
					parsed = JSON.parse(text);
				} catch {
					parsed = undefined;
				}
				resolve({ status: /** @type {number} */ (res.statusCode), headers: res.headers, text, json: parsed });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		if (timeoutMs) {
			req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
		}
		req.end(payload);
	});
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {string} token */
const bearer = (token) => ({ authorization: `Bearer ${token}` });

/** @type {import('./index').Sandbox} */
let sb;

beforeAll(async () => {
	sb = await startSandbox();
});
afterAll(async () => {
	if (sb) await sb.close();
});
beforeEach(() => {
	sb.resetAll({ state: true });
});

// ----------------------------------------------------------------------------------------------
// Login helpers

/** @param {{ username: string, password: string }} [account] */
async function elevateLogin(account = ACCOUNTS.elevateIq) {
	const res = await request(`${sb.elevateIq.baseUrl}/authenticate`, {
		method: 'POST',
		body: { username: account.username, password: account.password },
	});
	expect(res.status).toBe(200);
	return /** @type {string} */ (res.json.token);
}
async function elyssaLogin() {
	const res = await request(`${sb.elyssa.baseUrl}/auth/login/`, { method: 'POST', body: { companyId: ACCOUNTS.elyssa.companyId } });
	expect(res.status).toBe(200);
	return /** @type {{ accessToken: string, refreshToken: string }} */ (res.json);
}
async function edgeLogin(extra = {}) {
	const res = await request(`${sb.edgeIq.baseUrl}/user/authenticate`, {
		method: 'POST',
		body: { email: ACCOUNTS.edgeIq.email, password: ACCOUNTS.edgeIq.password, ...extra },
	});
	return res;
}
async function intelePeerLogin() {
	const res = await request(sb.intelePeer.authUrl, { method: 'POST', body: ACCOUNTS.intelePeer });
	expect(res.status).toBe(200);
	return /** @type {string} */ (res.json.data);
}
async function eConnectLogin() {
	const res = await request(`${sb.eConnect.baseUrl}/api/v1/authenticate`, { method: 'POST', body: ACCOUNTS.eConnect });
	expect(res.status).toBe(200);
	return /** @type {string} */ (res.json.token);
}

// ----------------------------------------------------------------------------------------------

describe('startSandbox', () => {
	test('exposes the five providers with origin and baseUrl', () => {
		expect(PROVIDER_KEYS).toEqual(['elevateIq', 'elyssa', 'edgeIq', 'intelePeer', 'eConnect']);
		for (const key of PROVIDER_KEYS) {
			expect(sb[key].origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		}
		expect(sb.elevateIq.baseUrl).toBe(`${sb.elevateIq.origin}/v2`);
		expect(sb.elyssa.baseUrl).toBe(sb.elyssa.origin);
		expect(sb.edgeIq.baseUrl).toBe(`${sb.edgeIq.origin}/api/v1/platform`);
		expect(sb.intelePeer.baseUrl).toBe(`${sb.intelePeer.origin}/_rest/v4`);
		expect(sb.intelePeer.authUrl).toBe(`${sb.intelePeer.origin}/_rest/v4/authenticate`);
		expect(sb.eConnect.baseUrl).toBe(`${sb.eConnect.origin}/identities`);
		expect(ACCOUNTS.edgeIq.apiToken).toMatch(/^[0-9a-f]{40}$/);
	});

	test('unknown routes answer 404 {"message":"Not found"} and invalid JSON 400', async () => {
		for (const key of PROVIDER_KEYS) {
			const res = await request(`${sb[key].origin}/nope/nothing`);
			expect(res.status).toBe(404);
			expect(res.headers['content-type']).toBe('application/json');
			expect(res.json).toEqual({ message: 'Not found' });
		}
		const bad = await request(`${sb.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: '{"username": ' });
		expect(bad.status).toBe(400);
		const stats = sb.elevateIq.stats();
		expect(stats.logins).toBe(1);
		expect(stats.loginFailures).toBe(1);
	});
});

describe('Elevate IQ', () => {
	test('login returns an HS256 JWT with exp, iat and sub', async () => {
		const token = await elevateLogin();
		const result = jwt.verify(token);
		expect(result.valid).toBe(true);
		const decoded = /** @type {any} */ (jwt.decode(token));
		expect(decoded.header.alg).toBe('HS256');
		expect(decoded.payload.sub).toBeTruthy();
		expect(decoded.payload.exp - decoded.payload.iat).toBeGreaterThanOrEqual(3600);
		expect(decoded.payload.exp - decoded.payload.iat).toBeLessThanOrEqual(3601);
	});

	test('wrong password → 401 Invalid username or password', async () => {
		const res = await request(`${sb.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: { username: 'elevate-api', password: 'x' } });
		expect(res.status).toBe(401);
		expect(res.json).toEqual({ message: 'Invalid username or password' });
	});

	test('missing, malformed, forged and unknown tokens → 401 Unauthorized', async () => {
		const token = await elevateLogin();
		const forged = jwt.sign({ sub: '1', exp: Math.floor(Date.now() / 1000) + 60 });
		for (const headers of [{}, { authorization: token }, { authorization: `Basic ${token}` }, bearer('abc'), bearer(forged)]) {
			const res = await request(`${sb.elevateIq.baseUrl}/customers`, { headers });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ message: 'Unauthorized' });
		}
		expect(sb.elevateIq.stats().rejected).toBe(5);
	});

	test('users: pagination, create, update', async () => {
		const auth = bearer(await elevateLogin());
		const page1 = await request(`${sb.elevateIq.baseUrl}/users`, { headers: auth });
		expect(page1.status).toBe(200);
		expect(page1.json).toHaveLength(10);
		expect(Object.keys(page1.json[0]).sort()).toEqual(['active', 'email', 'firstName', 'id', 'lastName', 'roleId', 'username']);
		const page3 = await request(`${sb.elevateIq.baseUrl}/users?page=3&pageSize=10`, { headers: auth });
		expect(page3.json).toHaveLength(5);
		const all = await request(`${sb.elevateIq.baseUrl}/users?page=1&pageSize=100`, { headers: auth });
		expect(all.json).toHaveLength(25);
		expect((await request(`${sb.elevateIq.baseUrl}/users?pageSize=101`, { headers: auth })).status).toBe(400);
		expect((await request(`${sb.elevateIq.baseUrl}/users?page=0`, { headers: auth })).status).toBe(400);

		const missing = await request(`${sb.elevateIq.baseUrl}/users`, { method: 'POST', headers: auth, body: { username: 'new-user' } });
		expect(missing.status).toBe(400);
		expect(missing.json.message).toMatch(/email/);
		const created = await request(`${sb.elevateIq.baseUrl}/users`, {
			method: 'POST',
			headers: auth,
			body: { username: 'new-user', email: 'new@example.com', firstName: 'New' },
		});
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({ id: 26, username: 'new-user', email: 'new@example.com', active: true });
		const dup = await request(`${sb.elevateIq.baseUrl}/users`, { method: 'POST', headers: auth, body: { username: 'new-user', email: 'x@example.com' } });
		expect(dup.status).toBe(409);

		const one = await request(`${sb.elevateIq.baseUrl}/users`, { method: 'PATCH', headers: auth, body: { id: 26, lastName: 'Person' } });
		expect(one.status).toBe(200);
		expect(one.json).toMatchObject({ id: 26, lastName: 'Person' });
		const many = await request(`${sb.elevateIq.baseUrl}/users`, {
			method: 'PATCH',
			headers: auth,
			body: [{ id: 5, roleId: 2 }, { id: 6, active: false }],
		});
		expect(many.status).toBe(200);
		expect(many.json).toHaveLength(2);
		expect(many.json[0].roleId).toBe(2);
		const unknown = await request(`${sb.elevateIq.baseUrl}/users`, { method: 'PATCH', headers: auth, body: { id: 999, lastName: 'X' } });
		expect(unknown.status).toBe(404);

		// reset({ state: true }) restores the seed
		sb.elevateIq.reset({ state: true });
		const again = await request(`${sb.elevateIq.baseUrl}/users?pageSize=100`, { headers: bearer(await elevateLogin()) });
		expect(again.json).toHaveLength(25);
	});

	test('roles and customers', async () => {
		const auth = bearer(await elevateLogin());
		const roles = await request(`${sb.elevateIq.baseUrl}/user-roles`, { headers: auth });
		expect(roles.status).toBe(200);
		expect(roles.json).toHaveLength(4);
		expect(Object.keys(roles.json[0]).sort()).toEqual(['id', 'name']);
		const last = await request(`${sb.elevateIq.baseUrl}/customers?page=4&pageSize=10`, { headers: auth });
		expect(last.status).toBe(200);
		expect(last.json).toHaveLength(7);
		expect(last.headers['x-total-count']).toBe('37');
	});

	test('limited account: 403 on /users (not counted as rejected), 200 elsewhere', async () => {
		const auth = bearer(await elevateLogin(ACCOUNTS.elevateIq.limited));
		const users = await request(`${sb.elevateIq.baseUrl}/users`, { headers: auth });
		expect(users.status).toBe(403);
		expect(users.json).toEqual({ message: 'Forbidden: insufficient permissions' });
		expect((await request(`${sb.elevateIq.baseUrl}/users`, { method: 'POST', headers: auth, body: { username: 'a', email: 'b' } })).status).toBe(403);
		expect((await request(`${sb.elevateIq.baseUrl}/customers`, { headers: auth })).status).toBe(200);
		expect(sb.elevateIq.stats().rejected).toBe(0);
	});

	test('inactive account: login succeeds, every call 401', async () => {
		const auth = bearer(await elevateLogin(ACCOUNTS.elevateIq.inactive));
		const res = await request(`${sb.elevateIq.baseUrl}/customers`, { headers: auth });
		expect(res.status).toBe(401);
		expect(sb.elevateIq.stats().rejected).toBe(1);
	});

	test('counters count logins, api calls, rejections and routes', async () => {
		const token = await elevateLogin();
		await request(`${sb.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: { username: 'x', password: 'y' } });
		await request(`${sb.elevateIq.baseUrl}/customers`, { headers: bearer(token) });
		await request(`${sb.elevateIq.baseUrl}/customers`, { headers: bearer('bad') });
		await request(`${sb.elevateIq.baseUrl}/echo`, { method: 'PUT', headers: bearer(token), body: { a: 1 } });
		await request(`${sb.elevateIq.origin}/__sandbox/stats`);
		expect(sb.elevateIq.stats()).toEqual({
			logins: 2,
			loginFailures: 1,
			refreshes: 0,
			refreshFailures: 0,
			apiCalls: 3,
			rejected: 1,
			total: 5,
			byRoute: { 'POST /v2/authenticate': 2, 'GET /v2/customers': 2, 'PUT /v2/echo': 1 },
		});
		sb.elevateIq.reset();
		expect(sb.elevateIq.stats().total).toBe(0);
		// reset() without state keeps tokens
		expect((await request(`${sb.elevateIq.baseUrl}/customers`, { headers: bearer(token) })).status).toBe(200);
	});

	test('echo returns the request without the token', async () => {
		const token = await elevateLogin();
		const res = await request(`${sb.elevateIq.baseUrl}/echo/some/path?x=1&y=a&y=b`, {
			method: 'POST',
			headers: { ...bearer(token), 'x-custom': 'yes' },
			body: { hello: 'world' },
		});
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({
			method: 'POST',
			path: '/v2/echo/some/path',
			query: { x: '1', y: ['a', 'b'] },
			body: { hello: 'world' },
			authScheme: 'Bearer',
		});
		expect(res.json.headers['x-custom']).toBe('yes');
		expect(res.json.headers.authorization).toBeUndefined();
		expect(res.text).not.toContain(token);
		expect(sb.elevateIq.stats().byRoute['POST /v2/echo/*']).toBe(1);
		expect((await request(`${sb.elevateIq.baseUrl}/echo`)).status).toBe(401);
	});
});

describe('Elyssa', () => {
	test('login, protected call, refresh without a new refresh token', async () => {
		const { accessToken, refreshToken } = await elyssaLogin();
		expect(jwt.decode(refreshToken)?.payload.typ).toBe('refresh');
		const refreshClaims = /** @type {any} */ (jwt.decode(refreshToken)).payload;
		expect(refreshClaims.exp - refreshClaims.iat).toBeGreaterThanOrEqual(360 * 24 * 3600);
		const accessClaims = /** @type {any} */ (jwt.decode(accessToken)).payload;
		expect(accessClaims.exp - accessClaims.iat).toBeGreaterThanOrEqual(24 * 3600);
		expect((await request(`${sb.elyssa.baseUrl}/echo`, { headers: bearer(accessToken) })).status).toBe(200);

		const refreshed = await request(`${sb.elyssa.baseUrl}/auth/refresh`, { method: 'POST', body: { refresh: refreshToken } });
		expect(refreshed.status).toBe(200);
		expect(Object.keys(refreshed.json)).toEqual(['accessToken']);
		expect(refreshed.json.accessToken).not.toBe(accessToken);
		expect((await request(`${sb.elyssa.baseUrl}/echo`, { headers: bearer(refreshed.json.accessToken) })).status).toBe(200);

		const s = sb.elyssa.stats();
		expect(s).toMatchObject({ logins: 1, refreshes: 1, apiCalls: 2, rejected: 0, total: 4 });
		expect(s.byRoute).toEqual({ 'POST /auth/login/': 1, 'POST /auth/refresh/': 1, 'GET /echo': 2 });
	});

	test('errors: unknown/missing companyId, bad refresh, refresh token as access token', async () => {
		for (const body of [{ companyId: 'nope' }, {}]) {
			const res = await request(`${sb.elyssa.baseUrl}/auth/login`, { method: 'POST', body });
			expect(res.status).toBe(401);
			expect(res.json).toEqual({ message: 'Invalid companyId' });
		}
		const { accessToken, refreshToken } = await elyssaLogin();
		expect((await request(`${sb.elyssa.baseUrl}/auth/refresh/`, { method: 'POST', body: { refresh: accessToken } })).status).toBe(401);
		expect((await request(`${sb.elyssa.baseUrl}/auth/refresh/`, { method: 'POST', body: { refresh: 'x' } })).status).toBe(401);
		expect((await request(`${sb.elyssa.baseUrl}/echo`, { headers: bearer(refreshToken) })).status).toBe(401);
		expect((await request(`${sb.elyssa.baseUrl}/echo`)).status).toBe(401);
		expect(sb.elyssa.stats()).toMatchObject({ loginFailures: 2, refreshFailures: 2, rejected: 4 });

		sb.elyssa.revokeTokens();
		expect((await request(`${sb.elyssa.baseUrl}/auth/refresh/`, { method: 'POST', body: { refresh: refreshToken } })).status).toBe(401);
		expect(sb.elyssa.tokensIssued()).toEqual([]);
	});
});

describe('EdgeIQ', () => {
	test('session login: opaque token, 4 h default, raw Authorization only', async () => {
		const before = Date.now();
		const res = await edgeLogin();
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ email: ACCOUNTS.edgeIq.email, company_id: expect.any(String), user_type: expect.any(String) });
		expect(res.json.session_token).toMatch(/^[0-9a-f]{64}$/);
		expect(res.json.api_token).toBeUndefined();
		const expires = Date.parse(res.json.session_expires_at);
		expect(expires - before).toBeGreaterThanOrEqual(4 * 3600 * 1000 - 1000);
		expect(expires - before).toBeLessThanOrEqual(4 * 3600 * 1000 + 1000);

		const me = await request(`${sb.edgeIq.baseUrl}/me`, { headers: { authorization: res.json.session_token } });
		expect(me.status).toBe(200);
		expect(me.json.email).toBe(ACCOUNTS.edgeIq.email);
		expect(me.json.session_token).toBeUndefined();
		expect(me.json.api_token).toBeUndefined();

		for (const headers of [bearer(res.json.session_token), {}, { authorization: 'nope' }]) {
			const bad = await request(`${sb.edgeIq.baseUrl}/me`, { headers });
			expect(bad.status).toBe(403);
			expect(bad.text).toBe('Not Authorized');
			expect(bad.headers['content-type']).toMatch(/^text\/plain/);
		}
		expect((await request(`${sb.edgeIq.baseUrl}/echo`, { headers: bearer(res.json.session_token) })).status).toBe(403);
		expect(sb.edgeIq.stats()).toMatchObject({ logins: 1, apiCalls: 5, rejected: 4 });
	});

	test('token_expiry: honoured when valid, 400 when unparsable, past or > 7 days', async () => {
		const wanted = new Date(Date.now() + 3600 * 1000).toISOString();
		const ok = await edgeLogin({ token_expiry: wanted });
		expect(ok.status).toBe(200);
		expect(ok.json.session_expires_at).toBe(wanted);
		for (const token_expiry of ['not a date', new Date(Date.now() - 1000).toISOString(), new Date(Date.now() + 8 * 24 * 3600 * 1000).toISOString()]) {
			const bad = await edgeLogin({ token_expiry });
			expect(bad.status).toBe(400);
			expect(typeof bad.json.message).toBe('string');
		}
		const wrong = await request(`${sb.edgeIq.baseUrl}/user/authenticate`, { method: 'POST', body: { email: ACCOUNTS.edgeIq.email, password: 'x' } });
		expect(wrong.status).toBe(401);
		expect(wrong.json).toEqual({ message: 'Invalid email or password' });
	});

	test('permanent API token and its reset', async () => {
		const old = ACCOUNTS.edgeIq.apiToken;
		expect((await request(`${sb.edgeIq.baseUrl}/me`, { headers: { authorization: old } })).status).toBe(200);
		expect(sb.edgeIq.tokensIssued()).toContain(old);
		const wrong = await request(`${sb.edgeIq.baseUrl}/user/api_token_reset`, { method: 'POST', body: { email: ACCOUNTS.edgeIq.email, password: 'x' } });
		expect(wrong.status).toBe(401);
		const reset = await request(`${sb.edgeIq.baseUrl}/user/api_token_reset`, {
			method: 'POST',
			body: { email: ACCOUNTS.edgeIq.email, password: ACCOUNTS.edgeIq.password },
		});
		expect(reset.status).toBe(200);
		expect(reset.json.api_token).toMatch(/^[0-9a-f]{40}$/);
		expect(reset.json.api_token).not.toBe(old);
		expect((await request(`${sb.edgeIq.baseUrl}/me`, { headers: { authorization: old } })).status).toBe(403);
		expect((await request(`${sb.edgeIq.baseUrl}/me`, { headers: { authorization: reset.json.api_token } })).status).toBe(200);
		sb.edgeIq.reset({ state: true });
		expect((await request(`${sb.edgeIq.baseUrl}/me`, { headers: { authorization: old } })).status).toBe(200);
	});

	test('password reset: request, outbox, reset, old password refused', async () => {
		const url = ACCOUNTS.edgeIq.resetUrl;
		const missing = await request(`${sb.edgeIq.baseUrl}/user/password_reset_request`, { method: 'POST', body: { email: ACCOUNTS.edgeIq.email } });
		expect(missing.status).toBe(400);
		const unknown = await request(`${sb.edgeIq.baseUrl}/user/password_reset_request`, { method: 'POST', body: { email: 'who@example.com', url } });
		expect(unknown.status).toBe(404);
		expect(unknown.json).toEqual({ message: 'User not found' });
		const badFrom = await request(`${sb.edgeIq.baseUrl}/user/password_reset_request`, {
			method: 'POST',
			body: { email: ACCOUNTS.edgeIq.email, url, from_address: 'me@elsewhere.com' },
		});
		expect(badFrom.status).toBe(500);
		expect(badFrom.json).toEqual({ message: 'Internal Server Error' });
		expect(sb.edgeIq.outbox()).toEqual([]);

		const sent = await request(`${sb.edgeIq.baseUrl}/user/password_reset_request`, {
			method: 'POST',
			body: { email: ACCOUNTS.edgeIq.email, url, subject: 'Reset it', greeting: 'Hi', from_address: ACCOUNTS.edgeIq.whitelistedFromAddress },
		});
		expect(sent.status).toBe(200);
		expect(sent.json).toEqual({ message: 'Password reset email sent' });
		const [mail] = sb.edgeIq.outbox();
		expect(mail).toMatchObject({ email: ACCOUNTS.edgeIq.email, url, subject: 'Reset it', greeting: 'Hi', from_address: 'noreply@example.com' });
		const httpOutbox = await request(`${sb.edgeIq.origin}/__sandbox/outbox`);
		expect(httpOutbox.json[0].resetToken).toBe(mail.resetToken);

		const resetUrl = `${sb.edgeIq.baseUrl}/user/password_reset/${mail.resetToken}`;
		const mismatch = await request(resetUrl, { method: 'POST', body: { password: 'new-pass-1', password_confirmation: 'other' } });
		expect(mismatch.status).toBe(422);
		expect(mismatch.json).toEqual({ message: 'Passwords do not match' });
		const done = await request(resetUrl, { method: 'POST', body: { password: 'new-pass-1', password_confirmation: 'new-pass-1' } });
		expect(done.status).toBe(200);
		expect(done.json).toEqual({ message: 'Password updated' });
		expect((await request(resetUrl, { method: 'POST', body: { password: 'a', password_confirmation: 'a' } })).status).toBe(404);
		expect((await request(`${sb.edgeIq.baseUrl}/user/password_reset/nope`, { method: 'POST', body: { password: 'a', password_confirmation: 'a' } })).status).toBe(404);

		expect((await edgeLogin()).status).toBe(401);
		expect((await edgeLogin({ password: 'new-pass-1' })).status).toBe(200);
		const s = sb.edgeIq.stats();
		expect(s.apiCalls).toBe(0);
		expect(s.byRoute['POST /api/v1/platform/user/password_reset/:token']).toBe(4);
	});

	test('expired reset token → 404', async () => {
		sb.edgeIq.configure({ resetTokenLifetimeSeconds: 0.2 });
		await request(`${sb.edgeIq.baseUrl}/user/password_reset_request`, { method: 'POST', body: { email: ACCOUNTS.edgeIq.email, url: ACCOUNTS.edgeIq.resetUrl } });
		await sleep(300);
		const [mail] = sb.edgeIq.outbox();
		const res = await request(`${sb.edgeIq.baseUrl}/user/password_reset/${mail.resetToken}`, { method: 'POST', body: { password: 'a', password_confirmation: 'a' } });
		expect(res.status).toBe(404);
		expect(res.json).toEqual({ message: 'Reset token invalid or expired' });
	});
});

describe('IntelePeer', () => {
	test('login, Bearer and raw tokens, errors', async () => {
		const token = await intelePeerLogin();
		const login = await request(sb.intelePeer.authUrl, { method: 'POST', body: ACCOUNTS.intelePeer });
		expect(login.json).toEqual({ data: expect.any(String), error: null });

		const withBearer = await request(`${sb.intelePeer.baseUrl}/echo`, { headers: bearer(token) });
		expect(withBearer.status).toBe(200);
		expect(withBearer.json.authScheme).toBe('Bearer');
		const raw = await request(`${sb.intelePeer.baseUrl}/echo`, { headers: { authorization: token } });
		expect(raw.status).toBe(200);
		expect(raw.json.authScheme).toBe('raw');

		for (const body of [{ username: 'ip-api-user', password: 'bad' }, undefined]) {
			const wrong = await request(sb.intelePeer.authUrl, { method: 'POST', body });
			expect(wrong.status).toBe(401);
			expect(wrong.json).toEqual({ data: null, error: 'Missing Authentication Token' });
		}
		const bad = await request(`${sb.intelePeer.baseUrl}/echo`, { headers: bearer('nope') });
		expect(bad.status).toBe(401);
		expect(bad.json).toEqual({ data: null, error: 'Unauthorized' });
		expect(sb.intelePeer.stats()).toMatchObject({ logins: 4, loginFailures: 2, apiCalls: 3, rejected: 1 });
	});

	test('portal token counts as an api call, not a login', async () => {
		const url = `${sb.intelePeer.baseUrl}/app/sms/authenticate/get_portal_auth_token`;
		const res = await request(url, { method: 'POST', body: ACCOUNTS.intelePeer });
		expect(res.status).toBe(200);
		expect(typeof res.json.token).toBe('string');
		const wrong = await request(url, { method: 'POST', body: { username: 'x', password: 'y' } });
		expect(wrong.status).toBe(401);
		expect(wrong.json).toEqual({ data: null, error: 'Missing Authentication Token' });
		const s = sb.intelePeer.stats();
		expect(s.logins).toBe(0);
		expect(s.apiCalls).toBe(2);
		expect(s.byRoute['POST /_rest/v4/app/sms/authenticate/get_portal_auth_token']).toBe(2);
		expect(sb.intelePeer.tokensIssued()).toContain(res.json.token);
	});
});

describe('eConnect', () => {
	test('login, renew, errors', async () => {
		const token = await eConnectLogin();
		expect(jwt.verify(token).valid).toBe(true);
		const wrong = await request(`${sb.eConnect.baseUrl}/api/v1/authenticate`, { method: 'POST', body: { username: 'ec-api-user', password: 'x' } });
		expect(wrong.status).toBe(400);
		expect(wrong.json).toEqual({ message: 'Username or password is incorrect' });

		const renewed = await request(`${sb.eConnect.baseUrl}/api/v1/renewToken`, { headers: bearer(token) });
		expect(renewed.status).toBe(200);
		expect(renewed.json.username).toBe('ec-api-user');
		expect(renewed.json.token).not.toBe(token);
		expect((await request(`${sb.eConnect.baseUrl}/echo`, { headers: bearer(renewed.json.token) })).status).toBe(200);

		const badRenew = await request(`${sb.eConnect.baseUrl}/api/v1/renewToken`, { headers: bearer('x.y.z') });
		expect(badRenew.status).toBe(401);
		const bad = await request(`${sb.eConnect.baseUrl}/echo`, { headers: { authorization: renewed.json.token } });
		expect(bad.status).toBe(401);
		expect(bad.json).toEqual({ message: 'Unauthorized' });
		expect(sb.eConnect.stats()).toMatchObject({ logins: 2, loginFailures: 1, refreshes: 2, refreshFailures: 1, apiCalls: 2, rejected: 2 });
	});
});

describe('faults', () => {
	test('status fault with headers and default body, then normal again', async () => {
		sb.elevateIq.fault({ target: 'login', kind: 'status', status: 429, headers: { 'Retry-After': '2' } });
		const first = await request(`${sb.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: ACCOUNTS.elevateIq });
		expect(first.status).toBe(429);
		expect(first.headers['retry-after']).toBe('2');
		expect(first.json).toEqual({ error: 'Injected fault' });
		await elevateLogin();
		expect(sb.elevateIq.stats()).toMatchObject({ logins: 2, loginFailures: 1 });
	});

	test('targets: an api fault leaves logins alone; times n and 0', async () => {
		sb.eConnect.fault({ target: 'api', kind: 'status', status: 503, times: 2 });
		const token = await eConnectLogin();
		const statuses = [];
		for (let i = 0; i < 3; i += 1) statuses.push((await request(`${sb.eConnect.baseUrl}/echo`, { headers: bearer(token) })).status);
		expect(statuses).toEqual([503, 503, 200]);

		sb.eConnect.fault({ target: 'refresh', kind: 'status', status: 401, times: 0 });
		for (let i = 0; i < 3; i += 1) {
			expect((await request(`${sb.eConnect.baseUrl}/api/v1/renewToken`, { headers: bearer(token) })).status).toBe(401);
		}
		sb.eConnect.clearFaults();
		expect((await request(`${sb.eConnect.baseUrl}/api/v1/renewToken`, { headers: bearer(token) })).status).toBe(200);
		expect(sb.eConnect.stats()).toMatchObject({ refreshes: 4, refreshFailures: 3, rejected: 3 });
	});

	test('delay answers normally after delayMs', async () => {
		sb.intelePeer.fault({ target: 'login', kind: 'delay', delayMs: 300 });
		const start = Date.now();
		const res = await request(sb.intelePeer.authUrl, { method: 'POST', body: ACCOUNTS.intelePeer });
		expect(Date.now() - start).toBeGreaterThanOrEqual(280);
		expect(res.status).toBe(200);
	});

	test('hang never answers but is counted on arrival', async () => {
		sb.elyssa.fault({ target: 'login', kind: 'hang' });
		const pending = request(`${sb.elyssa.baseUrl}/auth/login/`, { method: 'POST', body: ACCOUNTS.elyssa, timeoutMs: 300 });
		await sleep(100);
		expect(sb.elyssa.stats().logins).toBe(1);
		await expect(pending).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT' });
		await elyssaLogin();
	});

	test('malformed and empty bodies', async () => {
		sb.elevateIq.fault({ target: 'login', kind: 'malformed' });
		sb.elevateIq.fault({ target: 'login', kind: 'empty' });
		const malformed = await request(`${sb.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: ACCOUNTS.elevateIq });
		expect(malformed.status).toBe(200);
		expect(malformed.headers['content-type']).toBe('application/json');
		expect(malformed.text).toBe('{"token": ');
		expect(() => JSON.parse(malformed.text)).toThrow();
		const empty = await request(`${sb.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: ACCOUNTS.elevateIq });
		expect(empty.status).toBe(200);
		expect(empty.text).toBe('');
		expect(sb.elevateIq.tokensIssued()).toEqual([]);
	});

	test('revoke fault invalidates earlier tokens, then answers normally', async () => {
		const old = await elevateLogin();
		sb.elevateIq.fault({ target: 'login', kind: 'revoke' });
		const fresh = await elevateLogin();
		expect((await request(`${sb.elevateIq.baseUrl}/customers`, { headers: bearer(old) })).status).toBe(401);
		expect((await request(`${sb.elevateIq.baseUrl}/customers`, { headers: bearer(fresh) })).status).toBe(200);
		expect(sb.elevateIq.tokensIssued()).toEqual([fresh]);

		sb.edgeIq.fault({ target: 'api', kind: 'revoke' });
		const me = await request(`${sb.edgeIq.baseUrl}/me`, { headers: { authorization: ACCOUNTS.edgeIq.apiToken } });
		expect(me.status).toBe(403);
	});

	test('any target also hits public routes; bad specs throw', () => {
		expect(() => sb.elevateIq.fault(/** @type {any} */ ({ target: 'x', kind: 'status' }))).toThrow(TypeError);
		expect(() => sb.elevateIq.fault(/** @type {any} */ ({ target: 'api', kind: 'delay' }))).toThrow(TypeError);
		expect(() => sb.elevateIq.fault(/** @type {any} */ ({ target: 'api', kind: 'status', times: -1 }))).toThrow(TypeError);
	});

	test('revokeTokens() and tokensIssued()', async () => {
		const a = await eConnectLogin();
		const b = await eConnectLogin();
		expect(sb.eConnect.tokensIssued().sort()).toEqual([a, b].sort());
		expect(sb.eConnect.revokeTokens()).toBe(2);
		expect(sb.eConnect.tokensIssued()).toEqual([]);
		expect((await request(`${sb.eConnect.baseUrl}/echo`, { headers: bearer(a) })).status).toBe(401);
		expect((await request(`${sb.eConnect.baseUrl}/api/v1/renewToken`, { headers: bearer(b) })).status).toBe(401);
	});
});

describe('control routes over HTTP', () => {
	test('fault, stats, config, revoke, reset; control calls are not counted', async () => {
		const origin = sb.intelePeer.origin;
		const queued = await request(`${origin}/__sandbox/fault`, { method: 'POST', body: { target: 'any', kind: 'status', status: 502, body: 'Bad Gateway' } });
		expect(queued.status).toBe(200);
		const faulted = await request(`${sb.intelePeer.baseUrl}/nothing-here`);
		expect(faulted.status).toBe(502);
		expect(faulted.text).toBe('Bad Gateway');
		expect((await request(`${origin}/__sandbox/fault`, { method: 'POST', body: { target: 'nope', kind: 'status' } })).status).toBe(400);
		await request(`${origin}/__sandbox/fault`, { method: 'POST', body: { target: 'login', kind: 'status', status: 500, times: 0 } });
		expect((await request(`${origin}/__sandbox/faults`, { method: 'DELETE' })).status).toBe(200);

		const config = await request(`${origin}/__sandbox/config`, { method: 'POST', body: { tokenLifetimeSeconds: 120 } });
		expect(config.json).toMatchObject({ tokenLifetimeSeconds: 120 });
		expect((await request(`${origin}/__sandbox/config`, { method: 'POST', body: { bogus: 1 } })).status).toBe(400);

		const token = await intelePeerLogin();
		const revoked = await request(`${origin}/__sandbox/revoke`, { method: 'POST' });
		expect(revoked.json).toEqual({ ok: true, revoked: 1 });
		expect((await request(`${sb.intelePeer.baseUrl}/echo`, { headers: bearer(token) })).status).toBe(401);

		const stats = await request(`${origin}/__sandbox/stats`);
		expect(stats.json).toMatchObject({ logins: 1, apiCalls: 1, rejected: 1, total: 3 });
		expect(stats.json.byRoute).toEqual({ 'GET (unmatched)': 1, 'POST /_rest/v4/authenticate': 1, 'GET /_rest/v4/echo': 1 });

		expect((await request(`${origin}/__sandbox/reset`, { method: 'POST', body: { state: true } })).status).toBe(200);
		expect(sb.intelePeer.stats().total).toBe(0);
		const info = await request(`${origin}/__sandbox/info`);
		expect(info.json).toMatchObject({ key: 'intelePeer', authUrl: sb.intelePeer.authUrl });
		expect((await request(`${origin}/__sandbox/nothing`)).status).toBe(404);
	});
});

describe('token lifetime', () => {
	test('a 1 s token works at once and is rejected after 1.5 s (all providers)', async () => {
		for (const key of PROVIDER_KEYS) sb[key].configure({ tokenLifetimeSeconds: 1 });
		sb.elyssa.configure({ refreshTokenLifetimeSeconds: 1 });

		const elevate = await elevateLogin();
		const elyssa = await elyssaLogin();
		const edge = (await edgeLogin()).json.session_token;
		const ip = await intelePeerLogin();
		const ec = await eConnectLogin();

		const checks = () =>
			Promise.all([
				request(`${sb.elevateIq.baseUrl}/customers`, { headers: bearer(elevate) }),
				request(`${sb.elyssa.baseUrl}/echo`, { headers: bearer(elyssa.accessToken) }),
				request(`${sb.elyssa.baseUrl}/auth/refresh/`, { method: 'POST', body: { refresh: elyssa.refreshToken } }),
				request(`${sb.edgeIq.baseUrl}/me`, { headers: { authorization: edge } }),
				request(`${sb.intelePeer.baseUrl}/echo`, { headers: bearer(ip) }),
				request(`${sb.eConnect.baseUrl}/echo`, { headers: bearer(ec) }),
				request(`${sb.eConnect.baseUrl}/api/v1/renewToken`, { headers: bearer(ec) }),
			]).then((all) => all.map((r) => r.status));

		expect(await checks()).toEqual([200, 200, 200, 200, 200, 200, 200]);
		await sleep(1500);
		// the refresh / renew calls above issued fresh 1 s tokens, but the originals are now dead
		expect(await checks()).toEqual([401, 401, 401, 403, 401, 401, 401]);
		expect(sb.elevateIq.tokensIssued()).toEqual([]);
	});

	test('startSandbox({ tokenLifetimeSeconds }) sets the start lifetime; reset({ state: true }) restores it', async () => {
		const other = await startSandbox({ tokenLifetimeSeconds: 5 });
		try {
			const res = await request(`${other.eConnect.baseUrl}/api/v1/authenticate`, { method: 'POST', body: ACCOUNTS.eConnect });
			const claims = /** @type {any} */ (jwt.decode(res.json.token)).payload;
			expect(claims.exp - claims.iat).toBeLessThanOrEqual(6);
			other.eConnect.configure({ tokenLifetimeSeconds: 100 });
			other.eConnect.reset({ state: true });
			const again = await request(`${other.eConnect.baseUrl}/api/v1/authenticate`, { method: 'POST', body: ACCOUNTS.eConnect });
			const claims2 = /** @type {any} */ (jwt.decode(again.json.token)).payload;
			expect(claims2.exp - claims2.iat).toBeLessThanOrEqual(6);
		} finally {
			await other.close();
		}
	});
});

describe('single session (configure({ singleSession: true }))', () => {
	test('a new login revokes the account\'s earlier token, on every provider; reset({ state: true }) ends it', async () => {
		for (const key of PROVIDER_KEYS) sb[key].configure({ singleSession: true });
		const logins = {
			elevateIq: async () => bearer(await elevateLogin()),
			elyssa: async () => bearer((await elyssaLogin()).accessToken),
			edgeIq: async () => ({ authorization: (await edgeLogin()).json.session_token }),
			intelePeer: async () => bearer(await intelePeerLogin()),
			eConnect: async () => bearer(await eConnectLogin()),
		};
		for (const key of PROVIDER_KEYS) {
			const first = await logins[key]();
			const second = await logins[key]();
			const echo = (headers) => request(`${sb[key].baseUrl}/echo`, { headers }).then((r) => r.status);
			const refused = key === 'edgeIq' ? 403 : 401;
			expect([key, await echo(first), await echo(second)]).toEqual([key, refused, 200]);
		}
		// a renewal is not a login: eConnect's renewToken keeps the session it renews from alive
		const ec = await eConnectLogin();
		await request(`${sb.eConnect.baseUrl}/api/v1/renewToken`, { headers: bearer(ec) });
		expect((await request(`${sb.eConnect.baseUrl}/echo`, { headers: bearer(ec) })).status).toBe(200);

		sb.resetAll({ state: true });
		const a = await elevateLogin();
		await elevateLogin();
		expect((await request(`${sb.elevateIq.baseUrl}/echo`, { headers: bearer(a) })).status).toBe(200);
	});

	test('refuses a non-boolean value', () => {
		expect(() => sb.elevateIq.configure({ singleSession: 1 })).toThrow(/true or false/);
	});
});

describe('close()', () => {
	/** TCP handles of this process (servers and sockets). */
	const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;

	test('closes servers, keep-alive sockets, hung and delayed requests', async () => {
		const before = tcpHandles();
		const other = await startSandbox();
		const agent = new http.Agent({ keepAlive: true });
		const keepAlive = await request(`${other.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: ACCOUNTS.elevateIq, agent });
		expect(keepAlive.status).toBe(200);
		other.elyssa.fault({ target: 'any', kind: 'hang' });
		other.eConnect.fault({ target: 'any', kind: 'delay', delayMs: 60000 });
		const hung = request(`${other.elyssa.baseUrl}/auth/login/`, { method: 'POST', body: ACCOUNTS.elyssa }).catch((e) => e);
		const delayed = request(`${other.eConnect.baseUrl}/api/v1/authenticate`, { method: 'POST', body: ACCOUNTS.eConnect }).catch((e) => e);
		await sleep(100);

		const start = Date.now();
		await other.close();
		expect(Date.now() - start).toBeLessThan(1000);
		expect(await hung).toMatchObject({ message: expect.stringMatching(/socket hang up|ECONNRESET/) });
		expect(await delayed).toMatchObject({ message: expect.stringMatching(/socket hang up|ECONNRESET/) });
		agent.destroy();
		await other.close(); // idempotent

		await expect(request(`${other.elevateIq.baseUrl}/authenticate`, { method: 'POST', body: ACCOUNTS.elevateIq })).rejects.toMatchObject({
			code: 'ECONNREFUSED',
		});
		await sleep(50);
		expect(tcpHandles()).toBeLessThanOrEqual(before);
	});
});

describe('cli.js', () => {
	const cli = path.join(__dirname, 'cli.js');

	/**
	 * Run the CLI until it printed five lines; return the lines and the child.
	 * @param {string[]} args
	 * @param {Record<string, string>} [env]
	 */
	function runCli(args, env = {}) {
		const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
		let out = '';
		let err = '';
		child.stderr.on('data', (d) => {
			err += d;
		});
		const lines = new Promise((resolve, reject) => {
			child.stdout.on('data', (d) => {
				out += d;
				const all = out.split('\n').filter(Boolean);
				if (all.length >= 5) resolve(all);
			});
			child.on('exit', () => reject(new Error(`cli exited early: ${err}`)));
		});
		return { child, lines, exited };
	}

	/** @param {number} port */
	const portFree = (port) =>
		new Promise((resolve) => {
			const probe = net.createServer();
			probe.once('error', () => resolve(false));
			probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
		});

	test('prints one base URL per provider, honours SANDBOX_TOKEN_LIFETIME_SECONDS, exits on SIGTERM', async () => {
		const { child, lines, exited } = runCli([], { SANDBOX_TOKEN_LIFETIME_SECONDS: '2' });
		const printed = /** @type {string[]} */ (await lines);
		expect(printed.map((l) => l.split(' ')[0])).toEqual([...PROVIDER_KEYS]);
		const elevateBase = printed[0].split(' ')[1];
		expect(elevateBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
		const res = await request(`${elevateBase}/authenticate`, { method: 'POST', body: ACCOUNTS.elevateIq });
		const claims = /** @type {any} */ (jwt.decode(res.json.token)).payload;
		expect(claims.exp - claims.iat).toBeLessThanOrEqual(3);
		child.kill('SIGTERM');
		expect(await exited).toEqual({ code: 0, signal: null });
	});

	test('--fixed-ports listens on 4101..4105 and exits on SIGINT', async () => {
		// Needs 4101..4105 free: stop any `npm start` before running the tests.
		const free = await Promise.all(Object.values(FIXED_PORTS).map(portFree));
		expect(free).toEqual([true, true, true, true, true]);
		const { child, lines, exited } = runCli(['--fixed-ports']);
		const printed = /** @type {string[]} */ (await lines);
		expect(printed).toEqual([
			'elevateIq http://127.0.0.1:4101/v2',
			'elyssa http://127.0.0.1:4102',
			'edgeIq http://127.0.0.1:4103/api/v1/platform',
			'intelePeer http://127.0.0.1:4104/_rest/v4',
			'eConnect http://127.0.0.1:4105/identities',
		]);
		child.kill('SIGINT');
		expect(await exited).toEqual({ code: 0, signal: null });
	});
});
