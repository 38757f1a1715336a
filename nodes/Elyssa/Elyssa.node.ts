import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { customApiCallProperties } from '../shared/customApiCall';
import { apiRequestDefaults } from '../shared/descriptions';
import { elyssaProfile } from './profile';
import { tokenProperties } from './resources/token';
import { elyssa } from './transport';

export class Elyssa implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Elyssa App',
		name: 'elyssa',
		icon: { light: 'file:../../icons/elyssa.svg', dark: 'file:../../icons/elyssa.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Use the Elyssa App API with an access token renewed through its refresh token',
		defaults: { name: 'Elyssa App' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'elyssaApi', required: true }],
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
			...customApiCallProperties(elyssaProfile, elyssa),
		],
	};
}
