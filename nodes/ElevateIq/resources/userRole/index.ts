import type { INodeProperties } from 'n8n-workflow';

import { elevateIq } from '../../transport';

export const userRoleProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['userRole'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many user roles',
				description: 'Retrieve the available user roles (read-only)',
				routing: elevateIq.route({ method: 'GET', url: '/user-roles' }),
			},
		],
		default: 'getAll',
	},
];
