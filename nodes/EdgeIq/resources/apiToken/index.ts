import type { INodeProperties } from 'n8n-workflow';

import { edgeIq } from '../../transport';
import { withCredentialLogin } from '../credentialLogin';
import { apiTokenResetOutput } from './reset';

export const apiTokenProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['apiToken'] } },
		options: [
			{
				name: 'Reset',
				value: 'reset',
				action: 'Reset the permanent API token',
				description:
					'Replace the permanent API token of the credential user; the old one stops working. The output contains the new token.',
				routing: edgeIq.route(
					{ method: 'POST', url: '/user/api_token_reset' },
					{ preSend: [withCredentialLogin], anonymous: true, postReceive: [apiTokenResetOutput] },
				),
			},
		],
		default: 'reset',
	},
];
