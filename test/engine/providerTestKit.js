'use strict';

/**
 * Small helpers shared by the per-provider engine tests (`<provider>.engine.test.js`).
 * Not a test file itself (jest only collects `*.test.js`).
 *
 *   items(n)                       n input items `{ i }`
 *   customCall(path, extra?)       Custom API Call node parameters
 *   expectProviderError(engine, result, { provider, status, cause, secrets })
 *                                  the node failed with a NodeApiError that names the provider, the
 *                                  status and the likely cause, and carries none of the secrets
 *   expectInputRefusal(engine, result, fieldPattern)
 *                                  the node refused its input (message names the field)
 *   expectNoSecrets(error, secrets)
 *   sleep(ms), sleepUntil(epochMs, extraMs?)
 *   jwtPayload(token)              decoded payload of a JWT (no verification)
 *   tamperJwt(token)               same header and payload, a signature that no longer matches
 *   useFakeDate()                  fake only `Date` (advancing with real time): jest.setSystemTime()
 *                                  then moves the clock of the sandbox AND the package together
 *   startRecordingProxy(origin)    a loopback HTTP proxy that records every request it forwards
 *   defineCustomCallGuards({...})  the Custom API Call refusals and Continue On Fail tests every
 *                                  provider shares, with that provider's inputs
 */

const http = require('http');

function items(n, make = (i) => ({ i })) {
	return Array.from({ length: n }, (_, i) => make(i));
}

function customCall(path, extra = {}) {
	return { resource: 'customApiCall', operation: 'request', method: 'GET', path, ...extra };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the (real or fake) clock is past `epochMs + extraMs`. */
async function sleepUntil(epochMs, extraMs = 0) {
	expect(Number.isFinite(epochMs)).toBe(true);
	const wait = epochMs + extraMs - Date.now();
	if (wait > 0) await sleep(wait);
}

function jwtPayload(token) {
	const parts = String(token).split('.');
	expect(parts).toHaveLength(3);
	return JSON.parse(Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
}

/** A JWT whose signature no longer matches (looks real, is refused by the provider). */
function tamperJwt(token) {
	const [header, payload, signature] = String(token).split('.');
	const flipped = signature.slice(0, -4) + (signature.endsWith('AAAA') ? 'BBBB' : 'AAAA');
	return `${header}.${payload}.${flipped}`;
}

/** Every text of a node error a user or a log can see. */
function visibleTexts(error) {
	return [
		String(error?.message ?? ''),
		String(error?.description ?? ''),
		JSON.stringify(error?.messages ?? []),
		JSON.stringify(error?.errorResponse ?? {}),
	];
}

function expectNoSecrets(error, secrets) {
	const list = secrets.filter((s) => typeof s === 'string' && s.length > 0);
	expect(list.length).toBe(secrets.length); // a secret the test meant to check must really exist
	for (const text of visibleTexts(error)) {
		for (const secret of list) {
			if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 4)}…) appears in the error text: ${text}`);
		}
	}
}

function asMatcher(value) {
	return value instanceof RegExp ? value : new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/**
 * The node failed (no Continue On Fail) with an n8n NodeApiError of the engine's n8n-workflow
 * whose message names the provider, the HTTP status and the likely cause, and no secret.
 */
function expectProviderError(engine, result, { provider, status, cause, secrets = [] }) {
	expect(result.status).toBe('error');
	const error = result.error;
	expect(error).toBeInstanceOf(engine.n8n.workflow.NodeApiError);
	expect(error.message).toContain(provider);
	expect(error.message).toMatch(new RegExp(`(^|\\D)${status}(\\D|$)`));
	expect(String(error.httpCode)).toBe(String(status));
	for (const c of Array.isArray(cause) ? cause : [cause]) expect(error.message).toMatch(asMatcher(c));
	expectNoSecrets(error, secrets);
	// n8n's own record of the failure says the same.
	expect(result.executionError.message).toBe(error.message);
	return error;
}

/** The node refused its input before any call: an n8n node error whose message names the field. */
function expectInputRefusal(engine, result, fieldPattern) {
	expect(result.status).toBe('error');
	const { NodeApiError, NodeOperationError } = engine.n8n.workflow;
	expect(result.error instanceof NodeApiError || result.error instanceof NodeOperationError).toBe(true);
	expect(result.error.message).toMatch(asMatcher(fieldPattern));
	expect(result.items).toHaveLength(0);
	return result.error;
}

/** Fake only Date (it keeps advancing with real time); timers, sockets and microtasks stay real. */
function useFakeDate() {
	jest.useFakeTimers({
		advanceTimers: true,
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
}

/**
 * A loopback HTTP proxy in front of one sandbox origin that records what it forwards:
 * `{ method, path, query, body }` per request (body parsed as JSON when it is JSON).
 */
async function startRecordingProxy(targetOrigin) {
	const target = new URL(targetOrigin);
	const requests = [];
	const sockets = new Set();
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const url = new URL(req.url, 'http://proxy.invalid');
			let body;
			if (raw.length > 0) {
				try {
					body = JSON.parse(raw.toString('utf8'));
				} catch {
					body = raw.toString('utf8');
				}
			}
			requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
			const upstream = http.request(
				{ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
				(answer) => {
					res.writeHead(answer.statusCode, answer.headers);
					answer.pipe(res);
				},
			);
			upstream.on('error', () => res.destroy());
			upstream.end(raw);
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		origin: `http://127.0.0.1:${port}`,
		requests,
		clear: () => requests.splice(0, requests.length),
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			}),
	};
}

const OUTSIDE_BASE_URL = /Path points outside the credential's base URL/;

/**
 * Defines, inside the caller's describe, the Custom API Call tests every provider shares: bad
 * input refused before any network call, and Continue On Fail keeping the good items.
 *   context()         { engine, id } once the describe's beforeAll has run
 *   run, stats        the provider file's runner and sandbox counters
 *   basePath          the sandbox path the credential's base URL points at ('' for none)
 *   otherHost, dotDot, authorizationHeader, badJson: { method, body }
 *                     the provider's own bad inputs (each file tries different spellings)
 *   extraRefusals     more [label, () => parameters, message] rows
 *   noCallSeen        an extra "nothing was sent" check (e.g. a recording proxy)
 *   beforeContinueOnFail(engine, id)
 */
function defineCustomCallGuards(o) {
	const header = o.authorizationHeader;
	const refusals = [
		['an absolute URL to another host', () => customCall(o.otherHost), OUTSIDE_BASE_URL],
		['"../" in the path', () => customCall(o.dotDot), /Path must not contain "\." or "\.\." segments/],
		[
			'a header named Authorization',
			() => customCall('/echo', { headerParameters: { parameters: [{ name: header.name, value: header.value }] } }),
			new RegExp(`Headers: "${header.name}" cannot be set here`),
		],
		['invalid JSON body', () => customCall('/echo', { method: o.badJson.method, jsonBody: o.badJson.body }), /JSON Body is not valid JSON/],
		...(o.extraRefusals ?? []),
	];
	test.each(refusals)('Custom API Call refuses %s before any network call', async (_label, parameters, message) => {
		const { engine, id } = o.context();
		const result = await o.run(engine, id, parameters());
		expectInputRefusal(engine, result, message);
		expect(o.stats().total).toBe(0);
		o.noCallSeen?.();
	});

	test('Continue On Fail: 5 items, item 2 points at another host → 4 outputs, 1 error item, no call for it', async () => {
		const { engine, id } = o.context();
		await o.beforeContinueOnFail?.(engine, id);
		const paths = ['/echo/0', 'https://evil.example.com/x', '/echo/2', '/echo/3', '/echo/4'];
		const result = await o.run(engine, id, customCall('={{ $json.path }}'), { items: paths.map((path) => ({ path })), continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		expect(result.items[1]).toEqual({ error: expect.stringMatching(OUTSIDE_BASE_URL) });
		expect(result.errors[1]).toBeDefined();
		for (const i of [0, 2, 3, 4]) {
			expect(result.errors[i]).toBeUndefined();
			expect(result.items[i].path).toBe(`${o.basePath}/echo/${i}`);
		}
		expect(o.stats()).toMatchObject({ logins: 0, refreshes: 0, rejected: 0, apiCalls: 4, total: 4 });
	});
}

module.exports = {
	defineCustomCallGuards,
	items,
	customCall,
	sleep,
	sleepUntil,
	jwtPayload,
	tamperJwt,
	expectNoSecrets,
	expectProviderError,
	expectInputRefusal,
	useFakeDate,
	startRecordingProxy,
};
