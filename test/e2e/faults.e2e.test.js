'use strict';
/**
 * Faults through n8n's own HTTP Request node (v4.2, "Predefined Credential Type" with our
 * credential) in a REAL n8n: that path (legacy requestWithAuthentication, preAuthentication again
 * after ANY error) only exists there. Exact sandbox counters and error texts from the execution
 * JSON. Every run JSON and n8n's stdout/stderr (its log) are recorded for the secrets scan.
 *
 *   npx jest -c test/e2e/jest.config.js --runInBand test/e2e/faults.e2e.test.js
 */
const n8n = require('./lib/n8n');
const kit = require('./lib/e2eKit');
const { startSandbox, ACCOUNTS } = require('../sandbox');

const SUITE = 'e2e-faults';
const summary = [];
let sandbox;
let home;
const issued = new Set();

const CREDS = {
	revoked: { id: kit.credId('fltrev', 'elevateIq'), name: 'EIQ revoked', type: 'elevateIqApi' },
	wrong: { id: kit.credId('fltwrong', 'elevateIq'), name: 'EIQ wrong password', type: 'elevateIqApi' },
	outage: { id: kit.credId('flt500', 'elevateIq'), name: 'EIQ 500', type: 'elevateIqApi' },
	expired: { id: kit.credId('fltexp', 'elevateIq'), name: 'EIQ expired', type: 'elevateIqApi' },
	edgeRevoked: { id: kit.credId('fltrev', 'edgeIq'), name: 'EdgeIQ revoked', type: 'edgeIqApi' },
};
const WF = { revoked: 'fltRevoked1', wrong: 'fltWrong1', outage: 'fltOutage1', expired: 'fltExpired1', edgeRevoked: 'fltEdgeRev1' };

function collectTokens() {
	for (const key of ['elevateIq', 'edgeIq']) for (const t of sandbox[key].tokensIssued()) issued.add(t);
}

async function exec(caseName, wfId, handle) {
	const r = await n8n.execute(home, wfId);
	collectTokens();
	kit.recordArtifact(SUITE, `${caseName}-run`, r.json ?? { missing: true });
	// n8n's own log output of this execution: the scan checks it for tokens and passwords.
	kit.recordArtifact(SUITE, `${caseName}-n8n-log`, { stdout: r.stdout.slice(-200_000), stderr: r.stderr.slice(-200_000) });
	const stats = kit.counters(handle);
	return { r, stats, error: n8n.runErrorOf(r.json) };
}

beforeAll(async () => {
	sandbox = await startSandbox();
	home = await n8n.createN8nHome({ tarball: kit.tarballPath(), env: kit.N8N_ENV });
	// Not kit.registerHome: a concurrent e2e run's globalTeardown would delete this home mid-run; afterAll removes it.
	const eiq = (o = {}) => ({ baseUrl: sandbox.elevateIq.baseUrl, authMode: 'credentials', username: ACCOUNTS.elevateIq.username, password: ACCOUNTS.elevateIq.password, ...o });
	await n8n.importCredentials(home, [
		{ ...CREDS.revoked, data: eiq() },
		{ ...CREDS.wrong, data: eiq({ password: 'definitely-wrong-password' }) },
		{ ...CREDS.outage, data: eiq() },
		{ ...CREDS.expired, data: eiq() },
		{ ...CREDS.edgeRevoked, data: { baseUrl: sandbox.edgeIq.baseUrl, authMode: 'session', email: ACCOUNTS.edgeIq.email, password: ACCOUNTS.edgeIq.password } },
	]);
	const wf = (id, credKey, base) =>
		n8n.buildWorkflow({ id, items: kit.items(1), nodes: [kit.httpRequestNode({ credType: CREDS[credKey].type, cred: CREDS[credKey], url: `${base}/echo` })] });
	await n8n.importWorkflows(home, [
		wf(WF.revoked, 'revoked', sandbox.elevateIq.baseUrl),
		wf(WF.wrong, 'wrong', sandbox.elevateIq.baseUrl),
		wf(WF.outage, 'outage', sandbox.elevateIq.baseUrl),
		wf(WF.expired, 'expired', sandbox.elevateIq.baseUrl),
		wf(WF.edgeRevoked, 'edgeRevoked', sandbox.edgeIq.baseUrl),
	]);
}, 5 * 60_000);

afterAll(async () => {
	if (sandbox) collectTokens();
	// Tokens n8n stored in its credentials (incl. ones already revoked) for the secrets scan.
	if (home) {
		try {
			for (const c of await n8n.exportCredentials(home)) {
				for (const [k, v] of Object.entries(c.data || {})) if (/token/i.test(k) && typeof v === 'string' && v.length >= 16) issued.add(v);
			}
		} catch {
			/* best effort */
		}
	}
	kit.recordArtifact(SUITE, 'summary', summary);
	require('node:fs').writeFileSync(
		require('node:path').join(require('./lib/artifacts').artifactsRoot(), SUITE, 'issued-tokens.json'),
		JSON.stringify({ suite: SUITE, tokens: [...issued] }, null, 1),
	);
	console.log(
		['| fault (HTTP Request node) | outcome | logins | apiCalls | rejected | total |', '|---|---|---|---|---|---|']
			.concat(summary.map((s) => `| ${s.fault} | ${s.outcome} | ${s.stats.logins} | ${s.stats.apiCalls} | ${s.stats.rejected} | ${s.stats.total} |`))
			.join('\n'),
	);
	await sandbox?.close();
	if (home) await kit.keepStoredExecutions(home, SUITE);
	if (home) await n8n.removeN8nHome(home);
});

describe('HTTP Request node with our credential: faults in a real n8n', () => {
	// PACKAGE BUG (reported): in the HTTP Request node the retry after preAuthentication re-sends the
	// OLD token (observed: logins 1, apiCalls 2, rejected 2, "Authorization failed"). n8n passes the
	// already-authenticated request options to authenticate() again, and authenticateFor() returns
	// them unchanged because an Authorization header is present (credentialHooks.ts). test.failing
	// turns red once fixed: then make it a plain test.
	test('Elevate IQ token revoked server-side: one 401, one login, one retry, success', async () => {
		const h = sandbox.elevateIq;
		h.reset();
		const warm = await exec('revoked-warm', WF.revoked, h);
		expect(warm.r.code).toBe(0);
		expect(warm.stats).toMatchObject({ logins: 1, apiCalls: 1, rejected: 0 });
		collectTokens();
		h.revokeTokens();
		h.reset();
		const { r, stats } = await exec('revoked', WF.revoked, h);
		summary.push({ fault: 'Elevate IQ token revoked', outcome: r.code === 0 ? 'recovered' : 'failed', stats });
		expect(kit.describeRun(r)).toMatch(/status success/);
		expect(n8n.outputOf(r.json, 'HTTP')[0]).toMatchObject({ path: '/v2/echo', authScheme: 'Bearer' });
		expect(stats).toMatchObject({ logins: 1, refreshes: 0, apiCalls: 2, rejected: 1, total: 3 });
	});

	// Same package bug as above (observed: logins 1, apiCalls 2, rejected 2, "Forbidden").
	test('EdgeIQ session token revoked (403): one 403, one login, one retry, success', async () => {
		const h = sandbox.edgeIq;
		h.reset();
		const warm = await exec('edge-revoked-warm', WF.edgeRevoked, h);
		expect(warm.r.code).toBe(0);
		collectTokens();
		h.revokeTokens();
		h.reset();
		const { r, stats } = await exec('edge-revoked', WF.edgeRevoked, h);
		summary.push({ fault: 'EdgeIQ token revoked (403)', outcome: r.code === 0 ? 'recovered' : 'failed', stats });
		expect(kit.describeRun(r)).toMatch(/status success/);
		expect(n8n.outputOf(r.json, 'HTTP')[0]).toMatchObject({ authScheme: 'raw' });
		expect(stats).toMatchObject({ logins: 1, apiCalls: 2, rejected: 1, total: 3 });
	});

	test('Elevate IQ login refused (wrong password): one login call, no API call, the error names provider, 401 and fix', async () => {
		const h = sandbox.elevateIq;
		h.reset();
		const { r, stats, error } = await exec('login-refused', WF.wrong, h);
		summary.push({ fault: 'Elevate IQ login refused', outcome: error ? 'failed' : 'unexpected success', stats });
		expect(r.code).toBe(1);
		expect(error).toBeDefined();
		const text = `${error.message} ${error.description ?? ''}`;
		expect(text).toMatch(/Elevate IQ refused the login \(401 Invalid username or password\)/);
		expect(text).toMatch(/check the API Username and API Password/);
		expect(text).not.toContain('definitely-wrong-password');
		expect(stats).toMatchObject({ logins: 1, loginFailures: 1, apiCalls: 0, total: 1 });
	});

	test('Elevate IQ API answers 500: clear 500 error, exact calls', async () => {
		const h = sandbox.elevateIq;
		h.reset();
		const warm = await exec('outage-warm', WF.outage, h);
		expect(warm.r.code).toBe(0);
		h.reset();
		h.fault({ target: 'api', kind: 'status', status: 500, times: 0 });
		const { r, stats, error } = await exec('outage-500', WF.outage, h);
		h.clearFaults();
		summary.push({ fault: 'Elevate IQ API 500', outcome: error ? 'failed' : 'unexpected success', stats });
		expect(r.code).toBe(1);
		expect(error).toBeDefined();
		// The HTTP Request node words its own errors (our postReceive does not run there).
		expect(error).toMatchObject({ name: 'NodeApiError', httpCode: '500', message: 'The service was not able to process your request', description: 'Injected fault' });
		// n8n's HTTP Request node runs preAuthentication again after ANY error; the package then
		// logs in again (it cannot see the status there) and n8n retries once: exactly 1 + 2 calls.
		expect(stats).toMatchObject({ logins: 1, apiCalls: 2, rejected: 0, total: 3 });
	});

	test('Elevate IQ token past its known expiry: renewed before sending, nothing rejected', async () => {
		const h = sandbox.elevateIq;
		const original = h.configure({});
		h.configure({ tokenLifetimeSeconds: 3 });
		h.reset();
		const warm = await exec('expired-warm', WF.expired, h);
		h.configure({ tokenLifetimeSeconds: original.tokenLifetimeSeconds });
		expect(warm.r.code).toBe(0);
		collectTokens();
		await kit.sleep(3500);
		h.reset();
		const { r, stats } = await exec('expired', WF.expired, h);
		summary.push({ fault: 'Elevate IQ token expired (known expiry)', outcome: r.code === 0 ? 'recovered' : 'failed', stats });
		expect(kit.describeRun(r)).toMatch(/status success/);
		expect(stats).toMatchObject({ logins: 1, apiCalls: 1, rejected: 0, total: 2 });
	});
});
