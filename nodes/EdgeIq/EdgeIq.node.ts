import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { customApiCallProperties } from '../shared/customApiCall';
import { apiRequestDefaults } from '../shared/descriptions';
import { edgeIqProfile } from './profile';
import { apiTokenProperties } from './resources/apiToken';
import { passwordProperties } from './resources/password';
import { sessionProperties } from './resources/session';
import { edgeIq } from './transport';


export class EdgeIq implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EdgeIQ',
		name: 'edgeIq',
		icon: { light: 'file:../../icons/edgeiq.svg', dark: 'file:../../icons/edgeiq.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Use the EdgeIQ platform API with a session token that renews itself',
		defaults: { name: 'EdgeIQ' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'edgeIqApi', required: true }],
		requestDefaults: apiRequestDefaults,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'API Token', value: 'apiToken' },
					{ name: 'Custom API Call', value: 'customApiCall' },
					{ name: 'Password', value: 'password' },
					{ name: 'Session', value: 'session' },
				],
				default: 'session',
			},
			...sessionProperties,
			...apiTokenProperties,
			...passwordProperties,
			...customApiCallProperties(edgeIqProfile, edgeIq),
		],
	};
}
