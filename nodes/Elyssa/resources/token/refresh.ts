import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { mapJson } from '../../../shared/descriptions';
import { expiryOf } from '../../../shared/transport';
import { elyssaProfile } from '../../profile';
import { elyssa } from '../../transport';

export const refreshFields: INodeProperties[] = [
	{
		displayName: 'Refresh Token',
		name: 'refreshToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		placeholder: "Leave empty to use the credential's refresh token",
		description: 'Refresh token from Token → Log In. Empty: the refresh token the credential holds.',
		displayOptions: { show: { resource: ['token'], operation: ['refresh'] } },
	},
];

/** Uses the given refresh token, or the credential's own (logging in first if it has none yet). */
export async function refreshBody(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const refresh = await elyssa.givenOrCurrent(this, 'refreshToken', (state) => state.refreshToken);
	return { ...options, body: { refresh } };
}

export const refreshOutput = mapJson((answer) => ({
	accessToken: answer.accessToken,
	accessTokenExpiresAt: expiryOf(answer.accessToken, elyssaProfile.renew?.lifetimeSeconds),
}));
