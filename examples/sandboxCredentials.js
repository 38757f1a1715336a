'use strict';
/**
 * The credentials the example workflows use, pointed at a running provider sandbox.
 * Shared by `npm start`, the end-to-end suite and the benchmark. Ids and names match the
 * `credentials` blocks in examples/*.json.
 */
const { ACCOUNTS } = require('../test/sandbox');

const EXAMPLE_CREDENTIALS = {
	elevateIq: { id: 'cElevateIqSandbx', name: 'Elevate IQ (sandbox)', type: 'elevateIqApi' },
	elyssa: { id: 'cElyssaSandboxCr', name: 'Elyssa App (sandbox)', type: 'elyssaApi' },
	edgeIq: { id: 'cEdgeIqSandboxCr', name: 'EdgeIQ (sandbox)', type: 'edgeIqApi' },
	intelePeer: { id: 'cIntelePeerSandb', name: 'IntelePeer (sandbox)', type: 'intelePeerApi' },
	eConnect: { id: 'cEConnectSandbox', name: 'eConnect (sandbox)', type: 'eConnectApi' },
};

/** Credential data per provider key; `sessionToken: ''` makes n8n ask the credential for a token. */
function sandboxCredentialData(sandbox) {
	const empty = { sessionToken: '' };
	return {
		elevateIq: {
			baseUrl: sandbox.elevateIq.baseUrl,
			authMode: 'credentials',
			username: ACCOUNTS.elevateIq.username,
			password: ACCOUNTS.elevateIq.password,
			authPath: '/authenticate',
			...empty,
		},
		elyssa: { baseUrl: sandbox.elyssa.baseUrl, companyId: ACCOUNTS.elyssa.companyId, ...empty },
		edgeIq: {
			baseUrl: sandbox.edgeIq.baseUrl,
			authMode: 'session',
			email: ACCOUNTS.edgeIq.email,
			password: ACCOUNTS.edgeIq.password,
			...empty,
		},
		intelePeer: {
			authUrl: sandbox.intelePeer.authUrl,
			baseUrl: sandbox.intelePeer.baseUrl,
			username: ACCOUNTS.intelePeer.username,
			password: ACCOUNTS.intelePeer.password,
			headerStyle: 'bearer',
			...empty,
		},
		eConnect: {
			baseUrl: sandbox.eConnect.baseUrl,
			username: ACCOUNTS.eConnect.username,
			password: ACCOUNTS.eConnect.password,
			...empty,
		},
	};
}

/** What `n8n import:credentials` takes: one credential per provider, as the examples reference them. */
function exampleCredentials(sandbox) {
	const data = sandboxCredentialData(sandbox);
	return Object.entries(EXAMPLE_CREDENTIALS).map(([key, meta]) => ({ ...meta, data: data[key] }));
}

module.exports = { EXAMPLE_CREDENTIALS, sandboxCredentialData, exampleCredentials };
