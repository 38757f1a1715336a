import type { INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../../shared/pagination';

export const customerGetAllFields: INodeProperties[] = returnAllOrLimit({ resource: ['customer'], operation: ['getAll'] });
