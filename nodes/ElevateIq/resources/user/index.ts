import type { INodeProperties } from 'n8n-workflow';

import { elevateIq } from '../../transport';
import { userCreateBody, userCreateFields } from './create';
import { userGetAllFields } from './getAll';
import { userUpdateBody, userUpdateFields } from './update';

export const userProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a user',
				description: 'Create a new Elevate user',
				routing: elevateIq.route({ method: 'POST', url: '/users' }, { preSend: [userCreateBody] }),
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many users',
				description: 'Retrieve Elevate users',
				routing: elevateIq.route({ method: 'GET', url: '/users' }, { paginate: true }),
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a user',
				description: 'Update an existing Elevate user',
				routing: elevateIq.route({ method: 'PATCH', url: '/users' }, { preSend: [userUpdateBody] }),
			},
		],
		default: 'getAll',
	},
	...userCreateFields,
	...userGetAllFields,
	...userUpdateFields,
];
