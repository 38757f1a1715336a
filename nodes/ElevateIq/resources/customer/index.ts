import type { INodeProperties } from 'n8n-workflow';

import { elevateIq } from '../../transport';
import { customerGetAllFields } from './getAll';

export const customerProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customer'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many customers',
				description: 'Retrieve customers page by page (page, pageSize)',
				routing: elevateIq.route({ method: 'GET', url: '/customers' }, { paginate: true }),
			},
		],
		default: 'getAll',
	},
	...customerGetAllFields,
];
