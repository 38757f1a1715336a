import type { INodeProperties } from 'n8n-workflow';

import { returnAllOrLimit } from '../../../shared/pagination';

export const userGetAllFields: INodeProperties[] = returnAllOrLimit({ resource: ['user'], operation: ['getAll'] });
