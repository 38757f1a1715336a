'use strict';

/**
 * Checks of the engine harness itself (not of the package's behaviour): what it loads, how its
 * credential store and CredentialsHelper behave, what a restart replaces. Needs `npm run build`.
 */

const path = require('path');
const { createEngine, describeError, N8N_VERSION_REPRODUCED } = require('./harness');
const { startSandbox, ACCOUNTS } = require('../sandbox');

const packageJson = require('../../package.json');

let sandbox;
let engine;

beforeAll(async () => {
	sandbox = await startSandbox();
	engine = createEngine();
});

afterAll(async () => {
	await sandbox?.close();
});

beforeEach(() => sandbox.resetAll());

test('loads every node and credential type listed in package.json, named as n8n names them', () => {
	expect(N8N_VERSION_REPRODUCED).toBe('2.41.1');
	const nodeNames = packageJson.n8n.nodes.map((p) => path.basename(p, '.node.js'));
	expect(engine.nodeTypeNames()).toHaveLength(nodeNames.length);
	for (const name of engine.nodeTypeNames()) expect(name.startsWith(`${packageJson.name}.`)).toBe(true);
	expect(engine.credentialTypeNames()).toHaveLength(packageJson.n8n.credentials.length);
	// n8n's loader adds the declarative "requestOptions" (batching, proxy, timeout) to declarative nodes.
	const edge = engine.nodeType('edgeIq');
	expect(edge.description.properties.some((p) => p.name === 'requestOptions')).toBe(true);
	expect(typeof edge.execute).toBe('function'); // assigned like the CLI's NodeTypes does
});

test('the store returns fresh copies; getDecrypted applies property defaults like a DB read + n8n defaults', async () => {
	const id = engine.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, email: 'a@example.com', password: 'x-123456' });
	const a = engine.getCredential(id);
	a.email = 'changed@example.com';
	expect(engine.getCredential(id).email).toBe('a@example.com');
	expect(engine.getCredential(id)).not.toHaveProperty('sessionToken');
	const decrypted = await engine.getDecryptedCredential(id);
	expect(decrypted.sessionToken).toBe(''); // the expirable field's default: what triggers preAuthentication
	expect(decrypted.authMode).toBe('session');
	expect(() => engine.setCredential('noSuchApi', {})).toThrow();
});

test('credentialTest: forced preAuthentication writes the credential, the literal 2.41.1 path does not when a token is stored', async () => {
	const id = engine.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, email: ACCOUNTS.edgeIq.email, password: ACCOUNTS.edgeIq.password });
	expect(await engine.credentialTest('edgeIqApi', id)).toEqual({ status: 'OK', message: 'Connection successful!' });
	engine.resetStats();
	expect(await engine.credentialTest('edgeIqApi', id, { forcePreAuthentication: false })).toMatchObject({ status: 'OK' });
	expect(engine.stats().credentialWrites).toBe(0);
	expect(await engine.credentialTest('edgeIqApi', id)).toMatchObject({ status: 'OK' });
	expect(engine.stats().credentialWrites).toBe(1);
	expect(await engine.credentialTest('edgeIqApi', 'missing')).toMatchObject({ status: 'Error' });
});

test('restartProcess replaces n8n-core, n8n-workflow and the package modules, keeps the credentials', () => {
	const fresh = createEngine();
	const id = fresh.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, email: 'b@example.com', password: 'y-123456' });
	const before = { workflow: fresh.n8n.workflow, core: fresh.n8n.core, credentials: fresh.dist('credentials/EdgeIqApi.credentials.js') };
	fresh.restartProcess();
	expect(fresh.n8n.workflow).not.toBe(before.workflow);
	expect(fresh.n8n.core).not.toBe(before.core);
	expect(fresh.dist('credentials/EdgeIqApi.credentials.js')).not.toBe(before.credentials);
	expect(fresh.getCredential(id).email).toBe('b@example.com');
	// Engines are separate processes: their package modules are not shared either.
	expect(engine.dist('nodes/shared/token/lifecycle.js')).not.toBe(fresh.dist('nodes/shared/token/lifecycle.js'));
});

test('a node error thrown by the package comes back as result.error (an n8n error of the engine\'s n8n-workflow)', async () => {
	const id = engine.setCredential('edgeIqApi', { baseUrl: sandbox.edgeIq.baseUrl, email: ACCOUNTS.edgeIq.email, password: ACCOUNTS.edgeIq.password });
	const result = await engine.run({
		nodeType: 'edgeIq',
		parameters: { resource: 'customApiCall', operation: 'request', method: 'GET', path: 'https://elsewhere.example.com/x' },
		credentials: { edgeIqApi: id },
	});
	expect(result.status).toBe('error');
	// RoutingNode re-wraps anything but a NodeApiError from a preSend into a NodeApiError.
	expect(result.error).toBeInstanceOf(engine.n8n.workflow.NodeApiError);
	expect(result.error.message).toMatch(/outside the credential's base URL/);
	expect(describeError(result.error)).toMatchObject({ itemIndex: 0 });
	// n8n's own record of the failure is a plain copy.
	expect(result.executionError.message).toBe(result.error.message);
	expect(sandbox.edgeIq.stats().total).toBe(0);
});
