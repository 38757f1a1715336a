import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../../shared/transport';
import { inputError } from '../../../shared/validation';

const show = { resource: ['password'], operation: ['reset'] };

export const resetFields: INodeProperties[] = [
	{
		displayName: 'Reset Token',
		name: 'resetToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: 'The token query value from the link in the password reset email',
		displayOptions: { show },
	},
	{
		displayName: 'New Password',
		name: 'newPassword',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Confirm New Password',
		name: 'passwordConfirmation',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		displayOptions: { show },
	},
];

/** Refuses a mismatch before sending, and never puts a password into an error message. */
export async function resetRequest(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	try {
		const token = String(this.getNodeParameter('resetToken') ?? '').trim();
		const password = String(this.getNodeParameter('newPassword') ?? '');
		const confirmation = String(this.getNodeParameter('passwordConfirmation') ?? '');
		if (!token) throw inputError('Reset Token is empty: copy it from the link in the reset email');
		// At least one letter or digit: "." or ".." would resolve to another path (the password with it).
		if (token.length > 1024 || !/^[A-Za-z0-9._~-]+$/.test(token) || !/[A-Za-z0-9]/.test(token)) {
			throw inputError('Reset Token has characters a reset token cannot have: copy only the token value from the link');
		}
		if (!password) throw inputError('New Password is empty');
		if (password !== confirmation) throw inputError('New Password and Confirm New Password do not match');
		return {
			...options,
			url: `/user/password_reset/${encodeURIComponent(token)}`,
			body: { password, password_confirmation: confirmation },
		};
	} catch (error) {
		throw toNodeError(this, error);
	}
}
