import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { elyssaProfile } from '../nodes/Elyssa/profile';
import { connectionFields } from '../nodes/shared/token/connectionFields';
import { authenticateFor, preAuthenticationFor } from '../nodes/shared/token/credentialHooks';
import { tokenStateProperties } from '../nodes/shared/token/tokenState';

export class ElyssaApi implements ICredentialType {
	name = 'elyssaApi';

	displayName = 'Elyssa App API';

	icon: Icon = { light: 'file:../icons/elyssa.svg', dark: 'file:../icons/elyssa.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-token-auth/n8n-nodes-token-auth#elyssa-app';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api-elyssa-app.azurewebsites.net',
			required: true,
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the company ID alone logs in: it is the secret
		{
			displayName: 'Company ID',
			name: 'companyId',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your company ID in Elyssa App: it is what logs you in, so keep it secret',
		},
		...connectionFields,
		...tokenStateProperties,
	];

	preAuthentication = preAuthenticationFor(elyssaProfile);

	authenticate = authenticateFor(elyssaProfile);

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/auth/login/',
			method: 'POST',
			body: { companyId: '={{$credentials.companyId}}' },
		},
	};
}
