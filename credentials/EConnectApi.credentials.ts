import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { eConnectProfile } from '../nodes/EConnect/profile';
import { connectionFields } from '../nodes/shared/token/connectionFields';
import { authenticateFor, preAuthenticationFor } from '../nodes/shared/token/credentialHooks';
import { tokenStateProperties } from '../nodes/shared/token/tokenState';

export class EConnectApi implements ICredentialType {
	name = 'eConnectApi';

	displayName = 'eConnect API';

	icon: Icon = { light: 'file:../icons/econnect.svg', dark: 'file:../icons/econnect.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth#econnect';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://customername.econnectcloud.com/identities',
			required: true,
			description: 'Your own eConnect identities URL: there is no shared default',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		...connectionFields,
		...tokenStateProperties,
	];

	preAuthentication = preAuthenticationFor(eConnectProfile);

	authenticate = authenticateFor(eConnectProfile);

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/renewToken',
			method: 'GET',
		},
	};
}
