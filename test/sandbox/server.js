'use strict';

/**
 * Shared plumbing of the provider sandbox: one HTTP server per provider, route matching, body
 * parsing, the token registry, counters, fault injection and the `/__sandbox/` control routes.
 * Provider files (elevateIq.js, ...) only describe their routes and rules; see ProviderDef.
 */

const http = require('http');
const crypto = require('crypto');
const { URL } = require('url');
const jwt = require('./jwt');

const CONTROL_PREFIX = '/__sandbox';
const MAX_BODY_BYTES = 1024 * 1024;
const FAULT_TARGETS = Object.freeze(['login', 'refresh', 'api', 'any']);
const FAULT_KINDS = Object.freeze(['status', 'delay', 'hang', 'malformed', 'empty', 'revoke']);
const MALFORMED_BODY = '{"token": ';

/**
 * @typedef {'login' | 'refresh' | 'api' | 'public'} RouteKind
 *   login: the provider's login endpoint; refresh: its refresh/renew endpoint; api: any other
 *   endpoint that needs a token (plus IntelePeer's portal-token call); public: endpoints that need
 *   no token (EdgeIQ password reset, API-token reset) and unknown routes.
 */

/**
 * @typedef {object} Reply
 * @property {number} status
 * @property {unknown} [json]   serialized as application/json
 * @property {string} [text]    sent as text/plain
 * @property {string} [raw]     sent as is (content-type application/json unless headers say otherwise)
 * @property {Record<string, string>} [headers]
 */

/**
 * @typedef {object} SandboxRequest
 * @property {string} method      upper-case HTTP method
 * @property {string} path        URL path as received (percent-encoded)
 * @property {Record<string, string>} params   route parameters (decoded)
 * @property {Record<string, string | string[]>} query
 * @property {import('http').IncomingHttpHeaders} headers
 * @property {unknown} body       parsed JSON / form object, raw text for other content types, undefined when empty
 * @property {any} principal      what the provider's authenticate() returned for protected routes
 */

/**
 * @typedef {object} RouteDef
 * @property {string} method   HTTP method or 'ANY'
 * @property {string} path     full path from the origin; `:name` segments and a trailing `*` allowed
 * @property {RouteKind} kind
 * @property {boolean} [auth]  run the provider's authenticate() first
 * @property {(req: SandboxRequest) => Reply} handler
 */

/**
 * @typedef {{ ok: true, principal: any } | { ok: false, reply: Reply }} AuthResult
 */

/**
 * @typedef {object} ProviderInstance
 * @property {RouteDef[]} routes
 * @property {(req: SandboxRequest) => AuthResult} authenticate
 * @property {() => void} resetState   restore seed data (the token registry is cleared before)
 * @property {Record<string, () => unknown>} [api]   extra methods on the handle (e.g. outbox)
 * @property {Record<string, () => Reply>} [controls] extra control routes, key 'GET outbox'
 */

/**
 * @typedef {object} ProviderConfig
 * @property {number} tokenLifetimeSeconds
 * @property {number} [refreshTokenLifetimeSeconds]
 * @property {number} [resetTokenLifetimeSeconds]
 * @property {boolean} [singleSession]  a new login revokes the account's earlier tokens of the same kind
 */

/**
 * @typedef {object} ProviderDef
 * @property {string} key
 * @property {string} basePath
 * @property {number} rejectStatus   the status that means "token refused" (401; EdgeIQ 403)
 * @property {ProviderConfig} defaults
 * @property {string[]} accessKinds  registry kinds listed by tokensIssued()
 * @property {(origin: string) => Record<string, string>} [urls]  extra URLs for the handle
 * @property {(ctx: ProviderContext) => ProviderInstance} create
 */

/**
 * @typedef {object} Stats
 * @property {number} logins
 * @property {number} loginFailures
 * @property {number} refreshes
 * @property {number} refreshFailures
 * @property {number} apiCalls
 * @property {number} rejected
 * @property {number} total
 * @property {Record<string, number>} byRoute
 */

/**
 * @typedef {object} FaultSpec
 * @property {'login' | 'refresh' | 'api' | 'any'} target
 * @property {'status' | 'delay' | 'hang' | 'malformed' | 'empty' | 'revoke'} kind
 * @property {number} [status]     for 'status' (default 500)
 * @property {Record<string, string>} [headers]  for 'status'
 * @property {unknown} [body]      for 'status' (default {"error":"Injected fault"}; a string is sent as text/plain)
 * @property {number} [delayMs]    for 'delay' (required); for 'status', a wait before answering
 * @property {number} [times]      default 1; 0 = until cleared
 */

/**
 * @typedef {object} ProviderHandle
 * @property {string} key
 * @property {string} origin
 * @property {string} baseUrl
 * @property {string} basePath
 * @property {string} [authUrl]
 * @property {() => Stats} stats
 * @property {(options?: { state?: boolean }) => void} reset
 * @property {(config: Partial<ProviderConfig>) => ProviderConfig} configure
 * @property {(spec: FaultSpec) => void} fault
 * @property {() => void} clearFaults
 * @property {() => number} revokeTokens
 * @property {() => string[]} tokensIssued
 * @property {() => Promise<void>} close
 */

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the provider files

/**
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
function json(status, body, headers) {
	return { status, json: body, headers };
}

/**
 * @param {number} status
 * @param {string} body
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
function text(status, body, headers) {
	return { status, text: body, headers };
}

/**
 * `{ "message": msg }` with the given status.
 * @param {number} status
 * @param {string} msg
 * @returns {Reply}
 */
function message(status, msg) {
	return json(status, { message: msg });
}

/**
 * @param {number} bytes
 * @returns {string}
 */
function randomHex(bytes) {
	return crypto.randomBytes(bytes).toString('hex');
}

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else null.
 * @param {string | undefined} header
 * @returns {string | null}
 */
function bearerToken(header) {
	const match = /^Bearer ([^\s]+)$/i.exec(header || '');
	return match ? match[1] : null;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
function isObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A non-empty string field of a body object, else undefined.
 * @param {unknown} body
 * @param {string} field
 * @returns {string | undefined}
 */
function stringField(body, field) {
	if (!isObject(body)) return undefined;
	const value = body[field];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Token registry: the server-side truth about every token a provider issued

/**
 * @typedef {object} TokenEntry
 * @property {string} token
 * @property {string} kind       e.g. 'access', 'refresh', 'session', 'api', 'portal'
 * @property {string} sub        the user/account the token belongs to
 * @property {number} issuedAt   ms
 * @property {number} expiresAt  ms (Infinity for permanent tokens)
 * @property {boolean} revoked
 * @property {number} seq        issue order
 */

class TokenRegistry {
	constructor() {
		/** @type {Map<string, TokenEntry>} */
		this.entries = new Map();
		this.seq = 0;
	}

	/**
	 * @param {string} token
	 * @param {{ kind: string, sub: string, expiresAt: number }} info
	 * @returns {TokenEntry}
	 */
	add(token, info) {
		if (this.entries.size >= 20000) this.prune();
		const entry = { token, kind: info.kind, sub: info.sub, issuedAt: Date.now(), expiresAt: info.expiresAt, revoked: false, seq: ++this.seq };
		this.entries.set(token, entry);
		return entry;
	}

	/**
	 * The live entry of a token (known, not revoked, not expired, of one of `kinds`), else null.
	 * @param {string | null | undefined} token
	 * @param {string[]} [kinds]
	 * @returns {TokenEntry | null}
	 */
	check(token, kinds) {
		if (typeof token !== 'string' || token === '') return null;
		const entry = this.entries.get(token);
		if (!entry || entry.revoked || entry.expiresAt <= Date.now()) return null;
		if (kinds && !kinds.includes(entry.kind)) return null;
		return entry;
	}

	/** @param {string} token */
	revoke(token) {
		const entry = this.entries.get(token);
		if (entry) entry.revoked = true;
	}

	/**
	 * Single session: revoke the tokens issued up to `seq` to the same account with the same kind
	 * as a token issued after it.
	 * @param {number} seq
	 */
	revokeSupersededBy(seq) {
		const fresh = [...this.entries.values()].filter((e) => e.seq > seq);
		for (const entry of this.entries.values()) {
			if (entry.seq <= seq && fresh.some((f) => f.sub === entry.sub && f.kind === entry.kind)) entry.revoked = true;
		}
	}

	/**
	 * Revoke every token issued so far.
	 * @returns {number} how many were still live
	 */
	revokeAll() {
		let live = 0;
		for (const entry of this.entries.values()) {
			if (!entry.revoked && entry.expiresAt > Date.now()) live += 1;
			entry.revoked = true;
		}
		return live;
	}

	/**
	 * @param {string[]} kinds
	 * @returns {string[]}
	 */
	live(kinds) {
		const now = Date.now();
		const out = [];
		for (const entry of this.entries.values()) {
			if (!entry.revoked && entry.expiresAt > now && kinds.includes(entry.kind)) out.push(entry.token);
		}
		return out;
	}

	clear() {
		this.entries.clear();
	}

	/** Forget dead tokens (they are refused either way). */
	prune() {
		const now = Date.now();
		for (const [token, entry] of this.entries) {
			if (entry.revoked || entry.expiresAt <= now) this.entries.delete(token);
		}
	}
}

/**
 * @typedef {object} ProviderContext
 * @property {TokenRegistry} tokens
 * @property {ProviderConfig} config       live view: read it when issuing a token
 * @property {(opts: { kind: string, sub: string, lifetimeSeconds: number, claims?: Record<string, unknown> }) => { token: string, expiresAt: number }} issueJwt
 * @property {(token: string | null | undefined, kinds: string[]) => { entry: TokenEntry, payload: Record<string, unknown> } | null} checkJwt
 * @property {(opts: { kind: string, sub: string, expiresAt: number, token?: string }) => string} issueOpaque
 */

/**
 * @param {TokenRegistry} tokens
 * @param {ProviderConfig} config
 * @returns {ProviderContext}
 */
function createContext(tokens, config) {
	return {
		tokens,
		config,
		issueJwt({ kind, sub, lifetimeSeconds, claims }) {
			const now = Date.now();
			const expiresAt = now + lifetimeSeconds * 1000;
			const iat = Math.floor(now / 1000);
			// The server expires the token at `expiresAt` (ms); the exp claim is rounded up.
			const payload = { ...claims, sub, iat, nbf: iat, exp: Math.ceil(expiresAt / 1000), jti: randomHex(8) };
			const token = jwt.sign(payload);
			tokens.add(token, { kind, sub, expiresAt });
			return { token, expiresAt };
		},
		checkJwt(token, kinds) {
			if (typeof token !== 'string') return null;
			const result = jwt.verify(token);
			if (!result.valid) return null;
			const entry = tokens.check(token, kinds);
			return entry ? { entry, payload: result.payload } : null;
		},
		issueOpaque({ kind, sub, expiresAt, token }) {
			const value = token || crypto.randomBytes(32).toString('base64url');
			tokens.add(value, { kind, sub, expiresAt });
			return value;
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Routing

/**
 * @param {string} path
 * @returns {string}
 */
function trimSlash(path) {
	return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * @typedef {{ route: RouteDef, segments: string[], wildcard: boolean }} CompiledRoute
 */

/**
 * @param {RouteDef} route
 * @returns {CompiledRoute}
 */
function compileRoute(route) {
	const segments = trimSlash(route.path).split('/');
	const wildcard = segments[segments.length - 1] === '*';
	if (wildcard) segments.pop();
	return { route, segments, wildcard };
}

/**
 * Match a path (trailing slash ignored) against compiled routes.
 * @param {CompiledRoute[]} compiled
 * @param {string} method
 * @param {string} pathname
 * @returns {{ route: RouteDef, params: Record<string, string> } | null}
 */
function matchRoute(compiled, method, pathname) {
	const parts = trimSlash(pathname).split('/');
	for (const { route, segments, wildcard } of compiled) {
		if (route.method !== 'ANY' && route.method !== method) continue;
		if (wildcard ? parts.length <= segments.length : parts.length !== segments.length) continue;
		/** @type {Record<string, string>} */
		const params = {};
		let ok = true;
		for (let i = 0; i < segments.length && ok; i += 1) {
			const segment = segments[i];
			if (segment.startsWith(':')) {
				try {
					params[segment.slice(1)] = decodeURIComponent(parts[i]);
				} catch {
					ok = false;
				}
				ok = ok && parts[i] !== '';
			} else {
				ok = segment === parts[i];
			}
		}
		if (ok) return { route, params };
	}
	return null;
}

/**
 * @param {URLSearchParams} searchParams
 * @returns {Record<string, string | string[]>}
 */
function queryObject(searchParams) {
	/** @type {Record<string, string | string[]>} */
	const query = {};
	for (const [name, value] of searchParams) {
		const existing = query[name];
		if (existing === undefined) query[name] = value;
		else if (Array.isArray(existing)) existing.push(value);
		else query[name] = [existing, value];
	}
	return query;
}

/**
 * Parse a request body: JSON when the content type says JSON or says nothing, form fields for
 * application/x-www-form-urlencoded, raw text otherwise.
 * @param {string} raw
 * @param {string | undefined} contentType
 * @returns {{ ok: true, value: unknown } | { ok: false }}
 */
function parseBody(raw, contentType) {
	if (raw === '') return { ok: true, value: undefined };
	const type = (contentType || '').toLowerCase();
	if (type.includes('application/x-www-form-urlencoded')) {
		return { ok: true, value: Object.fromEntries(new URLSearchParams(raw)) };
	}
	if (type === '' || type.includes('json')) {
		try {
			return { ok: true, value: JSON.parse(raw) };
		} catch {
			return { ok: false };
		}
	}
	return { ok: true, value: raw };
}

/**
 * Read the whole request body (up to MAX_BODY_BYTES).
 * @param {import('http').IncomingMessage} req
 * @returns {Promise<string | null>} null when too large
 */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/**
 * @param {import('http').ServerResponse} res
 * @param {Reply} reply
 */
function send(res, reply) {
	if (res.destroyed || res.headersSent || res.writableEnded) return;
	/** @type {Record<string, string>} */
	const headers = { 'cache-control': 'no-store' };
	let payload = '';
	if (reply.raw !== undefined) {
		headers['content-type'] = 'application/json';
		payload = reply.raw;
	} else if (reply.text !== undefined) {
		headers['content-type'] = 'text/plain; charset=utf-8';
		payload = reply.text;
	} else if (reply.json !== undefined) {
		headers['content-type'] = 'application/json';
		payload = JSON.stringify(reply.json);
	}
	for (const [name, value] of Object.entries(reply.headers || {})) headers[name.toLowerCase()] = String(value);
	headers['content-length'] = String(Buffer.byteLength(payload));
	res.writeHead(reply.status, headers);
	res.end(payload);
}

// ---------------------------------------------------------------------------------------------
// Faults

/**
 * @typedef {FaultSpec & { times: number, remaining: number }} QueuedFault
 */

/**
 * Validate and normalize a fault spec; throws TypeError on a bad one.
 * @param {unknown} spec
 * @returns {QueuedFault}
 */
function normalizeFault(spec) {
	if (!isObject(spec)) throw new TypeError('fault spec must be an object');
	const { target, kind } = spec;
	if (!FAULT_TARGETS.includes(target)) throw new TypeError(`fault target must be one of ${FAULT_TARGETS.join(', ')}`);
	if (!FAULT_KINDS.includes(kind)) throw new TypeError(`fault kind must be one of ${FAULT_KINDS.join(', ')}`);
	const times = spec.times === undefined ? 1 : spec.times;
	if (!Number.isInteger(times) || times < 0) throw new TypeError('fault times must be an integer >= 0 (0 = until cleared)');
	const status = spec.status === undefined ? 500 : spec.status;
	if (kind === 'status' && (!Number.isInteger(status) || status < 100 || status > 599)) {
		throw new TypeError('fault status must be an HTTP status code');
	}
	if (kind === 'delay' && (typeof spec.delayMs !== 'number' || !(spec.delayMs >= 0))) {
		throw new TypeError('a delay fault needs delayMs >= 0');
	}
	if (spec.headers !== undefined && !isObject(spec.headers)) throw new TypeError('fault headers must be an object');
	return {
		target,
		kind,
		status,
		headers: spec.headers,
		body: spec.body === undefined ? { error: 'Injected fault' } : spec.body,
		delayMs: spec.delayMs,
		times,
		remaining: times,
	};
}

// ---------------------------------------------------------------------------------------------
// The provider server

/** @returns {Stats} */
function emptyStats() {
	return { logins: 0, loginFailures: 0, refreshes: 0, refreshFailures: 0, apiCalls: 0, rejected: 0, total: 0, byRoute: {} };
}

/** Options that are switches, not lifetimes. */
const BOOLEAN_OPTIONS = ['singleSession'];

/**
 * @param {unknown} config
 * @param {ProviderConfig} allowed
 * @returns {Partial<ProviderConfig>}
 */
function validateConfig(config, allowed) {
	if (!isObject(config)) throw new TypeError('config must be an object');
	/** @type {Record<string, number | boolean>} */
	const out = {};
	for (const [name, value] of Object.entries(config)) {
		if (value === undefined) continue;
		if (BOOLEAN_OPTIONS.includes(name)) {
			if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false`);
			out[name] = value;
			continue;
		}
		if (!(name in allowed)) throw new TypeError(`unknown config option ${name} (known: ${Object.keys(allowed).join(', ')})`);
		if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
			throw new TypeError(`${name} must be a positive number of seconds`);
		}
		out[name] = value;
	}
	return out;
}

/**
 * Start one provider's server.
 * @param {ProviderDef} def
 * @param {{ host?: string, port?: number, config?: Partial<ProviderConfig> }} [options]
 * @returns {Promise<ProviderHandle & Record<string, any>>}  plus the provider's extra api (e.g. outbox)
 */
async function startProviderServer(def, options = {}) {
	const host = options.host || '127.0.0.1';
	/** @type {ProviderConfig} */
	const startConfig = { ...def.defaults, ...validateConfig(options.config || {}, def.defaults) };
	/** @type {ProviderConfig} */
	const config = { ...startConfig };
	const tokens = new TokenRegistry();
	const ctx = createContext(tokens, config);
	const provider = def.create(ctx);
	provider.resetState();

	const echoPath = `${def.basePath}/echo`;
	/** @type {RouteDef[]} */
	const routes = [
		...provider.routes,
		{ method: 'ANY', path: echoPath, kind: 'api', auth: true, handler: echo },
		{ method: 'ANY', path: `${echoPath}/*`, kind: 'api', auth: true, handler: echo },
	];
	const compiled = routes.map(compileRoute);

	let stats = emptyStats();
	/** @type {QueuedFault[]} */
	let faults = [];
	let closing = false;
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	/** @type {Set<import('net').Socket>} */
	const sockets = new Set();

	/**
	 * @param {SandboxRequest} req
	 * @returns {Reply}
	 */
	function echo(req) {
		const headers = { ...req.headers };
		const authorization = headers.authorization || '';
		delete headers.authorization;
		return json(200, {
			method: req.method,
			path: req.path,
			query: req.query,
			body: req.body === undefined ? null : req.body,
			headers,
			authScheme: /^Bearer /i.test(authorization) ? 'Bearer' : 'raw',
		});
	}

	/**
	 * @param {RouteKind} kind
	 * @returns {QueuedFault | null}
	 */
	function takeFault(kind) {
		const index = faults.findIndex((f) => f.target === 'any' || f.target === kind);
		if (index === -1) return null;
		const fault = faults[index];
		if (fault.times > 0) {
			fault.remaining -= 1;
			if (fault.remaining <= 0) faults.splice(index, 1);
		}
		return fault;
	}

	/**
	 * @param {number} ms
	 * @returns {Promise<void>}
	 */
	function sleep(ms) {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});
	}

	/**
	 * @param {RouteKind} kind
	 * @param {string} routeKey
	 */
	function countArrival(kind, routeKey) {
		stats.total += 1;
		stats.byRoute[routeKey] = (stats.byRoute[routeKey] || 0) + 1;
		if (kind === 'login') stats.logins += 1;
		else if (kind === 'refresh') stats.refreshes += 1;
		else if (kind === 'api') stats.apiCalls += 1;
	}

	/**
	 * @param {RouteKind} kind
	 * @param {number} status
	 */
	function countOutcome(kind, status) {
		const ok = status >= 200 && status < 300;
		if (kind === 'login' && !ok) stats.loginFailures += 1;
		if (kind === 'refresh' && !ok) stats.refreshFailures += 1;
		if ((kind === 'api' || kind === 'refresh') && status === def.rejectStatus) stats.rejected += 1;
	}

	function revokeTokens() {
		return tokens.revokeAll();
	}

	/** @param {{ state?: boolean }} [opts] */
	function reset(opts = {}) {
		stats = emptyStats();
		faults = [];
		if (opts.state) {
			tokens.clear();
			for (const name of Object.keys(config)) if (!(name in startConfig)) delete config[/** @type {keyof ProviderConfig} */ (name)];
			Object.assign(config, startConfig);
			provider.resetState();
		}
	}

	/** @param {Partial<ProviderConfig>} update */
	function configure(update) {
		Object.assign(config, validateConfig(update, def.defaults));
		return { ...config };
	}

	/** @param {FaultSpec} spec */
	function fault(spec) {
		faults.push(normalizeFault(spec));
	}

	function clearFaults() {
		faults = [];
	}

	function tokensIssued() {
		return tokens.live(def.accessKinds);
	}

	/** @returns {Stats} */
	function snapshot() {
		return { ...stats, byRoute: { ...stats.byRoute } };
	}

	/**
	 * @param {string} method
	 * @param {string} pathname
	 * @param {string} raw
	 * @param {string | undefined} contentType
	 * @returns {Reply}
	 */
	function control(method, pathname, raw, contentType) {
		const name = pathname.slice(CONTROL_PREFIX.length + 1);
		const parsed = parseBody(raw, contentType);
		if (!parsed.ok) return message(400, 'Invalid JSON body');
		const body = parsed.value === undefined ? {} : parsed.value;
		try {
			switch (`${method} ${name}`) {
				case 'GET stats':
					return json(200, snapshot());
				case 'POST reset':
					reset({ state: isObject(body) && body.state === true });
					return json(200, { ok: true });
				case 'POST config':
					return json(200, configure(/** @type {any} */ (body)));
				case 'GET config':
					return json(200, { ...config });
				case 'POST fault':
					fault(/** @type {any} */ (body));
					return json(200, { ok: true, queued: faults.length });
				case 'DELETE faults':
					clearFaults();
					return json(200, { ok: true });
				case 'POST revoke':
					return json(200, { ok: true, revoked: revokeTokens() });
				case 'GET tokens':
					return json(200, { tokens: tokensIssued() });
				case 'GET info':
					return json(200, { key: def.key, origin: handle.origin, baseUrl: handle.baseUrl, basePath: def.basePath, ...(def.urls ? def.urls(handle.origin) : {}) });
				default: {
					const extra = provider.controls && provider.controls[`${method} ${name}`];
					return extra ? extra() : message(404, 'Not found');
				}
			}
		} catch (error) {
			if (error instanceof TypeError) return message(400, error.message);
			throw error;
		}
	}

	/**
	 * @param {import('http').IncomingMessage} req
	 * @param {import('http').ServerResponse} res
	 */
	async function handleRequest(req, res) {
		const method = (req.method || 'GET').toUpperCase();
		const url = new URL(req.url || '/', 'http://sandbox.invalid');
		const pathname = url.pathname;

		if (pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)) {
			const raw = await readBody(req);
			send(res, raw === null ? message(413, 'Payload too large') : control(method, pathname, raw, req.headers['content-type']));
			return;
		}

		const match = matchRoute(compiled, method, pathname);
		/** @type {RouteKind} */
		const kind = match ? match.route.kind : 'public';
		countArrival(kind, match ? `${method} ${match.route.path}` : `${method} (unmatched)`);

		/** @param {Reply} reply */
		const respond = (reply) => {
			if (res.destroyed || res.writableEnded) return;
			countOutcome(kind, reply.status);
			send(res, reply);
		};

		const injected = takeFault(kind);
		if (injected) {
			switch (injected.kind) {
				case 'hang':
					req.resume();
					return; // never answered; the socket is destroyed on close()
				case 'status': {
					req.resume();
					// An optional delay first: a slow answer that still comes (e.g. a long first page).
					if (injected.delayMs) await sleep(injected.delayMs);
					if (closing) return;
					const body = injected.body;
					respond(typeof body === 'string'
						? text(/** @type {number} */ (injected.status), body, injected.headers)
						: json(/** @type {number} */ (injected.status), body, injected.headers));
					return;
				}
				case 'malformed':
					req.resume();
					respond({ status: 200, raw: MALFORMED_BODY });
					return;
				case 'empty':
					req.resume();
					respond({ status: 200, raw: '' });
					return;
				case 'delay':
					await sleep(/** @type {number} */ (injected.delayMs));
					if (closing) return;
					break;
				case 'revoke':
					revokeTokens();
					break;
				default:
					break;
			}
		}

		const raw = await readBody(req);
		if (raw === null) return respond(message(413, 'Payload too large'));
		if (!match) return respond(message(404, 'Not found'));

		/** @type {SandboxRequest} */
		const sreq = {
			method,
			path: pathname,
			params: match.params,
			query: queryObject(url.searchParams),
			headers: req.headers,
			body: undefined,
			principal: undefined,
		};
		if (match.route.auth) {
			const result = provider.authenticate(sreq);
			if (!result.ok) return respond(result.reply);
			sreq.principal = result.principal;
		}
		const parsed = parseBody(raw, req.headers['content-type']);
		if (!parsed.ok) return respond(message(400, 'Invalid JSON body'));
		sreq.body = parsed.value;
		const issuedBefore = tokens.seq;
		const reply = match.route.handler(sreq);
		if (config.singleSession && match.route.kind === 'login') tokens.revokeSupersededBy(issuedBefore);
		respond(reply);
	}

	const server = http.createServer((req, res) => {
		handleRequest(req, res).catch(() => {
			if (!res.headersSent) send(res, message(500, 'Internal Server Error'));
			else res.destroy();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port || 0, host, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	const address = /** @type {import('net').AddressInfo} */ (server.address());
	const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

	/** @type {Promise<void> | null} */
	let closed = null;
	function close() {
		if (!closed) {
			closing = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			closed = new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
				for (const socket of sockets) socket.destroy();
			});
		}
		return closed;
	}

	/** @type {ProviderHandle & Record<string, any>} */
	const handle = {
		key: def.key,
		origin,
		baseUrl: origin + def.basePath,
		basePath: def.basePath,
		...(def.urls ? def.urls(origin) : {}),
		stats: snapshot,
		reset,
		configure,
		fault,
		clearFaults,
		revokeTokens,
		tokensIssued,
		close,
		...(provider.api || {}),
	};
	return handle;
}

module.exports = {
	CONTROL_PREFIX,
	FAULT_TARGETS,
	FAULT_KINDS,
	TokenRegistry,
	startProviderServer,
	json,
	text,
	message,
	randomHex,
	bearerToken,
	isObject,
	stringField,
};
