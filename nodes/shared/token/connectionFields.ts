import type { INodeProperties } from 'n8n-workflow';

/** Fields every credential of this package has besides the provider's own. */
export const connectionFields: INodeProperties[] = [
	{
		displayName: 'Allow Plain HTTP',
		name: 'allowInsecureHttp',
		type: 'boolean',
		default: false,
		description:
			'Whether to allow an http:// URL to another machine. Tokens then travel unencrypted; http:// to this machine (localhost) is always allowed.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 30,
		description: 'How long to wait for the provider to answer a login or a request',
	},
];

export function trimSlash(value: unknown): string {
	return String(value ?? '').trim().replace(/\/+$/, '');
}
