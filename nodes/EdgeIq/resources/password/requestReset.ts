import type { IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../../shared/transport';
import { checkEmail } from '../../../shared/validation';

const show = { resource: ['password'], operation: ['requestReset'] };
export const EDGEIQ_RESET_URL = 'https://app.edgeiq.io/reset_password';

export const requestResetFields: INodeProperties[] = [
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		required: true,
		default: '',
		description: 'The user who should receive the password reset email',
		displayOptions: { show },
	},
	{
		displayName: 'Reset URL',
		name: 'url',
		type: 'string',
		default: EDGEIQ_RESET_URL,
		description: 'EdgeIQ uses it to tell deployment environments apart: keep the default unless EdgeIQ says otherwise',
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'From Address',
				name: 'from_address',
				type: 'string',
				placeholder: 'name@email.com',
				default: '',
				description: 'Sender of the email. EdgeIQ support must whitelist it first, or EdgeIQ answers 500.',
			},
			{ displayName: 'Greeting', name: 'greeting', type: 'string', default: '' },
			{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
		],
	},
];

export async function requestResetBody(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	try {
		const email = checkEmail(this.getNodeParameter('email'), 'Email');
		const url = String(this.getNodeParameter('url', EDGEIQ_RESET_URL) || EDGEIQ_RESET_URL).trim();
		const extra = this.getNodeParameter('additionalFields', {}) as Record<string, string>;
		const body: Record<string, string> = { email, url };
		for (const key of ['subject', 'greeting', 'from_address']) {
			const value = String(extra[key] ?? '').trim();
			if (!value) continue;
			body[key] = key === 'from_address' ? checkEmail(value, 'From Address') : value;
		}
		return { ...options, body };
	} catch (error) {
		throw toNodeError(this, error);
	}
}
