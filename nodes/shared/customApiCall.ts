import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import type { TokenProfile } from './token/profile';
import { toNodeError, type tokenTransport } from './transport';
import { checkCredentials, inputError } from './validation';

const FORBIDDEN_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host', 'content-length'];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const MAX_PATH_LENGTH = 2048;
const show = { resource: ['customApiCall'] };

/**
 * Resolves the Path field against the base URL; never lets the token leave the provider's host.
 * Only an explicit http(s) URL counts as absolute: "users:search" is a path, and "//host" is
 * refused, as every HTTP client would read it as another host.
 */
export function resolveApiPath(base: URL, rawPath: unknown): URL {
	if (typeof rawPath !== 'string' || rawPath.trim() === '') throw inputError('Path is empty: enter e.g. /users');
	const path = rawPath.trim();
	if (path.length > MAX_PATH_LENGTH) throw inputError(`Path is too long (${path.length} characters)`);
	if ([...path].some((char) => char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127 || char === '\\')) {
		throw inputError('Path contains a control character or a backslash');
	}
	if (path.startsWith('//')) {
		throw inputError('Path starts with "//", which means another host: enter a path such as /users, or the full https:// URL');
	}
	const basePath = base.pathname.replace(/\/+$/, '');
	let target: URL;
	if (/^https?:\/\//i.test(path)) {
		try {
			target = new URL(path);
		} catch {
			throw inputError(`Path "${path.slice(0, 80)}" is not a valid URL`);
		}
		if (target.origin !== base.origin || !(target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))) {
			throw inputError(
				`Path points outside the credential's base URL (${target.origin}): only paths under ${base.origin}${basePath} are allowed, so the token is never sent elsewhere`,
			);
		}
	} else {
		target = new URL(`${base.origin}${basePath}/${path.replace(/^\/+/, '')}`);
	}
	if (target.pathname.startsWith('//')) throw inputError('Path must not start with "//"');
	const segments = decodeURIComponentSafe(path.split('?')[0]).split('/');
	if (segments.includes('..') || segments.includes('.')) throw inputError('Path must not contain "." or ".." segments');
	return target;
}

function decodeURIComponentSafe(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		throw inputError('Path contains an invalid %-escape');
	}
}

function nameValuePairs(context: IExecuteSingleFunctions, parameter: string): Array<{ name: string; value: string }> {
	const pairs = context.getNodeParameter(`${parameter}.parameters`, []) as Array<{ name?: unknown; value?: unknown }>;
	return pairs.map((pair) => ({ name: String(pair.name ?? '').trim(), value: String(pair.value ?? '') }));
}

const MAX_BODY_BYTES = 1024 * 1024;

function parseJsonBody(raw: unknown): IDataObject | IDataObject[] | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const size = Buffer.byteLength(typeof raw === 'string' ? raw : JSON.stringify(raw));
	if (size > MAX_BODY_BYTES) throw inputError(`JSON Body is too large (${Math.round(size / 1024)} kB; at most 1024 kB)`);
	let parsed: unknown = raw;
	if (typeof raw !== 'object') {
		try {
			parsed = JSON.parse(String(raw));
		} catch (error) {
			throw inputError(`JSON Body is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (parsed === null || typeof parsed !== 'object') throw inputError('JSON Body must be a JSON object or array');
	return parsed as IDataObject;
}

/** A list of name/value pairs, read back by nameValuePairs(). */
function nameValueCollection(displayName: string, name: string, entry: string, description?: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		displayOptions: { show },
		placeholder: `Add ${entry}`,
		default: {},
		...(description ? { description } : {}),
		options: [
			{
				name: 'parameters',
				displayName: entry,
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	};
}

/** The "Custom API Call" resource every node has: any path under the base URL, same token life cycle. */
export function customApiCallProperties(
	profile: TokenProfile,
	transport: ReturnType<typeof tokenTransport>,
): INodeProperties[] {
	async function buildRequest(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		try {
			const credentials = await transport.credentialsOf(this);
			checkCredentials(profile, credentials);
			const target = resolveApiPath(new URL(profile.apiBaseUrl(credentials)), this.getNodeParameter('path'));
			const method = this.getNodeParameter('method') as IHttpRequestOptions['method'];
			const qs: IDataObject = Object.fromEntries(target.searchParams.entries());
			for (const { name, value } of nameValuePairs(this, 'queryParameters')) {
				if (!name) throw inputError('Query Parameters: a parameter has no name');
				qs[name] = value;
			}
			const headers: IDataObject = { Accept: 'application/json' };
			for (const { name, value } of nameValuePairs(this, 'headerParameters')) {
				if (!HEADER_NAME.test(name)) throw inputError(`Headers: "${name.slice(0, 40)}" is not a valid header name`);
				if (FORBIDDEN_HEADERS.includes(name.toLowerCase()) || name.toLowerCase().startsWith('x-token-auth')) {
					throw inputError(`Headers: "${name}" cannot be set here: the credential sets authentication itself`);
				}
				if (/[\r\n]/.test(value)) throw inputError(`Headers: the value of "${name}" contains a line break`);
				headers[name] = value;
			}
			const body = method === 'GET' || method === 'HEAD' ? undefined : parseJsonBody(this.getNodeParameter('jsonBody', ''));
			return {
				...options,
				method,
				// The whole URL, no baseURL: a client cannot read part of it as another host.
				baseURL: undefined,
				url: `${target.origin}${target.pathname}`,
				qs,
				headers,
				body,
				json: true,
			} as IHttpRequestOptions;
		} catch (error) {
			throw toNodeError(this, error);
		}
	}

	const properties: INodeProperties[] = [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show },
			options: [
				{
					name: 'Make a Request',
					value: 'request',
					action: 'Make an authenticated API request',
					description: `Call any ${profile.provider} endpoint under the credential's base URL with a fresh token`,
					routing: transport.route({ method: 'GET', url: '' }, { preSend: [buildRequest] }),
				},
			],
			default: 'request',
		},
		{
			displayName: 'Method',
			name: 'method',
			type: 'options',
			displayOptions: { show },
			options: ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'].map((method) => ({ name: method, value: method })),
			default: 'GET',
		},
		{
			displayName: 'Path',
			name: 'path',
			type: 'string',
			required: true,
			displayOptions: { show },
			default: '',
			placeholder: '/users',
			description: "Path under the credential's base URL. A full URL is accepted only if it is under that base URL.",
		},
		nameValueCollection('Query Parameters', 'queryParameters', 'Parameter'),
		nameValueCollection('Headers', 'headerParameters', 'Header', 'Extra headers. Authorization is set by the credential and cannot be set here.'),
		{
			displayName: 'JSON Body',
			name: 'jsonBody',
			type: 'json',
			displayOptions: { show: { ...show, method: ['DELETE', 'PATCH', 'POST', 'PUT'] } },
			default: '',
			description: 'Request body as JSON (object or array); leave empty to send none',
		},
	];
	return properties;
}
