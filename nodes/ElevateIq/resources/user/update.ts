import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { toNodeError } from '../../../shared/transport';
import { checkEmail, inputError } from '../../../shared/validation';
import { userAttributeOptions } from './userFields';

const show = { resource: ['user'], operation: ['update'] };

export const userUpdateFields: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'number',
		required: true,
		default: 0,
		description: 'ID of the user to update',
		displayOptions: { show },
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: userAttributeOptions,
	},
];

/** PATCH /users updates existing users: the body names the user by `id`. */
export async function userUpdateBody(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	try {
		const id = Number(this.getNodeParameter('userId'));
		if (!Number.isInteger(id) || id < 1) throw inputError('User ID must be a positive whole number');
		const fields = this.getNodeParameter('updateFields', {}) as IDataObject;
		if (Object.keys(fields).length === 0) throw inputError('Update Fields is empty: add at least one field to change');
		if (fields.email !== undefined) fields.email = checkEmail(fields.email, 'Update Fields: Email');
		return { ...options, body: { id, ...fields } };
	} catch (error) {
		throw toNodeError(this, error);
	}
}
