import type { IHttpRequestOptions } from 'n8n-workflow';

import type { HttpRequester } from '../../nodes/shared/token/lifecycle';

export interface FakeAnswer {
	statusCode: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/** A provider in a function: answers by "METHOD url" and records every call the core makes. */
export function fakeProvider(routes: Record<string, (options: IHttpRequestOptions) => FakeAnswer | Promise<FakeAnswer>>) {
	const calls: IHttpRequestOptions[] = [];
	const http: HttpRequester = async (options) => {
		calls.push(options);
		const route = routes[`${options.method} ${options.url}`];
		if (!route) return { statusCode: 404, body: { message: 'Not found' } };
		return await route(options);
	};
	const count = (key: string) => calls.filter((call) => `${call.method} ${call.url}` === key).length;
	return { http, calls, count };
}

/** An unsigned JWT with the given `exp` (seconds): enough for expiry planning. */
export function jwtWithExp(expSeconds: number, extra: Record<string, unknown> = {}): string {
	const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ exp: expSeconds, ...extra })}.signature`;
}
