import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { customApiCallProperties } from '../shared/customApiCall';
import { apiRequestDefaults } from '../shared/descriptions';
import { intelePeerProfile } from './profile';
import { tokenProperties } from './resources/token';
import { intelePeer } from './transport';

export class IntelePeer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'IntelePeer',
		name: 'intelePeer',
		icon: { light: 'file:../../icons/intelepeer.svg', dark: 'file:../../icons/intelepeer.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Use the IntelePeer API with a 24-hour token that renews itself',
		defaults: { name: 'IntelePeer' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'intelePeerApi', required: true }],
		requestDefaults: apiRequestDefaults,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Custom API Call', value: 'customApiCall' },
					{ name: 'Token', value: 'token' },
				],
				default: 'token',
			},
			...tokenProperties,
			...customApiCallProperties(intelePeerProfile, intelePeer),
		],
	};
}
