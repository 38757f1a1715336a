import type { INodeProperties } from 'n8n-workflow';

import { elevateIq } from '../../transport';
import { tokenOutput } from './get';

export const tokenProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['token'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get the access token',
				description:
					'Return the credential’s current access token, renewed first if it is due (no login when it is still valid). The output contains the token.',
				routing: elevateIq.currentTokenRoute(tokenOutput),
			},
		],
		default: 'get',
	},
];
