import type { INodeProperties } from 'n8n-workflow';

import { edgeIq } from '../../transport';
import { requestResetBody, requestResetFields } from './requestReset';
import { resetFields, resetRequest } from './reset';

export const passwordProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['password'] } },
		options: [
			{
				name: 'Request Reset',
				value: 'requestReset',
				action: 'Request a password reset email',
				description: 'Send a password reset email to a user (no login needed)',
				routing: edgeIq.route(
					{ method: 'POST', url: '/user/password_reset_request' },
					{
						preSend: [requestResetBody],
						anonymous: true,
						causes: {
							404: 'no EdgeIQ user has this email',
							500: 'if a From Address was set, EdgeIQ support must whitelist it first; otherwise a problem on the EdgeIQ side, try again later',
						},
					},
				),
			},
			{
				name: 'Reset',
				value: 'reset',
				action: 'Reset a password with a reset token',
				description: 'Set a new password with the token from the reset email (no login needed)',
				routing: edgeIq.route(
					{ method: 'POST', url: '/user/password_reset' },
					{
						preSend: [resetRequest],
						anonymous: true,
						causes: {
							404: 'the reset token is unknown, already used or expired: request a new reset email',
							422: 'the reset token expired or the passwords differ: request a new reset email',
						},
					},
				),
			},
		],
		default: 'requestReset',
	},
	...requestResetFields,
	...resetFields,
];
