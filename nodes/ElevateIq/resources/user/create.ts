import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../../shared/transport';
import { checkEmail, inputError } from '../../../shared/validation';
import { userAttributeOptions } from './userFields';

const show = { resource: ['user'], operation: ['create'] };

export const userCreateFields: INodeProperties[] = [
	{ displayName: 'Username', name: 'username', type: 'string', required: true, default: '', displayOptions: { show } },
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		required: true,
		default: '',
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: userAttributeOptions.filter((option) => !['username', 'email'].includes(option.name)),
	},
];

export async function userCreateBody(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	try {
		const username = String(this.getNodeParameter('username') ?? '').trim();
		if (!username) throw inputError('Username is empty');
		if (username.length > 256) throw inputError('Username is too long');
		const email = checkEmail(this.getNodeParameter('email'), 'Email');
		const extra = this.getNodeParameter('additionalFields', {}) as IDataObject;
		return { ...options, body: { username, email, ...extra } };
	} catch (error) {
		throw toNodeError(this, error);
	}
}
