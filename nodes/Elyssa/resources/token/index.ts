import type { INodeProperties } from 'n8n-workflow';

import { elyssa } from '../../transport';
import { logInOutput } from './logIn';
import { refreshBody, refreshFields, refreshOutput } from './refresh';

export const tokenProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['token'] } },
		options: [
			{
				name: 'Log In',
				value: 'logIn',
				action: 'Log in and get tokens',
				description:
					'Log in with the company ID and return a new access token (24 h) and refresh token (360 days) with their expiry times. The output contains the tokens.',
				routing: elyssa.loginRoute({ postReceive: [logInOutput] }),
			},
			{
				name: 'Refresh',
				value: 'refresh',
				action: 'Refresh the access token',
				description:
					'Exchange a refresh token for a new access token. The output contains the token.',
				routing: elyssa.route(
					{ method: 'POST', url: '/auth/refresh/' },
					{ preSend: [refreshBody], anonymous: true, postReceive: [refreshOutput], causes: { 401: 'the refresh token is invalid or past its 360 days: log in again' } },
				),
			},
		],
		default: 'logIn',
	},
	...refreshFields,
];
