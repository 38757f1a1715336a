import type { INodeProperties } from 'n8n-workflow';

import { eConnect } from '../../transport';
import { jwtOutput } from './logIn';
import { renewFields, renewWithToken } from './renew';

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
				action: 'Log in and get a JWT',
				description: 'Log in with the credential’s username and password and return a new JWT. The output contains the token.',
				routing: eConnect.loginRoute({ postReceive: [jwtOutput] }),
			},
			{
				name: 'Renew',
				value: 'renew',
				action: 'Renew a JWT',
				description: 'Exchange a still-valid JWT for a fresh one, without the password. The output contains the token.',
				routing: eConnect.route(
					{ method: 'GET', url: '/api/v1/renewToken' },
					{ preSend: [renewWithToken], anonymous: true, postReceive: [jwtOutput], causes: { 401: 'the JWT is invalid or already expired: use Log In' } },
				),
			},
		],
		default: 'logIn',
	},
	...renewFields,
];
