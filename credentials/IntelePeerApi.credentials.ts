import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { intelePeerProfile } from '../nodes/IntelePeer/profile';
import { connectionFields } from '../nodes/shared/token/connectionFields';
import { authenticateFor, preAuthenticationFor } from '../nodes/shared/token/credentialHooks';
import { tokenStateProperties } from '../nodes/shared/token/tokenState';

export class IntelePeerApi implements ICredentialType {
	name = 'intelePeerApi';

	displayName = 'IntelePeer API';

	icon: Icon = { light: 'file:../icons/intelepeer.svg', dark: 'file:../icons/intelepeer.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth#intelepeer';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication URL',
			name: 'authUrl',
			type: 'string',
			default: 'https://customer.intelepeer.com/_rest/v4/authenticate',
			required: true,
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.intelepeer.com/_rest/v4',
			required: true,
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'The API Access user, exactly as in its confirmation email',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Authorization Header Style',
			name: 'headerStyle',
			type: 'options',
			options: [
				{ name: 'Bearer Token', value: 'bearer', description: 'Authorization: Bearer &lt;token&gt;' },
				{ name: 'Raw Token', value: 'raw', description: 'Authorization: &lt;token&gt;' },
			],
			default: 'bearer',
			description: 'Some IntelePeer APIs expect the word Bearer before the token, some do not',
		},
		...connectionFields,
		...tokenStateProperties,
	];

	preAuthentication = preAuthenticationFor(intelePeerProfile);

	authenticate = authenticateFor(intelePeerProfile);

	test: ICredentialTestRequest = {
		request: {
			url: '={{$credentials.authUrl}}',
			method: 'POST',
			body: { username: '={{$credentials.username}}', password: '={{$credentials.password}}' },
		},
	};
}
