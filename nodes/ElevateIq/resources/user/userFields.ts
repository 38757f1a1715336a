import type { INodeProperties } from 'n8n-workflow';

/** The user attributes Create and Update can send. */
export const userAttributeOptions: INodeProperties[] = [
	{ displayName: 'Active', name: 'active', type: 'boolean', default: true, description: 'Whether the user can log in' },
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
	{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
	{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
	{ displayName: 'Role ID', name: 'roleId', type: 'number', default: 0, description: 'ID of a role from User Role → Get Many' },
	{ displayName: 'Username', name: 'username', type: 'string', default: '' },
];
