import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { customApiCallProperties } from '../shared/customApiCall';
import { apiRequestDefaults } from '../shared/descriptions';
import { eConnectProfile } from './profile';
import { tokenProperties } from './resources/token';
import { eConnect } from './transport';

export class EConnect implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eConnect',
		name: 'eConnect',
		icon: { light: 'file:../../icons/econnect.svg', dark: 'file:../../icons/econnect.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Use the eConnect identities API with a JWT renewed before it expires',
		defaults: { name: 'eConnect' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'eConnectApi', required: true }],
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
			...customApiCallProperties(eConnectProfile, eConnect),
		],
	};
}
