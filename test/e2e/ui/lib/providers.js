'use strict';
/**
 * What the README promises a person sees in the editor, per provider: the credential's fields and
 * mode switches, the node's resources and operations with their fields, the action the suite
 * adds the node with and executes from the editor, and the example workflow. Values come from the sandbox's accounts.
 */
const { ACCOUNTS } = require('../../../sandbox');
const { EXAMPLE_CREDENTIALS } = require('../../../../examples/sandboxCredentials');

// fill: what a person types into the required fields before the panel may show no issue
// JSON Body shows for the methods that send one
const CUSTOM_CALL = { resource: 'Custom API Call', operation: 'Make a Request', fields: ['Method', 'Path', 'Query Parameters', 'Headers'], fill: { path: '/status' }, switch: { param: 'method', option: 'POST', shows: 'JSON Body' } };

/** credential.values(sandbox) takes what npm start's sandbox says about itself (npmStart's app.sandbox). */
function providers() {
	return [
		{
			key: 'elevateIq',
			node: 'Elevate IQ',
			credentialType: 'Elevate IQ API',
			icon: 'elevateiq',
			credential: {
				fields: { baseUrl: 'API Endpoint URL', authMode: 'Authentication', username: 'API Username', password: 'API Password', authPath: 'Authentication Path' },
				values: (sb) => ({ baseUrl: sb.elevateIq.baseUrl, username: ACCOUNTS.elevateIq.username }),
				secret: 'password',
				right: ACCOUNTS.elevateIq.password,
				modes: [{ param: 'authMode', option: 'Ready Access Token', shows: { accessToken: 'Access Token' }, hides: ['username', 'password', 'authPath'], back: 'API Username & Password (Token Renewed Automatically)' }],
			},
			wrongMessage: /Elevate IQ/,
			operations: [
				{ resource: 'Customer', operation: 'Get Many', fields: ['Return All', 'Limit'], returnAll: true },
				{ resource: 'Token', operation: 'Get', fields: [] },
				{ resource: 'User', operation: 'Create', fields: ['Username', 'Email', 'Additional Fields'], fill: { username: 'new.user', email: 'new.user@example.com' } },
				{ resource: 'User', operation: 'Get Many', fields: ['Return All', 'Limit'], returnAll: true },
				{ resource: 'User', operation: 'Update', fields: ['User ID', 'Update Fields'], fill: { userId: '42' } },
				{ resource: 'User Role', operation: 'Get Many', fields: [] },
				CUSTOM_CALL,
			],
			execute: { action: 'Get many user roles', resource: 'User Role', operation: 'Get Many', tokenOutput: false },
		},
		{
			key: 'elyssa',
			node: 'Elyssa App',
			credentialType: 'Elyssa App API',
			icon: 'elyssa',
			credential: {
				fields: { baseUrl: 'Base URL', companyId: 'Company ID' },
				values: (sb) => ({ baseUrl: sb.elyssa.baseUrl }),
				secret: 'companyId',
				right: ACCOUNTS.elyssa.companyId,
				modes: [],
			},
			wrongMessage: /Elyssa App/,
			operations: [{ resource: 'Token', operation: 'Log In', fields: [] }, { resource: 'Token', operation: 'Refresh', fields: ['Refresh Token'] }, CUSTOM_CALL],
			execute: { action: 'Log in and get tokens', resource: 'Token', operation: 'Log In', tokenOutput: true },
		},
		{
			key: 'edgeIq',
			node: 'EdgeIQ',
			credentialType: 'EdgeIQ API',
			icon: 'edgeiq',
			credential: {
				fields: { baseUrl: 'Base URL', authMode: 'Authentication', email: 'Email', password: 'Password' },
				values: (sb) => ({ baseUrl: sb.edgeIq.baseUrl, email: ACCOUNTS.edgeIq.email }),
				secret: 'password',
				right: ACCOUNTS.edgeIq.password,
				modes: [{ param: 'authMode', option: 'Permanent API Token', shows: { apiToken: 'API Token' }, hides: ['email', 'password'], back: 'Email & Password (Session Token, Renewed Automatically)' }],
			},
			wrongMessage: /EdgeIQ/,
			operations: [
				{ resource: 'API Token', operation: 'Reset', fields: [] },
				{ resource: 'Password', operation: 'Request Reset', fields: ['Email', 'Reset URL', 'Additional Fields'], fill: { email: 'ops@example.com' } },
				{ resource: 'Password', operation: 'Reset', fields: ['Reset Token', 'New Password', 'Confirm New Password'], fill: { resetToken: 'reset-token-1', newPassword: 'New-Passw0rd', passwordConfirmation: 'New-Passw0rd' } },
				{ resource: 'Session', operation: 'Create', fields: ['Token Expiry'] },
				{ resource: 'Session', operation: 'Get Current User', fields: [] },
				CUSTOM_CALL,
			],
			execute: { action: 'Get the current user', resource: 'Session', operation: 'Get Current User', tokenOutput: false },
		},
		{
			key: 'intelePeer',
			node: 'IntelePeer',
			credentialType: 'IntelePeer API',
			icon: 'intelepeer',
			credential: {
				fields: { authUrl: 'Authentication URL', baseUrl: 'API Base URL', username: 'Username', password: 'Password', headerStyle: 'Authorization Header Style' },
				values: (sb) => ({ authUrl: sb.intelePeer.authUrl, baseUrl: sb.intelePeer.baseUrl, username: ACCOUNTS.intelePeer.username }),
				secret: 'password',
				right: ACCOUNTS.intelePeer.password,
				// the header style changes how the token is sent, not which fields there are
				modes: [{ param: 'headerStyle', option: 'Raw Token', shows: {}, hides: [], back: 'Bearer Token' }],
			},
			wrongMessage: /IntelePeer/,
			operations: [{ resource: 'Token', operation: 'Get', fields: [] }, { resource: 'Token', operation: 'Get SMS Portal Token', fields: [] }, CUSTOM_CALL],
			// Get answers from the credential's valid token without a call: the SMS portal token is a real call
			execute: { action: 'Get the API token', resource: 'Token', operation: 'Get SMS Portal Token', tokenOutput: true },
		},
		{
			key: 'eConnect',
			node: 'eConnect',
			credentialType: 'eConnect API',
			icon: 'econnect',
			credential: {
				fields: { baseUrl: 'Base URL', username: 'Username', password: 'Password' },
				values: (sb) => ({ baseUrl: sb.eConnect.baseUrl, username: ACCOUNTS.eConnect.username }),
				secret: 'password',
				right: ACCOUNTS.eConnect.password,
				modes: [],
			},
			wrongMessage: /eConnect/,
			operations: [{ resource: 'Token', operation: 'Log In', fields: [] }, { resource: 'Token', operation: 'Renew', fields: ['Token'] }, CUSTOM_CALL],
			execute: { action: 'Log in and get a JWT', resource: 'Token', operation: 'Log In', tokenOutput: true },
		},
	].map((p) => ({ ...p, exampleCredential: EXAMPLE_CREDENTIALS[p.key], browserCredential: `${p.node} (browser)` }));
}

module.exports = { providers };
