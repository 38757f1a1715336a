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

import { ProviderError, likelyCause, redact, statusLabel, type Secrets } from './errors';
import { readPage, type PageFacts } from './pages';
import { REQUEST_RECORD, type RequestRecord, PERSISTED_MESSAGE } from './token/credentialHooks';
import { checkOwnRequestAllowed } from './token/destinations';
import { jwtExpiry } from './token/jwt';
import {
	isRedirect,
	knownSecrets,
	markRejected,
	networkError,
	obtainToken,
	parseBody,
	redirectRefused,
	serviceError,
	timeoutMs,
} from './token/lifecycle';
import type { CredentialFields, TokenProfile } from './token/profile';
import type { TokenState } from './token/tokenState';
import { checkCredentials, inputError } from './validation';

type PreSend = (this: IExecuteSingleFunctions, options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
type PostReceive = (
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
) => Promise<INodeExecutionData[]>;

type RecordedOptions = IHttpRequestOptions & { [REQUEST_RECORD]?: RequestRecord };

/** One item's request as prepared, so the answer handler can repeat it once with a new token. */
interface SentRequest {
	options: RecordedOptions;
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

// Per item (keyed on n8n's item context, so dropped with the execution): the request as sent,
// the credential as n8n resolved it for that item, and what the provider said about pages.
const sentRequests = new WeakMap<object, SentRequest>();
const itemCredentials = new WeakMap<object, Promise<CredentialFields>>();
const pageFacts = new WeakMap<object, PageFacts>();

/** RoutingNode runs a paginated request through Object.create(itemContext): key on the item context. */
function itemContext(context: object): object {
	return Object.prototype.hasOwnProperty.call(context, 'makeRoutingRequest') ? Object.getPrototypeOf(context) : context;
}

export function toNodeError(context: IExecuteSingleFunctions, error: unknown, secrets: Secrets = []) {
	const ours = providerErrorIn(error);
	if (!ours && (error instanceof NodeApiError || error instanceof NodeOperationError)) return error;
	const itemIndex = context.getItemIndex();
	if (ours) {
		const message = redact(ours.message, secrets);
		const description = ours.description && redact(ours.description, secrets);
		if (ours.kind === 'input' || ours.kind === 'destination') {
			return new NodeOperationError(context.getNode(), message, { itemIndex, description });
		}
		return new NodeApiError(context.getNode(), { message, kind: ours.kind } as JsonObject, {
			message,
			description,
			httpCode: ours.httpStatus !== undefined ? String(ours.httpStatus) : undefined,
			itemIndex,
		});
	}
	return new NodeOperationError(context.getNode(), redact(String((error as Error)?.message ?? error), secrets), {
		itemIndex,
	});
}

/** Our own error, also when n8n wrapped it (an error thrown by authenticate arrives as NodeApiError). */
function providerErrorIn(error: unknown): ProviderError | undefined {
	if (error instanceof ProviderError) return error;
	const cause = (error as { cause?: unknown })?.cause;
	return cause instanceof ProviderError ? cause : undefined;
}

const NETWORK_CODES = ['ECONNABORTED', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH'];

/** The network failure behind an error n8n raised itself (a timeout, a refused connection), if any. */
function networkCause(error: unknown): { code?: string; message?: string } | undefined {
	const candidate = error as { httpCode?: string; cause?: { code?: string; message?: string } };
	const code = candidate?.cause?.code ?? candidate?.httpCode;
	return code && NETWORK_CODES.includes(code) ? { code, message: candidate.cause?.message } : undefined;
}

const isAbsolute = (url: string) => /^https?:\/\//i.test(url);

function fullUrl(options: IHttpRequestOptions): string {
	const url = String(options.url ?? '');
	return options.baseURL && !isAbsolute(url) ? `${options.baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}` : url;
}

/**
 * The request life cycle of every operation of one provider's node: validate and get a token
 * before anything is sent, apply the provider's own "expired" signal (one refresh, one retry),
 * and turn every other failure into a message that names the provider, status and cause.
 */
export function tokenTransport(profile: TokenProfile) {
	// The credential as n8n resolved it for this item (its fields may be expressions over the
	// item, e.g. one tenant per item), read once per item.
	const credentialsOf = async (context: IExecuteSingleFunctions) => {
		const key = itemContext(context);
		let read = itemCredentials.get(key);
		if (!read) {
			read = context.getCredentials(profile.credentialType) as Promise<CredentialFields>;
			itemCredentials.set(key, read);
			// A failed read is not kept: the next attempt asks n8n again and gets its own error.
			read.catch(() => itemCredentials.delete(key));
		}
		return await read;
	};
	const isStatic = (credentials: CredentialFields) => profile.staticToken?.isSelected(credentials) === true;
	const http = (context: IExecuteSingleFunctions) => async (options: IHttpRequestOptions) =>
		await context.helpers.httpRequest(options);

	/** The node's own Timeout (Options → Timeout), else the credential's. */
	const timeoutFor = (context: IExecuteSingleFunctions, credentials: CredentialFields): number => {
		const set = (context.getNodeParameter('requestOptions', {}) as IDataObject).timeout;
		return typeof set === 'number' && set > 0 ? set : timeoutMs(credentials);
	};

	const prepareWith = (anonymous: boolean, causes?: Record<number, string>): PreSend =>
		async function (options) {
			const credentials = await credentialsOf(this);
			try {
				// obtainToken checks the credential itself; the other paths check it here.
				if (!anonymous && !isStatic(credentials)) await obtainToken(profile, credentials, http(this));
				else checkCredentials(profile, credentials);
			} catch (error) {
				throw toNodeError(this, error, knownSecrets(profile, credentials));
			}
			const prepared: RecordedOptions = {
				...options,
				baseURL: isAbsolute(String(options.url ?? '')) ? undefined : options.baseURL ?? profile.apiBaseUrl(credentials),
				ignoreHttpStatusErrors: true,
				timeout: timeoutFor(this, credentials),
			};
			// authenticate writes into the record which token it really applied.
			if (!anonymous) prepared[REQUEST_RECORD] = { ownNode: true };
			sentRequests.set(itemContext(this), { options: prepared, anonymous, causes });
			return prepared;
		};
	const prepare = prepareWith(false);

	/** A network failure (timeout, refused connection) or our own error as a provider error; others unchanged. */
	const translated = (error: unknown, options: IHttpRequestOptions): unknown => {
		const ours = providerErrorIn(error);
		if (ours) return ours;
		const cause = networkCause(error);
		return cause ? networkError(profile, cause, 'request', fullUrl(options), Number(options.timeout)) : error;
	};

	const send = async (context: IExecuteSingleFunctions, options: RecordedOptions) => {
		const outcome = await context.helpers.httpRequestWithAuthentication
			.call(context, profile.credentialType, { ...options, returnFullResponse: true, ignoreHttpStatusErrors: true })
			.then(
				(response) => ({ response: response as IN8nHttpFullResponse, error: undefined }),
				(error: unknown) => ({ response: undefined, error }),
			);
		if (outcome.response) return outcome.response;
		throw translated(outcome.error, options);
	};

	const answer = async (
		context: IExecuteSingleFunctions,
		response: IN8nHttpFullResponse,
	): Promise<IN8nHttpFullResponse> => {
		if (response.statusCode >= 200 && response.statusCode < 300) return response;
		const sent = sentRequests.get(itemContext(context));
		const record = sent?.options[REQUEST_RECORD];
		const credentials = await credentialsOf(context);
		const rejected = record?.appliedToken;
		let current = response;
		try {
			if (isRedirect(current.statusCode) && sent) {
				throw redirectRefused(profile, fullUrl(sent.options), current.headers as Record<string, unknown>, 'request');
			}
			if (profile.expiredStatuses.includes(current.statusCode) && sent && record && !isStatic(credentials)) {
				if (rejected) markRejected(profile, credentials, rejected);
				await obtainToken(profile, credentials, http(context), { replacing: rejected });
				current = await send(context, sent.options);
				if (profile.expiredStatuses.includes(current.statusCode)) throw rejectedTwice(profile, current, knownSecrets(profile, credentials, rejected));
			}
			if (current.statusCode >= 200 && current.statusCode < 300) return current;
			if (isRedirect(current.statusCode) && sent) {
				throw redirectRefused(profile, fullUrl(sent.options), current.headers as Record<string, unknown>, 'request');
			}
			throw apiError(profile, current, isStatic(credentials) && !sent?.anonymous, knownSecrets(profile, credentials, rejected), sent?.causes);
		} catch (error) {
			throw toNodeError(context, error, knownSecrets(profile, credentials, rejected, record?.appliedToken));
		}
	};

	const receive: PostReceive = async function (_items, response) {
		const final = await answer(this, response);
		return toItems(parseBody(final.body));
	};

	/** The answer of one page: its records, and what it says about the other pages. */
	const receivePage: PostReceive = async function (_items, response) {
		const final = await answer(this, response);
		const credentials = await credentialsOf(this);
		try {
			const page = readPage(profile.provider, parseBody(final.body));
			pageFacts.set(itemContext(this), page.facts);
			return page.records.map((json) => ({ json }));
		} catch (error) {
			throw toNodeError(this, error, knownSecrets(profile, credentials));
		}
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
		const credentials = await credentialsOf(context).catch(() => ({}) as CredentialFields);
		throw toNodeError(context, translated(outcome.error, options), knownSecrets(profile, credentials));
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
	 * It may still carry a password or a token in its body: never to a redirect's target, and
	 * only where the credential's allowed domains permit.
	 */
	const sendWithoutCredential = (postReceive: PostReceive[]) =>
		async function (this: IExecutePaginationFunctions, requestData: DeclarativeRestApiSettings.ResultOptions): Promise<INodeExecutionData[]> {
			const options = requestData.options as IHttpRequestOptions;
			const credentials = await credentialsOf(this);
			return await withNetworkMessages(this, options, async () => {
				checkOwnRequestAllowed(profile, credentials, fullUrl(options), 'request');
				const response = (await this.helpers.httpRequest({
					...options,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
				})) as IN8nHttpFullResponse;
				if (isRedirect(response.statusCode)) throw redirectRefused(profile, fullUrl(options), response.headers as Record<string, unknown>, 'request');
				let items: INodeExecutionData[] = [{ json: (response.body ?? {}) as IDataObject }];
				for (const step of postReceive) items = await step.call(this, items, response);
				return items;
			});
		};

	/**
	 * Pages through `page`/`pageSize`, honouring Return All and Limit: as far as the provider says
	 * pages exist, or, when it does not say, until a short page.
	 */
	const paginateByPage = async function (
		this: IExecutePaginationFunctions,
		requestData: DeclarativeRestApiSettings.ResultOptions,
	): Promise<INodeExecutionData[]> {
		const returnAll = this.getNodeParameter('returnAll', false) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', 50) as number);
		const pageSize = Math.min(100, returnAll ? 100 : limit);
		const results: INodeExecutionData[] = [];
		const item = itemContext(this);
		for (let page = 1; results.length < limit; page++) {
			const base = requestData.options as RecordedOptions;
			const options: RecordedOptions = { ...base, qs: { ...(base.qs ?? {}), page, pageSize } };
			// Each page records the token that page really carried.
			if (base[REQUEST_RECORD]) options[REQUEST_RECORD] = { ownNode: true };
			sentRequests.set(item, { ...sentRequests.get(item), options });
			pageFacts.delete(item);
			const items = await withNetworkMessages(this, options, async () => await this.makeRoutingRequest({ ...requestData, options }));
			results.push(...items);
			const facts = pageFacts.get(item);
			const lastPage = facts?.totalPages ?? (facts?.total !== undefined ? Math.ceil(facts.total / pageSize) : undefined);
			if (lastPage !== undefined ? page >= lastPage : items.length < pageSize) break;
			if (items.length === 0) break;
		}
		return results.slice(0, limit);
	};

	/**
	 * Routing for one operation: its own checks first (no network), then ours (credential, token),
	 * then our answer handler, then its own output shaping.
	 */
	const route = (request: IHttpRequestOptions | Record<string, unknown>, extra: RouteExtras = {}) => {
		const postReceive = [extra.paginate ? receivePage : receive, ...(extra.postReceive ?? [])];
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
			throw toNodeError(this, error, knownSecrets(profile, credentials));
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
					throw toNodeError(this, error, knownSecrets(profile, credentials));
				});
				await storeThroughN8n(this, profile, credentials);
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
			throw toNodeError(context, error, knownSecrets(profile, credentials));
		});
		return pick(state) ?? '';
	};

	return { route, loginRoute, currentTokenRoute, givenOrCurrent, credentialsOf };
}

/** Why a second token was refused too: for a provider whose "expired" status also means "forbidden", say so. */
function rejectedTwice(profile: TokenProfile, response: IN8nHttpFullResponse, secrets: Secrets): ProviderError {
	const label = statusLabel(response.statusCode, parseBody(response.body), secrets);
	const cause =
		response.statusCode === 401
			? 'the account may lack API access or be inactive'
			: `${profile.provider} answers ${response.statusCode} both for an expired ${profile.tokenName} and for missing permission; a new ${profile.tokenName} got it too, so this is likely a permission problem: check the user's role for this resource`;
	return new ProviderError(
		`${profile.provider} rejected the ${profile.tokenName} (${label}) and then a newly obtained one as well: ${cause}`,
		'token-rejected',
		response.statusCode,
	);
}

/**
 * Has n8n write the current token to the credential, as any request of ours would: n8n's own
 * preAuthentication path runs, and authenticate then stops the request before it is sent.
 */
async function storeThroughN8n(context: IExecuteSingleFunctions, profile: TokenProfile, credentials: CredentialFields): Promise<void> {
	const options: RecordedOptions = { url: profile.apiBaseUrl(credentials), method: 'GET', [REQUEST_RECORD]: { ownNode: true, persistOnly: true } };
	const outcome = await context.helpers.httpRequestWithAuthentication.call(context, profile.credentialType, options).then(
		() => undefined,
		(error: unknown) => error as Error & { cause?: { tokenPersisted?: boolean } },
	);
	if (outcome && !outcome.cause?.tokenPersisted && !String(outcome.message).includes(PERSISTED_MESSAGE)) {
		throw toNodeError(context, outcome, knownSecrets(profile, credentials));
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
	secrets: Secrets,
	causes?: Record<number, string>,
): ProviderError {
	const status = response.statusCode;
	const body = parseBody(response.body);
	const label = statusLabel(status, body, secrets);
	const routeCause = causes?.[status];
	if (routeCause) return new ProviderError(`${profile.provider} answered ${label}: ${routeCause}`, 'api', status);
	if (status === 429 || status >= 500) {
		return serviceError(profile, status, body, response.headers as Record<string, unknown>, 'request', secrets);
	}
	if (profile.expiredStatuses.includes(status) && staticMode && profile.staticToken) {
		return new ProviderError(`${profile.provider} rejected the ${profile.staticToken.tokenName} (${label}): ${profile.staticToken.fix}`, 'token-rejected', status);
	}
	const cause = profile.apiErrorCauses?.[status] ?? likelyCause(status);
	return new ProviderError(`${profile.provider} answered ${label}: ${cause}`, 'api', status);
}

function toItems(body: unknown): INodeExecutionData[] {
	if (Array.isArray(body)) return body.map((json) => ({ json: toJson(json) }));
	if (body === undefined) return [{ json: { success: true } }];
	return [{ json: toJson(body) }];
}

function toJson(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : { value: value as string };
}
