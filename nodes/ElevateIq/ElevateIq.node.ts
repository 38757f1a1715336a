import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { customApiCallProperties } from '../shared/customApiCall';
import { apiRequestDefaults } from '../shared/descriptions';
import { elevateIqProfile } from './profile';
import { customerProperties } from './resources/customer';
import { tokenProperties } from './resources/token';
import { userProperties } from './resources/user';
import { userRoleProperties } from './resources/userRole';
import { elevateIq } from './transport';

export class ElevateIq implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Elevate IQ',
		name: 'elevateIq',
		icon: { light: 'file:../../icons/elevateiq.svg', dark: 'file:../../icons/elevateiq.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Use the Elevate IQ API with a bearer token that renews itself',
		defaults: { name: 'Elevate IQ' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'elevateIqApi', required: true }],
		requestDefaults: apiRequestDefaults,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Custom API Call', value: 'customApiCall' },
					{ name: 'Customer', value: 'customer' },
					{ name: 'Token', value: 'token' },
					{ name: 'User', value: 'user' },
					{ name: 'User Role', value: 'userRole' },
				],
				default: 'user',
			},
			...userProperties,
			...userRoleProperties,
			...customerProperties,
			...tokenProperties,
			...customApiCallProperties(elevateIqProfile, elevateIq),
		],
	};
}
