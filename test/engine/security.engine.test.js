'use strict';

/**
 * The token goes only where it belongs: an attacker's view of the package, in-process with n8n-core's
 * real request stack. A second loopback origin (127.0.0.2) records everything it receives and answers
 * with a token of its own; it must receive nothing secret, and its token must never be used.
 *
 * Paths: our nodes, n8n's HTTP Request node (the legacy requestWithAuthentication stand-in), and the
 * credential Test. Each case asserts exact call counts on the sandbox and on the attacker.
 */

const { createEngine } = require('./harness');
const { customCall, items } = require('./providerTestKit');
const { startSandbox } = require('../sandbox');
const { startAttacker, INJECTED_TOKEN } = require('../sandbox/attacker');
const { sandboxCredentialData, EXAMPLE_CREDENTIALS } = require('../../examples/sandboxCredentials');

const PROVIDERS = Object.keys(EXAMPLE_CREDENTIALS);
const REDIRECTS = [301, 302, 303, 307, 308];
/** The node operations that post the provider's login themselves. */
const LOGIN_OPERATIONS = {
	elyssa: { resource: 'token', operation: 'logIn' },
	edgeIq: { resource: 'session', operation: 'create' },
	eConnect: { resource: 'token', operation: 'logIn' },
};
/** The credential field that is the account's secret, per provider. */
const SECRET_FIELD = { elevateIq: 'password', elyssa: 'companyId', edgeIq: 'password', intelePeer: 'password', eConnect: 'password' };

let sandbox;
let attacker;

beforeAll(async () => {
	[sandbox, attacker] = await Promise.all([startSandbox(), startAttacker()]);
});

afterAll(async () => {
	await Promise.all([sandbox?.close(), attacker?.close()]);
});

const hostOf = (url) => new URL(url).host;

/** Every secret the test knows: the credential's own, and every token the sandbox issued. */
function secretsOf(key, data) {
	return [data[SECRET_FIELD[key]], ...sandbox[key].tokensIssued()];
}

function errorTexts(result) {
	const errors = [result.error, ...(result.errors ?? [])].filter(Boolean);
	return errors.map((error) => `${error.message}\n${error.description ?? ''}\n${JSON.stringify(error.messages ?? [])}`).join('\n');
}

function expectNoneOf(text, secrets) {
	for (const secret of secrets.filter(Boolean)) {
		if (String(text).includes(secret)) throw new Error(`a secret (${secret.slice(0, 3)}…) appears in: ${text}`);
	}
}

describe.each(PROVIDERS)('%s: the token goes only where it belongs', (key) => {
	const type = EXAMPLE_CREDENTIALS[key].type;
	let engine;
	let id;
	let data;

	const node = (parameters, extra = {}) => engine.run({ nodeType: key, parameters, credentials: { [type]: id }, ...extra });
	const httpNode = (url, n = 1) =>
		engine.run({
			nodeType: 'n8n-nodes-base.httpRequest',
			parameters: { nodeCredentialType: type, url },
			credentials: { [type]: id },
			items: items(n),
		});
	const redirectTo = (target, status, location) => sandbox[key].fault({ target, kind: 'status', status, headers: { Location: location }, body: '' });

	/** What a freshly started n8n with a new credential has: no token anywhere. */
	const fresh = (credentialData = data) => {
		engine.dist('nodes/shared/token/lifecycle.js').forgetAllTokens();
		id = engine.setCredential(type, credentialData);
	};

	beforeAll(() => {
		engine = createEngine();
	});

	beforeEach(() => {
		sandbox[key].reset({ state: true });
		attacker.reset();
		data = sandboxCredentialData(sandbox)[key];
		fresh();
	});

	describe('API calls answered with a redirect to another origin are followed without the token', () => {
		test.each(REDIRECTS)('%d, our node', async (status) => {
			expect((await node(customCall('/echo'))).error).toBeUndefined();
			redirectTo('api', status, attacker.url('/download'));
			const result = await node(customCall('/echo'));
			expect(result.error).toBeUndefined();
			expect(attacker.received()).toHaveLength(1);
			expect(attacker.leaks(secretsOf(key, data))).toEqual([]);
			expect(sandbox[key].stats()).toMatchObject({ logins: 1, apiCalls: 2 });
		});

		test.each(REDIRECTS)("%d, n8n's HTTP Request node", async (status) => {
			expect((await httpNode(`${sandbox[key].baseUrl}/echo`)).error).toBeUndefined();
			redirectTo('api', status, attacker.url('/download'));
			const result = await httpNode(`${sandbox[key].baseUrl}/echo`);
			expect(result.error).toBeUndefined();
			expect(attacker.received()).toHaveLength(1);
			expect(attacker.leaks(secretsOf(key, data))).toEqual([]);
		});

		test('a redirect within the same origin still carries the token (our node)', async () => {
			redirectTo('api', 302, `${sandbox[key].baseUrl}/echo/moved`);
			const result = await node(customCall('/echo'));
			expect(result.error).toBeUndefined();
			expect(result.items[0].path).toMatch(/\/echo\/moved$/);
			expect(attacker.received()).toHaveLength(0);
			expect(sandbox[key].stats()).toMatchObject({ logins: 1, rejected: 0 });
		});
	});

	describe('a login answered with a redirect is never followed', () => {
		test.each(REDIRECTS)('%d: our node, the HTTP Request node and the credential Test send nothing to the other origin', async (status) => {
			redirectTo('login', status, attacker.url('/login'));
			const ours = await node(customCall('/echo'));
			expect(ours.error.message).toContain('redirect');
			expect(ours.error.message).toContain(hostOf(attacker.origin));

			fresh();
			redirectTo('login', status, attacker.url('/login'));
			const viaHttpNode = await httpNode(`${sandbox[key].baseUrl}/echo`);
			expect(viaHttpNode.error).toBeDefined();
			expect(errorTexts(viaHttpNode)).toContain(hostOf(attacker.origin));

			fresh();
			redirectTo('login', status, attacker.url('/login'));
			const test = await engine.credentialTest(type, id);
			expect(test.status).toBe('Error');
			expect(test.message).toContain('redirect');

			expect(attacker.received()).toHaveLength(0);
			expect(sandbox[key].stats().apiCalls).toBe(0);
			expect(JSON.stringify([ours.items, viaHttpNode.items])).not.toContain(INJECTED_TOKEN);
		});

		if (LOGIN_OPERATIONS[key]) {
			test.each([307, 308])('%d: the node operation that posts the login itself', async (status) => {
				redirectTo('login', status, attacker.url('/login'));
				const result = await node(LOGIN_OPERATIONS[key]);
				expect(result.error.message).toContain(hostOf(attacker.origin));
				expect(attacker.received()).toHaveLength(0);
				expect(JSON.stringify(result.items)).not.toContain(INJECTED_TOKEN);
			});
		}
	});

	describe("n8n's HTTP Request node: the token only to the provider's own origins", () => {
		test('another host is refused before sending, naming the host and how to allow it', async () => {
			const result = await httpNode(attacker.url('/collect'), 3);
			expect(result.error.message).toContain(hostOf(attacker.origin));
			expect(`${result.error.message} ${result.error.description}`).toMatch(/Allowed HTTP Request Domains/);
			expect(attacker.received()).toHaveLength(0);
			// Refusing a destination is not a token failure: no login for it.
			expect(sandbox[key].stats().logins).toBeLessThanOrEqual(1);
		});

		test('a host listed in the credential\'s Allowed Domains gets the token (explicit opt-in)', async () => {
			engine.updateCredential(id, { allowedHttpRequestDomains: 'domains', allowedDomains: `${new URL(sandbox[key].baseUrl).hostname}, 127.0.0.2` });
			const result = await httpNode(attacker.url('/collect'));
			expect(result.error).toBeUndefined();
			expect(attacker.received()).toHaveLength(1);
			expect(attacker.received()[0].headers.authorization).toBeDefined();
		});
	});

	describe("n8n's Allowed HTTP Request Domains holds for logins on every path", () => {
		const excluded = { allowedHttpRequestDomains: 'domains', allowedDomains: 'example.com' };

		test('our node, the HTTP Request node and the credential Test make no login', async () => {
			engine.updateCredential(id, excluded);
			const ours = await node(customCall('/echo'));
			expect(ours.error.message).toMatch(/Allowed HTTP Request Domains/);
			const viaHttpNode = await httpNode(`${sandbox[key].baseUrl}/echo`);
			expect(errorTexts(viaHttpNode)).toMatch(/Allowed HTTP Request Domains|allowed/i);
			const test = await engine.credentialTest(type, id);
			expect(test.status).toBe('Error');
			expect(sandbox[key].stats()).toMatchObject({ logins: 0, apiCalls: 0 });
		});

		if (LOGIN_OPERATIONS[key]) {
			test('the node operation that posts the login itself', async () => {
				engine.updateCredential(id, excluded);
				const result = await node(LOGIN_OPERATIONS[key]);
				expect(result.error.message).toMatch(/Allowed HTTP Request Domains/);
				expect(sandbox[key].stats().logins).toBe(0);
			});
		}
	});

	describe('what the provider echoes back never reaches a message', () => {
		test('a refused login that repeats a short secret: our node, the HTTP Request node, the credential Test', async () => {
			const shortSecret = 'Zq7';
			engine.updateCredential(id, { [SECRET_FIELD[key]]: shortSecret });
			const echo = { target: 'login', kind: 'status', status: 401, body: { message: `No account for ${shortSecret} (${shortSecret})` }, times: 0 };
			sandbox[key].fault(echo);
			const ours = await node(customCall('/echo'));
			const viaHttpNode = await httpNode(`${sandbox[key].baseUrl}/echo`);
			fresh({ ...data, [SECRET_FIELD[key]]: shortSecret });
			const test = await engine.credentialTest(type, id);
			expect(ours.error.message).toMatch(/401/);
			for (const text of [errorTexts(ours), errorTexts(viaHttpNode), test.message]) {
				expect(text.length).toBeGreaterThan(0);
				expect(text).not.toMatch(new RegExp(`(^|[^A-Za-z0-9])${shortSecret}([^A-Za-z0-9]|$)`));
			}
		});

		test('an API error that repeats the token and the password (our node)', async () => {
			expect((await node(customCall('/echo'))).error).toBeUndefined();
			const token = engine.getCredential(id).sessionToken;
			expect(token).toBeTruthy();
			sandbox[key].fault({ target: 'api', kind: 'status', status: 400, body: { message: `bad ${token} ${data[SECRET_FIELD[key]]}` } });
			const result = await node(customCall('/echo'));
			expect(result.error.message).toMatch(/400/);
			expectNoneOf(errorTexts(result), [token, data[SECRET_FIELD[key]]]);
		});
	});

	test('credential fields given as expressions are resolved per item: two tenants, no token crosses', async () => {
		const tenantB = await startSandbox({ host: '127.0.0.3' });
		try {
			const tenants = [sandboxCredentialData(sandbox)[key], sandboxCredentialData(tenantB)[key]];
			const urlFields = Object.keys(tenants[0]).filter((field) => /Url$/.test(field));
			const perItem = Object.fromEntries(urlFields.map((field) => [field, `={{ $json.tenant.${field} }}`]));
			engine.updateCredential(id, perItem);
			const input = [0, 1, 0, 1].map((t) => ({ tenant: Object.fromEntries(urlFields.map((field) => [field, tenants[t][field]])) }));
			const result = await engine.run({ nodeType: key, parameters: customCall('/echo'), credentials: { [type]: id }, items: input });
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.headers.host)).toEqual([0, 1, 0, 1].map((t) => hostOf(tenants[t].baseUrl)));
			for (const tenant of [sandbox[key], tenantB[key]]) {
				expect(tenant.stats()).toMatchObject({ logins: 1, apiCalls: 2, rejected: 0 });
			}
		} finally {
			await tenantB.close();
		}
	});
});

test('a token replaced between pages: the token that page really carried is the one marked and replaced', async () => {
	sandbox.elevateIq.reset({ state: true });
	const engine = createEngine();
	const id = engine.setCredential('elevateIqApi', sandboxCredentialData(sandbox).elevateIq);
	const customers = (parameters) => engine.run({ nodeType: 'elevateIq', parameters: { resource: 'customer', operation: 'getAll', ...parameters }, credentials: { elevateIqApi: id } });
	// Execution 1's first page is slow; meanwhile execution 2's request is refused and replaces the
	// token; execution 1's second page then carries the new token, which the provider revokes.
	const firstPage = { data: Array.from({ length: 10 }, (_, i) => ({ id: i + 1 })), totalPages: 2 };
	sandbox.elevateIq.fault({ target: 'api', kind: 'status', status: 200, body: firstPage, delayMs: 1500 });
	sandbox.elevateIq.fault({ target: 'api', kind: 'status', status: 401, body: { message: 'Unauthorized' } });
	sandbox.elevateIq.fault({ target: 'api', kind: 'delay', delayMs: 0 }); // execution 2's retry passes
	sandbox.elevateIq.fault({ target: 'api', kind: 'revoke' });
	const slow = customers({ returnAll: false, limit: 20 });
	await new Promise((resolve) => setTimeout(resolve, 300));
	const other = await customers({ returnAll: false, limit: 1 });
	expect(other.error).toBeUndefined();
	const result = await slow;
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(20);
	// Logins: the first token, its replacement (execution 2), one more for the revoked page.
	// Rejected: execution 2's request and execution 1's second page, each once.
	expect(sandbox.elevateIq.stats()).toMatchObject({ logins: 3, rejected: 2 });
});

test('EdgeIQ: a 403 that a new session token gets too is reported as a likely permission problem', async () => {
	sandbox.edgeIq.reset({ state: true });
	const engine = createEngine();
	const id = engine.setCredential('edgeIqApi', sandboxCredentialData(sandbox).edgeIq);
	sandbox.edgeIq.fault({ target: 'api', kind: 'status', status: 403, body: { message: 'Forbidden' }, times: 2 });
	const result = await engine.run({ nodeType: 'edgeIq', parameters: { resource: 'session', operation: 'getCurrentUser' }, credentials: { edgeIqApi: id } });
	expect(result.error.message).toMatch(/permission/);
	expect(sandbox.edgeIq.stats()).toMatchObject({ logins: 2, apiCalls: 2 });
});

describe('Elevate IQ customers: pages wrapped in an envelope', () => {
	const run = (parameters) => {
		const engine = createEngine();
		const id = engine.setCredential('elevateIqApi', sandboxCredentialData(sandbox).elevateIq);
		return engine.run({ nodeType: 'elevateIq', parameters: { resource: 'customer', operation: 'getAll', ...parameters }, credentials: { elevateIqApi: id } });
	};
	beforeEach(() => sandbox.elevateIq.reset({ state: true }));

	test('Return All follows the pages the provider says exist', async () => {
		const page = (ids) => ({ data: ids.map((n) => ({ id: n })), page: 1, totalPages: 3 });
		for (const ids of [[1, 2], [3, 4], [5]]) sandbox.elevateIq.fault({ target: 'api', kind: 'status', status: 200, body: page(ids) });
		const result = await run({ returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.id)).toEqual([1, 2, 3, 4, 5]);
		expect(sandbox.elevateIq.stats().apiCalls).toBe(3);
	});

	test('a page it cannot read fails instead of returning a partial list', async () => {
		sandbox.elevateIq.fault({ target: 'api', kind: 'status', status: 200, body: { customers: 'none', count: 3 } });
		const result = await run({ returnAll: true });
		expect(result.error.message).toMatch(/instead of a list/);
	});
});

test("the node's own Timeout of exactly 300 s is kept (n8n's default value, but set by the user)", async () => {
	sandbox.elevateIq.reset({ state: true });
	const engine = createEngine();
	const id = engine.setCredential('elevateIqApi', { ...sandboxCredentialData(sandbox).elevateIq, timeoutSeconds: 1 });
	const run = (requestOptions) =>
		engine.run({ nodeType: 'elevateIq', parameters: { ...customCall('/echo'), requestOptions }, credentials: { elevateIqApi: id } });
	expect((await run({})).error).toBeUndefined();
	sandbox.elevateIq.fault({ target: 'api', kind: 'delay', delayMs: 1500 });
	expect((await run({ timeout: 300_000 })).error).toBeUndefined();
	sandbox.elevateIq.fault({ target: 'api', kind: 'delay', delayMs: 1500 });
	expect((await run({})).error.message).toMatch(/did not answer the request within 1 s/);
});
