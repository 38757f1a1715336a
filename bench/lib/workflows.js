'use strict';
/**
 * Credentials and workflows of the benchmark, per provider. Every scenario gets its own
 * credential so "cold" really means a credential that has never held a token.
 */

const n8n = require('../../test/e2e/lib/n8n');
const { sandboxCredentialData } = require('../../examples/sandboxCredentials');
const { ACCOUNTS } = require('../../test/sandbox');
const { id16 } = require('./util');

const PROVIDERS = ['elevateIq', 'elyssa', 'edgeIq', 'intelePeer', 'eConnect'];
const CREDENTIAL_TYPE = { elevateIq: 'elevateIqApi', elyssa: 'elyssaApi', edgeIq: 'edgeIqApi', intelePeer: 'intelePeerApi', eConnect: 'eConnectApi' };
const PKG = 'n8n-nodes-token-auth';

const PROVIDER_NODE = 'Provider';
const HTTP_NODE = 'HTTP Request';

/** Direct login with fetch: the token a user would paste into a static header credential. */
async function staticToken(sandbox, key) {
	const post = async (url, body) => {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const text = await res.text();
		if (!res.ok) throw new Error(`direct login ${key} ${url}: ${res.status} ${text.slice(0, 200)}`);
		return JSON.parse(text);
	};
	const p = sandbox[key];
	switch (key) {
		case 'elevateIq':
			return { header: `Bearer ${(await post(`${p.baseUrl}/authenticate`, { username: ACCOUNTS.elevateIq.username, password: ACCOUNTS.elevateIq.password })).token}` };
		case 'elyssa':
			return { header: `Bearer ${(await post(`${p.baseUrl}/auth/login/`, { companyId: ACCOUNTS.elyssa.companyId })).accessToken}` };
		case 'edgeIq':
			return { header: (await post(`${p.baseUrl}/user/authenticate`, { email: ACCOUNTS.edgeIq.email, password: ACCOUNTS.edgeIq.password })).session_token };
		case 'intelePeer':
			return { header: `Bearer ${(await post(p.authUrl, { username: ACCOUNTS.intelePeer.username, password: ACCOUNTS.intelePeer.password })).data}` };
		case 'eConnect':
			return { header: `Bearer ${(await post(`${p.baseUrl}/api/v1/authenticate`, { username: ACCOUNTS.eConnect.username, password: ACCOUNTS.eConnect.password })).token}` };
		default:
			throw new Error(`no direct login for ${key}`);
	}
}

/** Everything the benchmark imports for one provider (index i keeps ids unique). */
function providerSetup(sandbox, key, i, { items, staticHeader }) {
	const type = CREDENTIAL_TYPE[key];
	const data = sandboxCredentialData(sandbox)[key];
	const cred = (tag) => ({ id: id16('bc', tag, 'p', i), name: `bench ${key} ${tag}`, type, data: { ...data } });
	const creds = {
		s1: cred('s1'),
		s2: cred('s2'),
		s4c: cred('s4c'),
		s4e: cred('s4e'),
		live: cred('live'),
		static: { id: id16('bc', 'static', 'p', i), name: `bench ${key} static header`, type: 'httpHeaderAuth', data: { name: 'Authorization', value: staticHeader } },
	};
	const ref = (c) => ({ [c.type]: { id: c.id, name: c.name } });
	const echoUrl = `${sandbox[key].baseUrl}/echo`;
	const providerNode = (c, name = PROVIDER_NODE) => ({
		name,
		type: `${PKG}.${key}`,
		typeVersion: 1,
		parameters: { resource: 'customApiCall', operation: 'request', method: 'GET', path: '/echo' },
		credentials: ref(c),
	});
	const httpNode = (c, name = HTTP_NODE) => ({
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { method: 'GET', url: echoUrl, authentication: 'predefinedCredentialType', nodeCredentialType: type, options: {} },
		credentials: ref(c),
	});
	const staticHttpNode = (c) => ({
		name: HTTP_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { method: 'GET', url: echoUrl, authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth', options: {} },
		credentials: ref(c),
	});
	const itemList = Array.from({ length: items }, (_, n) => ({ n }));
	const wf = (tag, nodes, its = itemList) => n8n.buildWorkflow({ id: id16('bw', tag, 'p', i), name: `bench ${key} ${tag}`, items: its, nodes });
	const splitBody = { name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.items', options: {} } };
	const hook = (tag, node) => {
		const hookPath = `bench-${key.toLowerCase()}-${tag}`;
		return { path: hookPath, workflow: n8n.buildWebhookWorkflow({ id: id16('bh', tag, 'p', i), name: `bench ${key} hook ${tag}`, path: hookPath, method: 'POST', nodes: [splitBody, node] }) };
	};
	const workflows = {
		s1: wf('s1', [providerNode(creds.s1)]),
		s2: wf('s2', [providerNode(creds.s2)]),
		s4c: wf('s4c', [httpNode(creds.s4c)]),
		s4e: wf('s4e', [httpNode(creds.s4e)]),
		// one item each, in separate executions (n8n processes): store a short-lived token in s2's
		// and in s4e's credential (within one process the package hands a token to n8n once, so a
		// second credential of the same account would not get it stored there)
		warmNode: wf('warmNode', [providerNode(creds.s2)], [{ n: 0 }]),
		warmHttp: wf('warmHttp', [httpNode(creds.s4e)], [{ n: 0 }]),
	};
	const hooks = { provider: hook('prov', providerNode(creds.live)), http: hook('http', staticHttpNode(creds.static)) };
	return { key, type, creds, workflows, hooks };
}

module.exports = { PROVIDERS, CREDENTIAL_TYPE, PROVIDER_NODE, HTTP_NODE, staticToken, providerSetup };
