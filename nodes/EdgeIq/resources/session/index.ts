import type { INodeProperties } from 'n8n-workflow';

import { omitFields } from '../../../shared/descriptions';
import { edgeIq } from '../../transport';
import { sessionCreateFields, withTokenExpiry } from './create';

export const sessionProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a session token',
				description:
					'Log in with the credential and return a new temporary session token (session_token, session_expires_at). The output contains the token.',
				routing: edgeIq.loginRoute({ preSend: [withTokenExpiry], postReceive: [omitFields('api_token')] }),
			},
			{
				name: 'Get Current User',
				value: 'getCurrentUser',
				action: 'Get the current user',
				description: 'Get the profile of the user the token belongs to (GET /me)',
				routing: edgeIq.route({ method: 'GET', url: '/me' }, { postReceive: [omitFields('api_token', 'session_token')] }),
			},
		],
		default: 'getCurrentUser',
	},
	...sessionCreateFields,
];
