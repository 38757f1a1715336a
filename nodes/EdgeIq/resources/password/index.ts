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
					{ preSend: [requestResetBody], anonymous: true },
				),
			},
			{
				name: 'Reset',
				value: 'reset',
				action: 'Reset a password with a reset token',
				description: 'Set a new password with the token from the reset email (no login needed)',
				routing: edgeIq.route({ method: 'POST', url: '/user/password_reset' }, { preSend: [resetRequest], anonymous: true }),
			},
		],
		default: 'requestReset',
	},
	...requestResetFields,
	...resetFields,
];
