'use strict';
/**
 * The five single-provider packages built beside the all-in-one n8n-nodes-token-auth: only what
 * cannot be derived. `packageName`; where its credential and node are in dist/; `title`, its name
 * as README.md spells it (the `### <title> (`credType`)` heading, the first cell of its rows in
 * the Operations and Errors tables); `stem`, how README.md names it in running text (case-
 * sensitive, so `elyssaApi` is no mention of Elyssa: a paragraph naming another provider's stem is
 * left out of this provider's README); `keyword` for npm. Shared code, icons, README text and
 * package.json fields are derived from these and from the root package.
 */
const PROVIDERS = [
	{ key: 'elevateIq', stem: 'Elevate', packageName: 'n8n-nodes-elevate-iq', title: 'Elevate IQ', credential: 'dist/credentials/ElevateIqApi.credentials.js', node: 'dist/nodes/ElevateIq/ElevateIq.node.js', keyword: 'elevate-iq' },
	{ key: 'elyssa', stem: 'Elyssa', packageName: 'n8n-nodes-elyssa', title: 'Elyssa App', credential: 'dist/credentials/ElyssaApi.credentials.js', node: 'dist/nodes/Elyssa/Elyssa.node.js', keyword: 'elyssa' },
	{ key: 'edgeIq', stem: 'EdgeIQ', packageName: 'n8n-nodes-edgeiq', title: 'EdgeIQ', credential: 'dist/credentials/EdgeIqApi.credentials.js', node: 'dist/nodes/EdgeIq/EdgeIq.node.js', keyword: 'edgeiq' },
	{ key: 'intelePeer', stem: 'IntelePeer', packageName: 'n8n-nodes-intelepeer', title: 'IntelePeer', credential: 'dist/credentials/IntelePeerApi.credentials.js', node: 'dist/nodes/IntelePeer/IntelePeer.node.js', keyword: 'intelepeer' },
	{ key: 'eConnect', stem: 'eConnect', packageName: 'n8n-nodes-econnect', title: 'eConnect', credential: 'dist/credentials/EConnectApi.credentials.js', node: 'dist/nodes/EConnect/EConnect.node.js', keyword: 'econnect' },
];

module.exports = { PROVIDERS };
