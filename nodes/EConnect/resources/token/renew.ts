import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { eConnect } from '../../transport';

export const renewFields: INodeProperties[] = [
	{
		displayName: 'Token',
		name: 'token',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		placeholder: "Leave empty to renew the credential's JWT",
		description: 'A still-valid JWT to renew. Empty: the JWT the credential holds.',
		displayOptions: { show: { resource: ['token'], operation: ['renew'] } },
	},
];

/** Renewal is authorised by the JWT being renewed, so this request carries that JWT itself. */
export async function renewWithToken(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const token = await eConnect.givenOrCurrent(this, 'token', (state) => state.token);
	return { ...options, headers: { ...options.headers, Authorization: `Bearer ${token}` } };
}
