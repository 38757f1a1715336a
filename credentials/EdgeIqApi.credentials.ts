import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { edgeIqProfile } from '../nodes/EdgeIq/profile';
import { connectionFields } from '../nodes/shared/token/connectionFields';
import { authenticateFor, preAuthenticationFor } from '../nodes/shared/token/credentialHooks';
import { tokenStateProperties } from '../nodes/shared/token/tokenState';

export class EdgeIqApi implements ICredentialType {
	name = 'edgeIqApi';

	displayName = 'EdgeIQ API';

	icon: Icon = { light: 'file:../icons/edgeiq.svg', dark: 'file:../icons/edgeiq.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth#edgeiq';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.edgeiq.io/api/v1/platform',
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authMode',
			type: 'options',
			options: [
				{ name: 'Email & Password (Session Token, Renewed Automatically)', value: 'session' },
				{ name: 'Permanent API Token', value: 'apiToken' },
			],
			default: 'session',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			displayOptions: { show: { authMode: ['session'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authMode: ['session'] } },
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The permanent token returned as api_token when the user was created or its token was reset',
			displayOptions: { show: { authMode: ['apiToken'] } },
		},
		...connectionFields,
		...tokenStateProperties,
	];

	preAuthentication = preAuthenticationFor(edgeIqProfile);

	authenticate = authenticateFor(edgeIqProfile);

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}', url: '/me', method: 'GET' },
	};
}
