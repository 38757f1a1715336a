import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecutePaginationFunctions,
	type IExecuteSingleFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INodeExecutionData,
	type JsonObject,
	type DeclarativeRestApiSettings,
} from 'n8n-workflow';

import { ProviderError, likelyCause, redact, statusLabel } from './errors';
import { jwtExpiry } from './token/jwt';
import { markRejected, networkError, obtainToken, parseBody, serviceError, timeoutMs } from './token/lifecycle';
import type { CredentialFields, TokenProfile } from './token/profile';
import type { TokenState } from './token/tokenState';
import { OWN_NODE_HEADER, PERSIST_ONLY_HEADER, PERSISTED_MESSAGE } from './token/credentialHooks';
import { checkCredentials, inputError } from './validation';

type PreSend = (this: IExecuteSingleFunctions, options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
type PostReceive = (
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
) => Promise<INodeExecutionData[]>;

interface SentRequest {
	options: IHttpRequestOptions;
	token?: string;
	anonymous?: boolean;
	causes?: Record<number, string>;
}

export interface RouteExtras {
	preSend?: PreSend[];
	postReceive?: PostReceive[];
	paginate?: boolean;
	/** For calls that need no login (e.g. a password reset request): they must work while the password is wrong. */
	anonymous?: boolean;
	/** Likely causes by status for this operation, over the provider's general ones. */
	causes?: Record<number, string>;
}

// What each item's request was, so the answer handler can repeat it once with a new token.
const sentRequests = new WeakMap<object, SentRequest>();

// Decrypted credentials per execution and credential, newest last (a few executions at a time).
const recentCredentials = new Map<string, Promise<CredentialFields>>();
const MAX_RECENT_CREDENTIALS = 32;

function executionCredentialKey(context: IExecuteSingleFunctions, type: string): string | undefined {
	const executionId = context.getExecutionId?.();
	const credentialId = context.getNode().credentials?.[type]?.id;
	return executionId && credentialId ? `${executionId}:${credentialId}` : undefined;
}

function remember(key: string, read: Promise<CredentialFields>): void {
	recentCredentials.set(key, read);
	// A failed read is not kept: the next item asks n8n again and gets its own error.
	read.catch(() => recentCredentials.delete(key));
	if (recentCredentials.size > MAX_RECENT_CREDENTIALS) recentCredentials.delete(recentCredentials.keys().next().value as string);
}

/** RoutingNode runs a paginated request through Object.create(itemContext): key on the item context. */
function itemContext(context: object): object {
	return Object.prototype.hasOwnProperty.call(context, 'makeRoutingRequest') ? Object.getPrototypeOf(context) : context;
}

export function toNodeError(context: IExecuteSingleFunctions, error: unknown, secrets: Array<string | undefined> = []) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const itemIndex = context.getItemIndex();
	if (error instanceof ProviderError) {
		const message = redact(error.message, secrets);
		if (error.kind === 'input') {
			return new NodeOperationError(context.getNode(), message, { itemIndex, description: error.description });
		}
		return new NodeApiError(context.getNode(), { message, kind: error.kind } as JsonObject, {
			message,
			description: error.description,
			httpCode: error.httpStatus !== undefined ? String(error.httpStatus) : undefined,
			itemIndex,
		});
	}
	return new NodeOperationError(context.getNode(), redact(String((error as Error)?.message ?? error), secrets), {
		itemIndex,
	});
}

/**
 * The request life cycle of every operation of one provider's node: validate and get a token
 * before anything is sent, apply the provider's own "expired" signal (one refresh, one retry),
 * and turn every other failure into a message that names the provider, status and cause.
 */
const NETWORK_CODES = ['ECONNABORTED', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH'];

/** The network failure behind an error n8n raised itself (a timeout, a refused connection), if any. */
function networkCause(error: unknown): { code?: string; message?: string } | undefined {
	const candidate = error as { httpCode?: string; cause?: { code?: string; message?: string } };
	const code = candidate?.cause?.code ?? candidate?.httpCode;
	return code && NETWORK_CODES.includes(code) ? { code, message: candidate.cause?.message } : undefined;
}

export function tokenTransport(profile: TokenProfile) {
	// n8n reads and decrypts a credential on every getCredentials call; within one execution its
	// account fields do not change, so each execution reads it once (the token lives in the core).
	const credentialsOf = async (context: IExecuteSingleFunctions) => {
		const key = executionCredentialKey(context, profile.credentialType);
		const cached = key ? recentCredentials.get(key) : undefined;
		if (cached) return await cached;
		const read = context.getCredentials(profile.credentialType) as Promise<CredentialFields>;
		if (key) remember(key, read);
		return await read;
	};
	const secretsOf = (credentials: CredentialFields, token?: string) => [
		token,
		...Object.values(credentials).filter((value): value is string => typeof value === 'string' && value.length >= 8 && !/^https?:/.test(value)),
	];
	const isStatic = (credentials: CredentialFields) => profile.staticToken?.isSelected(credentials) === true;
	const http = (context: IExecuteSingleFunctions) => async (options: IHttpRequestOptions) =>
		await context.helpers.httpRequest(options);

	const prepareWith = (anonymous: boolean, causes?: Record<number, string>): PreSend =>
		async function (options) {
			const credentials = await credentialsOf(this);
			let token: string | undefined;
			try {
				// obtainToken checks the credential itself; the other paths check it here.
				if (!anonymous && !isStatic(credentials)) token = (await obtainToken(profile, credentials, http(this))).token;
				else checkCredentials(profile, credentials);
			} catch (error) {
				throw toNodeError(this, error, secretsOf(credentials));
			}
			const prepared: IHttpRequestOptions = {
				...options,
				baseURL: options.baseURL ?? profile.apiBaseUrl(credentials),
				headers: anonymous ? options.headers : { ...(options.headers ?? {}), [OWN_NODE_HEADER]: '1' },
				ignoreHttpStatusErrors: true,
				timeout: options.timeout && options.timeout !== 300_000 ? options.timeout : timeoutMs(credentials),
			};
			sentRequests.set(itemContext(this), { options: prepared, token, anonymous, causes });
			return prepared;
		};
	const prepare = prepareWith(false);

	/** A network failure (timeout, refused connection) as a provider error; other errors unchanged. */
	const asNetworkFailure = (error: unknown, options: IHttpRequestOptions): unknown => {
		const cause = networkCause(error);
		const url = `${String(options.baseURL ?? '')}${options.url ?? ''}`;
		return cause ? networkError(profile, cause, 'request', url, Number(options.timeout)) : error;
	};

	const send = async (context: IExecuteSingleFunctions, options: IHttpRequestOptions) => {
		const outcome = await context.helpers.httpRequestWithAuthentication
			.call(context, profile.credentialType, { ...options, returnFullResponse: true, ignoreHttpStatusErrors: true })
			.then(
				(response) => ({ response: response as IN8nHttpFullResponse, error: undefined }),
				(error: unknown) => ({ response: undefined, error }),
			);
		if (outcome.response) return outcome.response;
		throw asNetworkFailure(outcome.error, options);
	};

	const answer = async (
		context: IExecuteSingleFunctions,
		response: IN8nHttpFullResponse,
	): Promise<IN8nHttpFullResponse> => {
		const sent = sentRequests.get(itemContext(context));
		if (response.statusCode >= 200 && response.statusCode < 300) return response;
		const credentials = await credentialsOf(context);
		let current = response;
		try {
			if (profile.expiredStatuses.includes(current.statusCode) && sent && !sent.anonymous && !isStatic(credentials)) {
				if (sent.token) markRejected(profile, credentials, sent.token);
				const fresh = await obtainToken(profile, credentials, http(context), { replacing: sent.token });
				current = await send(context, sent.options);
				if (profile.expiredStatuses.includes(current.statusCode)) {
					throw new ProviderError(
						`${profile.provider} rejected the ${profile.tokenName} (${statusLabel(current.statusCode, parseBody(current.body))}) even right after a new login: the account may lack API access or be inactive`,
						'token-rejected',
						current.statusCode,
					);
				}
				sent.token = fresh.token;
			}
			if (current.statusCode >= 200 && current.statusCode < 300) return current;
			throw apiError(profile, current, isStatic(credentials) && !sent?.anonymous, sent?.causes);
		} catch (error) {
			throw toNodeError(context, error, secretsOf(credentials, sent?.token));
		}
	};

	const receive: PostReceive = async function (_items, response) {
		const final = await answer(this, response);
		return toItems(parseBody(final.body));
	};

	/**
	 * Runs the routed request(s) and gives a network failure (timeout, refused connection), which n8n
	 * raises before our answer handler sees anything, the same provider-specific message.
	 */
	const withNetworkMessages = async (
		context: IExecutePaginationFunctions,
		options: IHttpRequestOptions,
		run: () => Promise<INodeExecutionData[]>,
	): Promise<INodeExecutionData[]> => {
		const outcome = await run().then(
			(items) => ({ items, error: undefined }),
			(error: unknown) => ({ items: undefined, error }),
		);
		if (outcome.items) return outcome.items;
		throw toNodeError(context, asNetworkFailure(outcome.error, options));
	};

	/** A single request, through the same error translation as the paginated ones. */
	const sendOnce = async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		return await withNetworkMessages(this, requestData.options as IHttpRequestOptions, async () => await this.makeRoutingRequest(requestData));
	};

	/**
	 * A request that needs no token (a login, a password reset request): sent without the
	 * credential, so n8n does not log in first on a cold credential, then shaped as n8n would.
	 */
	const sendWithoutCredential = (postReceive: PostReceive[]) =>
		async function (this: IExecutePaginationFunctions, requestData: DeclarativeRestApiSettings.ResultOptions): Promise<INodeExecutionData[]> {
			const options = requestData.options as IHttpRequestOptions;
			return await withNetworkMessages(this, options, async () => {
				const response = (await this.helpers.httpRequest({ ...options, returnFullResponse: true, ignoreHttpStatusErrors: true })) as IN8nHttpFullResponse;
				let items: INodeExecutionData[] = [{ json: (response.body ?? {}) as IDataObject }];
				for (const step of postReceive) items = await step.call(this, items, response);
				return items;
			});
		};

	/** Pages through `page`/`pageSize` until a short page, honouring Return All and Limit. */
	const paginateByPage = async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const returnAll = this.getNodeParameter('returnAll', false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', 50) as number);
		const pageSize = Math.min(100, returnAll ? 100 : limit);
		const results: INodeExecutionData[] = [];
		for (let page = 1; results.length < limit; page++) {
			const options = {
				...requestData.options,
				qs: { ...(requestData.options.qs ?? {}), page, pageSize },
			} as IHttpRequestOptions;
			const sent = sentRequests.get(itemContext(this));
			sentRequests.set(itemContext(this), { options, token: sent?.token });
			const items = await withNetworkMessages(this, options, async () => await this.makeRoutingRequest({ ...requestData, options }));
			results.push(...items);
			if (items.length < pageSize) break;
		}
		return results.slice(0, limit);
	};

	/**
	 * Routing for one operation: its own checks first (no network), then ours (credential, token),
	 * then our answer handler, then its own output shaping.
	 */
	const route = (request: IHttpRequestOptions | Record<string, unknown>, extra: RouteExtras = {}) => {
		const postReceive = [receive, ...(extra.postReceive ?? [])];
		return {
			request: request as IHttpRequestOptions,
			send: {
				preSend: [...(extra.preSend ?? []), extra.anonymous || extra.causes ? prepareWith(!!extra.anonymous, extra.causes) : prepare],
				// The pagination hook is the only code of ours that runs around n8n's own request call.
				paginate: true,
			},
			// A request without the credential is sent and shaped by sendWithoutCredential itself.
			...(extra.anonymous ? {} : { output: { postReceive } }),
			operations: {
				pagination: extra.anonymous ? sendWithoutCredential(postReceive) : extra.paginate ? paginateByPage : sendOnce,
			},
		};
	};

	/** Sends the provider's own login request (from the profile), e.g. for "Log In" or "Create Session". */
	const asLogin: PreSend = async function (options) {
		const credentials = await credentialsOf(this);
		try {
			if (isStatic(credentials)) {
				throw inputError(
					`This operation logs in with the credential's ${Object.values(profile.requiredFields).join(' and ')}: switch the ${profile.provider} credential to that mode`,
				);
			}
			checkCredentials(profile, credentials);
		} catch (error) {
			throw toNodeError(this, error);
		}
		const login = profile.login.request(credentials);
		return {
			...options,
			method: login.method,
			url: login.url,
			body: { ...login.body, ...(options.body as IDataObject) },
			headers: { ...options.headers, ...login.headers },
		};
	};

	/** An operation that makes a fresh login with the credential and returns what it answers. */
	const loginRoute = (extra: RouteExtras = {}) =>
		route(
			{ method: 'POST', url: '' },
			{ ...extra, preSend: [asLogin, ...(extra.preSend ?? [])], anonymous: true, causes: profile.login.refusedBecause },
		);

	/**
	 * An operation whose answer is the credential's current token, renewed only if due: no call
	 * of its own. (Declarative nodes let a pagination function produce the items directly.)
	 */
	const currentTokenRoute = (shape: (state: TokenState) => IDataObject) => ({
		send: { preSend: [prepare], paginate: true },
		operations: {
			async pagination(this: IExecutePaginationFunctions): Promise<INodeExecutionData[]> {
				const credentials = await credentialsOf(this);
				if (isStatic(credentials)) return [{ json: shape(staticState(profile.staticToken!.token(credentials))) }];
				const state = await obtainToken(profile, credentials, http(this)).catch((error: unknown) => {
					throw toNodeError(this, error, secretsOf(credentials));
				});
				await storeThroughN8n(this, profile.credentialType);
				return [{ json: shape(state) }];
			},
		},
	});

	/** A token parameter's value or, left empty, the credential's own (logging in first if needed). */
	const givenOrCurrent = async (
		context: IExecuteSingleFunctions,
		parameter: string,
		pick: (state: TokenState) => string | undefined,
	): Promise<string> => {
		const given = String(context.getNodeParameter(parameter, '') ?? '').trim();
		if (given) return given;
		const credentials = await credentialsOf(context);
		const state = await obtainToken(profile, credentials, http(context)).catch((error: unknown) => {
			throw toNodeError(context, error, secretsOf(credentials));
		});
		return pick(state) ?? '';
	};

	return { route, loginRoute, currentTokenRoute, givenOrCurrent, credentialsOf };
}

/**
 * Has n8n write the current token to the credential, as any request of ours would: n8n's own
 * preAuthentication path runs, and authenticate then stops the request before it is sent.
 */
async function storeThroughN8n(context: IExecuteSingleFunctions, credentialType: string): Promise<void> {
	const outcome = await context.helpers.httpRequestWithAuthentication
		.call(context, credentialType, { url: 'http://127.0.0.1/', method: 'GET', headers: { [PERSIST_ONLY_HEADER]: '1', [OWN_NODE_HEADER]: '1' } })
		.then(
			() => undefined,
			(error: unknown) => error as Error & { cause?: { tokenPersisted?: boolean } },
		);
	if (outcome && !outcome.cause?.tokenPersisted && !String(outcome.message).includes(PERSISTED_MESSAGE)) {
		throw toNodeError(context, outcome);
	}
}

function staticState(token: string): TokenState {
	return { token, obtainedAt: Date.now(), expiresAt: jwtExpiry(token), identity: 'static' };
}

/** ISO expiry of a token just received: its JWT `exp`, else now plus the documented lifetime. */
export function expiryOf(token: unknown, lifetimeSeconds?: number): string | null {
	if (typeof token !== 'string' || !token) return null;
	const expiry = jwtExpiry(token) ?? (lifetimeSeconds !== undefined ? Date.now() + lifetimeSeconds * 1000 : undefined);
	return expiry === undefined ? null : new Date(expiry).toISOString();
}

export function isoOrNull(time: number | undefined): string | null {
	return time === undefined ? null : new Date(time).toISOString();
}

function apiError(
	profile: TokenProfile,
	response: IN8nHttpFullResponse,
	staticMode: boolean,
	causes?: Record<number, string>,
): ProviderError {
	const status = response.statusCode;
	const body = parseBody(response.body);
	const routeCause = causes?.[status];
	if (routeCause) return new ProviderError(`${profile.provider} answered ${statusLabel(status, body)}: ${routeCause}`, 'api', status);
	if (status === 429 || status >= 500) {
		return serviceError(profile, status, body, response.headers as Record<string, unknown>, 'request');
	}
	if (profile.expiredStatuses.includes(status) && staticMode && profile.staticToken) {
		return new ProviderError(
			`${profile.provider} rejected the ${profile.staticToken.tokenName} (${statusLabel(status, body)}): ${profile.staticToken.fix}`,
			'token-rejected',
			status,
		);
	}
	const cause = profile.apiErrorCauses?.[status] ?? likelyCause(status);
	return new ProviderError(`${profile.provider} answered ${statusLabel(status, body)}: ${cause}`, 'api', status);
}

function toItems(body: unknown): INodeExecutionData[] {
	if (Array.isArray(body)) return body.map((json) => ({ json: toJson(json) }));
	if (body === undefined) return [{ json: { success: true } }];
	return [{ json: toJson(body) }];
}

function toJson(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : { value: value as string };
}
