import type { INodeProperties } from 'n8n-workflow';

import { edgeIq } from '../../transport';
import { toPath } from '../../../shared/descriptions';
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
				// Same body as a login (the credential's email and password), another path.
				routing: edgeIq.loginRoute({ preSend: [toPath('/user/api_token_reset')], postReceive: [apiTokenResetOutput] }),
			},
		],
		default: 'reset',
	},
];
