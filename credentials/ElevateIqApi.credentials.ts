import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { elevateIqProfile } from '../nodes/ElevateIq/profile';
import { connectionFields } from '../nodes/shared/token/connectionFields';
import { authenticateFor, preAuthenticationFor } from '../nodes/shared/token/credentialHooks';
import { tokenStateProperties } from '../nodes/shared/token/tokenState';

export class ElevateIqApi implements ICredentialType {
	name = 'elevateIqApi';

	displayName = 'Elevate IQ API';

	icon: Icon = { light: 'file:../icons/elevateiq.svg', dark: 'file:../icons/elevateiq.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth#elevate-iq';

	properties: INodeProperties[] = [
		{
			displayName: 'API Endpoint URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.elevateiq.com/v2',
			required: true,
			description: 'The API endpoint URL Elevate support gave you',
		},
		{
			displayName: 'Authentication',
			name: 'authMode',
			type: 'options',
			options: [
				{ name: 'API Username & Password (Token Renewed Automatically)', value: 'credentials' },
				{ name: 'Ready Access Token', value: 'accessToken' },
			],
			default: 'credentials',
		},
		{
			displayName: 'API Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authMode: ['credentials'] } },
		},
		{
			displayName: 'API Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authMode: ['credentials'] } },
		},
		{
			displayName: 'Authentication Path',
			name: 'authPath',
			type: 'string',
			default: '/authenticate',
			description: 'Where the username and password are exchanged for a token, relative to the API endpoint URL',
			displayOptions: { show: { authMode: ['credentials'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A bearer token you already have. It is not renewed: when it expires, paste a new one.',
			displayOptions: { show: { authMode: ['accessToken'] } },
		},
		...connectionFields,
		...tokenStateProperties,
	];

	preAuthentication = preAuthenticationFor(elevateIqProfile);

	authenticate = authenticateFor(elevateIqProfile);

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}', url: '/user-roles', method: 'GET' },
	};
}
