import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../../shared/transport';
import { inputError } from '../../../shared/validation';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export const sessionCreateFields: INodeProperties[] = [
	{
		displayName: 'Token Expiry',
		name: 'tokenExpiry',
		type: 'dateTime',
		default: '',
		description: 'When the session token should expire (UTC), at most one week ahead. Empty: EdgeIQ default of 4 hours.',
		displayOptions: { show: { resource: ['session'], operation: ['create'] } },
	},
];

/** Adds token_expiry after checking it is in the future and at most a week ahead, as EdgeIQ requires. */
export async function withTokenExpiry(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const raw = this.getNodeParameter('tokenExpiry', '') as string;
	if (!raw) return options;
	const expiry = Date.parse(String(raw));
	const now = Date.now();
	let problem: string | undefined;
	if (!Number.isFinite(expiry)) problem = `"${String(raw).slice(0, 40)}" is not a date`;
	else if (expiry <= now) problem = 'is in the past';
	else if (expiry > now + WEEK_MS) problem = 'is more than one week ahead (EdgeIQ allows at most 7 days)';
	if (problem) throw toNodeError(this, inputError(`Token Expiry ${problem}`));
	return { ...options, body: { ...(options.body as object), token_expiry: new Date(expiry).toISOString() } };
}
