'use strict';

/**
 * Our credentials in n8n's HTTP Request node path, in-process and deterministic: n8n-core's legacy
 * requestWithAuthentication (what HttpRequestV3 calls for a "Predefined Credential Type"), with
 * every item's request started at once (harness stand-in for the node, see harness.js).
 *
 * That path retries a failed request only when preAuthentication returns a token, and it starts
 * all items before any answer, so a token the provider stops accepting is refused for several
 * items at the same moment: each of them must be retried, with one login shared by all.
 */

const { createEngine } = require('./harness');
const { startSandbox } = require('../sandbox');
const { sandboxCredentialData, EXAMPLE_CREDENTIALS } = require('../../examples/sandboxCredentials');

const ITEMS = 20;
const PROVIDERS = Object.keys(EXAMPLE_CREDENTIALS);

/** @type {import('../sandbox').Sandbox} */
let sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox?.close();
});

const renewals = (s) => s.logins - s.loginFailures + (s.refreshes - s.refreshFailures);

describe.each(PROVIDERS)("%s credential in n8n's HTTP Request node path (legacy requestWithAuthentication)", (key) => {
	const type = EXAMPLE_CREDENTIALS[key].type;
	let engine;
	let id;
	const run = () =>
		engine.run({
			nodeType: 'n8n-nodes-base.httpRequest',
			parameters: { nodeCredentialType: type, url: `${sandbox[key].baseUrl}/echo` },
			credentials: { [type]: id },
			items: Array.from({ length: ITEMS }, (_, i) => ({ i })),
		});

	beforeAll(() => {
		sandbox.resetAll({ state: true });
		engine = createEngine();
		id = engine.setCredential(type, sandboxCredentialData(sandbox)[key]);
	});

	beforeEach(() => {
		sandbox[key].reset();
		engine.resetStats();
	});

	test(`cold: ${ITEMS} items at once cost 1 login and 1 credential write`, async () => {
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(ITEMS);
		expect(sandbox[key].stats()).toMatchObject({ logins: 1, refreshes: 0, rejected: 0, apiCalls: ITEMS });
		expect(engine.stats().credentialWrites).toBe(1);
	});

	test('token past its known expiry (stored by an earlier process): 0 rejected, 1 renewal for all, all succeed', async () => {
		expect((await run()).error).toBeUndefined();
		const past = new Date(Date.now() - 1000).toISOString();
		engine.updateCredential(id, (data) => ({ ...data, sessionExpiresAt: past }));
		engine.restartProcess();
		sandbox[key].reset();
		engine.resetStats();
		const result = await run();
		const s = sandbox[key].stats();
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(ITEMS);
		expect({ rejected: s.rejected, renewals: renewals(s), apiCalls: s.apiCalls }).toEqual({ rejected: 0, renewals: 1, apiCalls: ITEMS });
		expect(engine.stats().credentialWrites).toBeGreaterThanOrEqual(1);
	});

	test('token revoked by the provider: every refused item is retried once, 1 renewal for all, all succeed', async () => {
		expect((await run()).error).toBeUndefined();
		sandbox[key].revokeTokens();
		sandbox[key].reset();
		const result = await run();
		const s = sandbox[key].stats();
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(ITEMS);
		// the sandbox also counts a refused renewal (revoked refresh token or JWT) as rejected
		const refusedApiCalls = s.rejected - s.refreshFailures;
		expect(refusedApiCalls).toBeGreaterThanOrEqual(1);
		expect(s.apiCalls).toBe(ITEMS + refusedApiCalls);
		expect(renewals(s)).toBe(1);
		// n8n writes what preAuthentication returns on each retry: at most once per refused item
		expect(engine.stats().credentialWrites).toBeLessThanOrEqual(refusedApiCalls);
	});
});
