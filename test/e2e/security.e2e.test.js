'use strict';
/**
 * The token goes only where it belongs, in a REAL n8n with the packed package: a hostile second
 * origin (127.0.0.2) records everything it receives and must receive nothing secret. Redirects of
 * API calls and logins, another host in the HTTP Request node, n8n's "Allowed HTTP Request Domains"
 * on a login, and a provider that echoes a short secret back (checked in the run, in n8n's log and
 * in the executions n8n stored, by the secrets scan).
 *
 *   npx jest -c test/e2e/jest.config.js --runInBand test/e2e/security.e2e.test.js
 */
const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./lib/n8n');
const kit = require('./lib/e2eKit');
const { artifactsRoot } = require('./lib/artifacts');
const { startSandbox, ACCOUNTS } = require('../sandbox');
const { startAttacker, INJECTED_TOKEN } = require('../sandbox/attacker');

const SUITE = 'e2e-security';
const SHORT_SECRET = 'Zq7';
let sandbox;
let attacker;
let home;
const issued = new Set();

const cred = (tag, key, type) => ({ id: kit.credId(`sec${tag}`, key), name: `${key} ${tag}`, type });
const CREDS = {
	eiqNode: cred('node', 'elevateIq', 'elevateIqApi'),
	eiqHttp: cred('http', 'elevateIq', 'elevateIqApi'),
	eiqLogin: cred('login', 'elevateIq', 'elevateIqApi'),
	elyssaLogin: cred('login', 'elyssa', 'elyssaApi'),
	elyssaShort: cred('short', 'elyssa', 'elyssaApi'),
	eConnectDomains: cred('dom', 'eConnect', 'eConnectApi'),
};
const WF = {
	apiRedirectNode: 'secApiRedirNode',
	apiRedirectHttp: 'secApiRedirHttp',
	loginRedirectHttp: 'secLoginRedirHt',
	loginOperationRedirect: 'secLoginOpRedir',
	otherHost: 'secOtherHost0001',
	domains: 'secDomains000001',
	shortSecret: 'secShortSecret01',
};

async function exec(caseName, wfId) {
	const r = await n8n.execute(home, wfId);
	for (const key of ['elevateIq', 'elyssa', 'eConnect']) for (const t of sandbox[key].tokensIssued()) issued.add(t);
	kit.recordArtifact(SUITE, `${caseName}-run`, r.json ?? { missing: true });
	kit.recordArtifact(SUITE, `${caseName}-n8n-log`, { stdout: r.stdout.slice(-200_000), stderr: r.stderr.slice(-200_000) });
	return { r, error: n8n.runErrorOf(r.json) };
}

const echo = { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo' };
const secrets = () => [ACCOUNTS.elevateIq.password, ACCOUNTS.elyssa.companyId, ACCOUNTS.eConnect.password, ...issued];

beforeAll(async () => {
	[sandbox, attacker] = await Promise.all([startSandbox(), startAttacker()]);
	home = await n8n.createN8nHome({ tarball: kit.tarballPath(), env: kit.N8N_ENV });
	const eiq = { baseUrl: sandbox.elevateIq.baseUrl, authMode: 'credentials', username: ACCOUNTS.elevateIq.username, password: ACCOUNTS.elevateIq.password, authPath: '/authenticate' };
	const elyssa = { baseUrl: sandbox.elyssa.baseUrl, companyId: ACCOUNTS.elyssa.companyId };
	await n8n.importCredentials(home, [
		{ ...CREDS.eiqNode, data: eiq },
		{ ...CREDS.eiqHttp, data: eiq },
		{ ...CREDS.eiqLogin, data: eiq },
		{ ...CREDS.elyssaLogin, data: elyssa },
		{ ...CREDS.elyssaShort, data: { ...elyssa, companyId: SHORT_SECRET } },
		{
			...CREDS.eConnectDomains,
			data: { baseUrl: sandbox.eConnect.baseUrl, username: ACCOUNTS.eConnect.username, password: ACCOUNTS.eConnect.password, allowedHttpRequestDomains: 'domains', allowedDomains: 'example.com' },
		},
	]);
	const ours = (nodeName, credKey, parameters) => kit.ourNode({ nodeName, credType: CREDS[credKey].type, parameters, cred: CREDS[credKey] });
	const http = (credKey, url) => kit.httpRequestNode({ credType: CREDS[credKey].type, cred: CREDS[credKey], url });
	const wf = (id, node) => n8n.buildWorkflow({ id, items: kit.items(1), nodes: [node] });
	await n8n.importWorkflows(home, [
		wf(WF.apiRedirectNode, ours('elevateIq', 'eiqNode', echo)),
		wf(WF.apiRedirectHttp, http('eiqHttp', `${sandbox.elevateIq.baseUrl}/echo`)),
		wf(WF.loginRedirectHttp, http('eiqLogin', `${sandbox.elevateIq.baseUrl}/echo`)),
		wf(WF.loginOperationRedirect, ours('elyssa', 'elyssaLogin', { resource: 'token', operation: 'logIn' })),
		wf(WF.otherHost, http('eiqHttp', attacker.url('/collect'))),
		wf(WF.domains, ours('eConnect', 'eConnectDomains', echo)),
		wf(WF.shortSecret, ours('elyssa', 'elyssaShort', echo)),
	]);
}, 5 * 60_000);

afterAll(async () => {
	const dir = path.join(artifactsRoot(), SUITE);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'issued-tokens.json'), JSON.stringify({ suite: SUITE, tokens: [...issued] }));
	fs.writeFileSync(path.join(dir, 'extra-secrets.json'), JSON.stringify({ always: [SHORT_SECRET] }));
	kit.recordArtifact(SUITE, 'attacker-received', attacker?.received() ?? []);
	await Promise.all([sandbox?.close(), attacker?.close()]);
	if (home) await kit.keepStoredExecutions(home, SUITE);
	if (home) await n8n.removeN8nHome(home);
});

beforeEach(() => {
	sandbox.resetAll();
	attacker.reset();
});

const redirect = (key, target, status) => sandbox[key].fault({ target, kind: 'status', status, headers: { Location: attacker.url('/x') }, body: '' });

describe('in a real n8n: the token goes only where it belongs', () => {
	test('our node: an API call redirected to another origin is followed without the token', async () => {
		redirect('elevateIq', 'api', 302);
		const { r } = await exec('api-redirect-node', WF.apiRedirectNode);
		expect(kit.describeRun(r)).toMatch(/status success/);
		expect(attacker.received()).toHaveLength(1);
		expect(attacker.leaks(secrets())).toEqual([]);
	});

	test("n8n's HTTP Request node: an API call redirected (307) to another origin is followed without the token", async () => {
		redirect('elevateIq', 'api', 307);
		const { r } = await exec('api-redirect-http', WF.apiRedirectHttp);
		expect(kit.describeRun(r)).toMatch(/status success/);
		expect(attacker.received()).toHaveLength(1);
		expect(attacker.leaks(secrets())).toEqual([]);
	});

	test("n8n's HTTP Request node: a login redirected (308) is not followed, and the error names both hosts", async () => {
		redirect('elevateIq', 'login', 308);
		const { error } = await exec('login-redirect-http', WF.loginRedirectHttp);
		expect(`${error?.message} ${error?.description}`).toContain(attacker.host);
		expect(attacker.received()).toHaveLength(0);
		expect(sandbox.elevateIq.stats().apiCalls).toBe(0);
	});

	test('Elyssa Token → Log In: a login redirected (307) is not followed, no injected token is returned', async () => {
		redirect('elyssa', 'login', 307);
		const { r, error } = await exec('login-operation-redirect', WF.loginOperationRedirect);
		expect(error?.message).toContain(attacker.host);
		expect(attacker.received()).toHaveLength(0);
		expect(JSON.stringify(r.json ?? {})).not.toContain(INJECTED_TOKEN);
	});

	test("n8n's HTTP Request node: another host is refused before sending, with how to allow it", async () => {
		const { error } = await exec('other-host', WF.otherHost);
		expect(`${error?.message} ${error?.description}`).toMatch(/Allowed HTTP Request Domains/);
		expect(attacker.received()).toHaveLength(0);
	});

	test("a credential whose Allowed HTTP Request Domains exclude the provider makes no login from our node", async () => {
		const { error } = await exec('allowed-domains', WF.domains);
		expect(error?.message).toMatch(/Allowed HTTP Request Domains/);
		expect(sandbox.eConnect.stats()).toMatchObject({ logins: 0, total: 0 });
	});

	test('a provider that echoes a short company ID in its refusal: the error does not repeat it', async () => {
		sandbox.elyssa.fault({ target: 'login', kind: 'status', status: 401, body: { message: `Unknown company ${SHORT_SECRET}` } });
		const { r, error } = await exec('short-secret-echo', WF.shortSecret);
		expect(error?.message).toMatch(/401/);
		expect(JSON.stringify(r.json ?? {})).not.toMatch(new RegExp(`(^|[^A-Za-z0-9])${SHORT_SECRET}(?![A-Za-z0-9])`));
	});
});
