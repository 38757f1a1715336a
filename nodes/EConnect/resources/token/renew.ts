import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { obtainToken } from '../../../shared/token/lifecycle';
import { toNodeError } from '../../../shared/transport';
import { eConnectProfile } from '../../profile';
import { eConnect } from '../../transport';

export const renewFields: INodeProperties[] = [
	{
		displayName: 'Token',
		name: 'token',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: 'A still-valid JWT to renew. Empty: the JWT the credential holds.',
		displayOptions: { show: { resource: ['token'], operation: ['renew'] } },
	},
];

/** Renewal is authorised by the JWT being renewed, so this request carries that JWT itself. */
export async function renewWithToken(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	let token = String(this.getNodeParameter('token', '') ?? '').trim();
	if (!token) {
		const credentials = await eConnect.credentialsOf(this);
		try {
			token = (await obtainToken(eConnectProfile, credentials, eConnect.http(this))).token;
		} catch (error) {
			throw toNodeError(this, error);
		}
	}
	return { ...options, headers: { ...options.headers, Authorization: `Bearer ${token}` } };
}
