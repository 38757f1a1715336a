import type { INodeProperties } from 'n8n-workflow';

import { intelePeer } from '../../transport';
import { tokenOutput } from './get';
import { smsPortalTokenOutput, toSmsPortal } from './getSmsPortalToken';

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
				action: 'Get the API token',
				description:
					'Return the credential’s current 24-hour token, renewed first if it is due (no login while it is valid). The output contains the token.',
				routing: intelePeer.currentTokenRoute(tokenOutput),
			},
			{
				name: 'Get SMS Portal Token',
				value: 'getSmsPortalToken',
				action: 'Get an SMS portal token',
				description:
					'Get a portal token for the SMS app with the credential’s username and password. The output contains the token.',
				routing: intelePeer.loginRoute({ preSend: [toSmsPortal], postReceive: [smsPortalTokenOutput] }),
			},
		],
		default: 'get',
	},
];
