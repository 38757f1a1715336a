import { createHash } from 'crypto';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { ProviderError, likelyCause, statusLabel } from '../errors';
import { checkCredentials } from '../validation';
import { jwtExpiry } from './jwt';
import type { AuthRequest, CredentialFields, ResponsePaths, TokenProfile } from './profile';
import { renewalPoint, selfRenewalDeadline } from './renewalPoint';
import { storedTokenState, type TokenState } from './tokenState';

/** n8n's request helper as the core uses it: full response, statuses handled here. */
export type HttpRequester = (options: IHttpRequestOptions) => Promise<unknown>;

interface FullResponse {
	statusCode: number;
	body: unknown;
	headers?: Record<string, unknown>;
}

/** Per account: the newest token this n8n process knows, and the login/renewal in flight, if any. */
interface AccountEntry {
	state?: TokenState;
	inFlight?: Promise<TokenState>;
	rejected: Set<string>;
	/** A failed login, remembered briefly so a wrong password or an outage costs one call, not one per item. */
	failure?: { error: ProviderError; until: number };
	/** The token last given to n8n to store, and when. */
	handedToN8n?: { token: string; at: number };
}

// Module state lives as long as the n8n process, and credential and node files share this module:
// that is what lets 100 items, or 20 executions, wait on one login instead of making 100.
const accounts = new Map<string, AccountEntry>();

const DEFAULT_TIMEOUT_SECONDS = 30;
// A refusal stays true until someone edits the credential; an outage may end any second.
const REFUSAL_MEMORY_MS = 10_000;
const OUTAGE_MEMORY_MS = 2_000;
const MAX_RENEWAL_MARGIN_MS = 5 * 60_000;
// n8n writes a token once per preAuthentication; the items that read the credential before that
// write landed still hold the old copy. For this long they are not asked to write it again.
const STORE_GRACE_MS = 10_000;

export function identityOf(profile: TokenProfile, credentials: CredentialFields): string {
	const hash = createHash('sha256').update(profile.credentialType);
	for (const field of profile.identityFields) hash.update('\u0000').update(String(credentials[field] ?? ''));
	return hash.digest('hex').slice(0, 32);
}

function entryFor(identity: string): AccountEntry {
	let entry = accounts.get(identity);
	if (!entry) {
		entry = { rejected: new Set() };
		accounts.set(identity, entry);
	}
	return entry;
}

/** Renew this long before the known expiry: a tenth of the lifetime, at most five minutes. */
export function renewalMargin(state: TokenState): number {
	if (state.expiresAt === undefined) return 0;
	return Math.min(MAX_RENEWAL_MARGIN_MS, Math.max(0, (state.expiresAt - state.obtainedAt) / 10));
}

export function isUsable(state: TokenState | undefined, entry: AccountEntry | undefined, now = Date.now()): boolean {
	if (!state || entry?.rejected.has(state.token)) return false;
	return state.expiresAt === undefined || now < renewalPoint(state.token, state.expiresAt, renewalMargin(state));
}

function newer(a: TokenState | undefined, b: TokenState | undefined): TokenState | undefined {
	if (!a) return b;
	if (!b) return a;
	return b.obtainedAt > a.obtainedAt ? b : a;
}

/**
 * The token to send now without any network call, or undefined when a login or renewal is due
 * (unknown, past its known expiry, or rejected). Also says whether n8n's stored copy is behind.
 */
export function tokenForRequest(
	profile: TokenProfile,
	credentials: CredentialFields,
): { token?: string; storedIsCurrent: boolean } {
	const identity = identityOf(profile, credentials);
	const entry = accounts.get(identity);
	const stored = storedTokenState(credentials, identity);
	const candidates = [entry?.state, stored].filter((s) => isUsable(s, entry));
	const best = candidates.reduce<TokenState | undefined>(newer, undefined);
	// A newer token another n8n process stored (queue mode) is adopted, so a retry here that
	// holds an older copy of the credential uses it instead of renewing again.
	if (best && best === stored && best.token !== entry?.state?.token) entryFor(identity).state = best;
	const storedIsCurrent = best !== undefined && (best.token === stored?.token || isBeingStored(entry, best.token));
	return { token: best?.token, storedIsCurrent };
}

function isBeingStored(entry: AccountEntry | undefined, token: string, now = Date.now()): boolean {
	return entry?.handedToN8n?.token === token && now - entry.handedToN8n.at < STORE_GRACE_MS;
}

/**
 * Whether n8n should write this token to the credential: not when the stored copy has it, nor
 * when it was just handed to n8n to store (a batch of items would otherwise write it once each).
 */
export function claimStoring(profile: TokenProfile, credentials: CredentialFields, state: TokenState): boolean {
	const identity = identityOf(profile, credentials);
	const entry = entryFor(identity);
	if (storedTokenState(credentials, identity)?.token === state.token || isBeingStored(entry, state.token)) return false;
	entry.handedToN8n = { token: state.token, at: Date.now() };
	return true;
}

/**
 * A usable token for this account: the known one if still good, otherwise one renewal or login
 * shared by every caller that asks at the same time. `replacing` names a token the caller can no
 * longer use; if another caller already replaced it, the newer token is returned without a call.
 */
export async function obtainToken(
	profile: TokenProfile,
	credentials: CredentialFields,
	http: HttpRequester,
	options: { replacing?: string } = {},
): Promise<TokenState> {
	checkCredentials(profile, credentials);
	const identity = identityOf(profile, credentials);
	const entry = entryFor(identity);
	if (entry.inFlight) {
		const shared = await entry.inFlight;
		if (shared.token !== options.replacing) return shared;
	}
	const current = [entry.state, storedTokenState(credentials, identity)].reduce<TokenState | undefined>(newer, undefined);
	if (current && current.token !== options.replacing && isUsable(current, entry)) {
		entry.state = current;
		return current;
	}
	if (entry.inFlight) return await entry.inFlight;
	if (entry.failure && Date.now() < entry.failure.until) throw entry.failure.error;
	const flight = renewOrLogin(profile, credentials, http, identity, current, entry);
	// Bookkeeping on a side branch: callers still get the rejection from `flight` itself.
	flight
		.then(
			() => (entry.failure = undefined),
			(error: unknown) => rememberFailure(entry, error),
		)
		.finally(() => {
			if (entry.inFlight === flight) entry.inFlight = undefined;
		});
	entry.inFlight = flight;
	const state = await flight;
	entry.state = state;
	return state;
}

function rememberFailure(entry: AccountEntry, error: unknown): void {
	if (!(error instanceof ProviderError) || error.kind === 'input') return;
	const refused = error.kind === 'login-refused' || error.kind === 'bad-response';
	entry.failure = { error, until: Date.now() + (refused ? REFUSAL_MEMORY_MS : OUTAGE_MEMORY_MS) };
}

/** Records that the provider refused this token, so no caller sends it again. */
export function markRejected(profile: TokenProfile, credentials: CredentialFields, token: string): void {
	const entry = entryFor(identityOf(profile, credentials));
	entry.rejected.add(token);
	if (entry.rejected.size > 32) entry.rejected.delete(entry.rejected.values().next().value as string);
}

/** The login failure remembered for this account, if recent. */
export function recentFailure(profile: TokenProfile, credentials: CredentialFields): ProviderError | undefined {
	const failure = accounts.get(identityOf(profile, credentials))?.failure;
	return failure && Date.now() < failure.until ? failure.error : undefined;
}

/** Forgets every account: for tests that simulate a fresh n8n process. */
export function forgetAllTokens(): void {
	accounts.clear();
}

async function renewOrLogin(
	profile: TokenProfile,
	credentials: CredentialFields,
	http: HttpRequester,
	identity: string,
	current: TokenState | undefined,
	entry: AccountEntry,
): Promise<TokenState> {
	const renew = profile.renew;
	if (renew && current && canRenew(renew.uses, current, entry)) {
		const outcome = await call(profile, http, credentials, renew.request(current, credentials), 'renewal').then(
			(response) => ({ response, error: undefined }),
			(error: unknown) => ({ response: undefined, error }),
		);
		// Only a refusal justifies a full login; an outage would fail the login the same way.
		const refused = outcome.error instanceof ProviderError && outcome.error.kind === 'login-refused';
		if (outcome.error && !refused) throw outcome.error;
		const token = outcome.response && pick(outcome.response.body, renew.token);
		if (outcome.response && token) return describeToken(token, outcome.response.body, renew, identity, current);
	}
	const response = await call(profile, http, credentials, profile.login.request(credentials), 'login');
	const token = pick(response.body, profile.login.token);
	if (!token) {
		throw new ProviderError(
			`${profile.provider} answered the login with ${response.statusCode} but without a ${profile.tokenName} (expected in ${profile.login.token.join(' or ')})`,
			'bad-response',
			response.statusCode,
			'The Base URL may point at the wrong service, or the provider changed its API.',
		);
	}
	return describeToken(token, response.body, profile.login, identity);
}

function canRenew(uses: 'refreshToken' | 'accessToken', current: TokenState, entry: AccountEntry, now = Date.now()) {
	if (uses === 'refreshToken') {
		return !!current.refreshToken && (current.refreshExpiresAt === undefined || now < current.refreshExpiresAt);
	}
	if (entry.rejected.has(current.token) || current.expiresAt === undefined) return false;
	return now < selfRenewalDeadline(current.expiresAt, renewalMargin(current));
}

function describeToken(
	token: string,
	body: unknown,
	facts: { expiresAt?: ResponsePaths; lifetimeSeconds?: number; refreshToken?: ResponsePaths; refreshTokenLifetimeSeconds?: number },
	identity: string,
	previous?: TokenState,
): TokenState {
	const obtainedAt = Date.now();
	const stated = facts.expiresAt ? toTime(pick(body, facts.expiresAt)) : undefined;
	let expiresAt = stated ?? jwtExpiry(token) ?? lifetime(obtainedAt, facts.lifetimeSeconds);
	// An expiry already past on arrival means the clocks disagree: trust the provider's 401 instead.
	if (expiresAt !== undefined && expiresAt <= obtainedAt) expiresAt = undefined;
	const freshRefresh = facts.refreshToken ? pick(body, facts.refreshToken) : undefined;
	const refreshToken = freshRefresh ?? previous?.refreshToken;
	const refreshExpiresAt = freshRefresh
		? jwtExpiry(freshRefresh) ?? lifetime(obtainedAt, facts.refreshTokenLifetimeSeconds)
		: previous?.refreshExpiresAt;
	return { token, obtainedAt, expiresAt, refreshToken, refreshExpiresAt, identity };
}

function lifetime(from: number, seconds?: number): number | undefined {
	return seconds === undefined ? undefined : from + seconds * 1000;
}

function toTime(value: string | undefined): number | undefined {
	if (!value) return undefined;
	const numeric = Number(value);
	if (Number.isFinite(numeric)) return numeric < 1e12 ? numeric * 1000 : numeric;
	const time = Date.parse(value);
	return Number.isFinite(time) ? time : undefined;
}

/** The first non-empty string at one of the paths ("a.b" walks objects). */
export function pick(body: unknown, paths: ResponsePaths): string | undefined {
	for (const path of paths) {
		let value: unknown = body;
		for (const key of path.split('.')) {
			value = value && typeof value === 'object' ? (value as IDataObject)[key] : undefined;
		}
		if (typeof value === 'string' && value !== '') return value;
		if (typeof value === 'number') return String(value);
	}
	return undefined;
}

export function timeoutMs(credentials: CredentialFields): number {
	const seconds = typeof credentials.timeoutSeconds === 'number' ? credentials.timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
	return seconds * 1000;
}

/** One login or renewal call: returns a 2xx JSON answer or throws a ProviderError that names the cause. */
async function call(
	profile: TokenProfile,
	http: HttpRequester,
	credentials: CredentialFields,
	request: AuthRequest,
	purpose: 'login' | 'renewal',
): Promise<FullResponse> {
	let response: FullResponse;
	try {
		response = (await http({
			method: request.method,
			url: request.url,
			body: request.body,
			headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...request.headers },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs(credentials),
		})) as FullResponse;
	} catch (error) {
		throw networkError(profile, error, purpose, request.url, timeoutMs(credentials));
	}
	const status = response.statusCode;
	const body = parseBody(response.body);
	if (status >= 200 && status < 300) {
		if (body === undefined || typeof body !== 'object') {
			throw new ProviderError(
				`${profile.provider} answered the ${purpose} with ${status} but ${body === undefined ? 'an empty body' : 'a body that is not JSON'}`,
				'bad-response',
				status,
				'A proxy or maintenance page may be in the way, or the Base URL points at the wrong service.',
			);
		}
		return { ...response, body };
	}
	if (status === 429 || status >= 500) throw serviceError(profile, status, body, response.headers, purpose);
	const cause = profile.login.refusedBecause[status] ?? likelyCause(status);
	throw new ProviderError(
		`${profile.provider} refused the ${purpose} (${statusLabel(status, body)}): ${cause}`,
		'login-refused',
		status,
	);
}

export function parseBody(body: unknown): unknown {
	if (body === undefined || body === null || body === '') return undefined;
	if (typeof body === 'string' || Buffer.isBuffer(body)) {
		const text = body.toString().trim();
		if (text === '') return undefined;
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return body;
}

export function serviceError(
	profile: TokenProfile,
	status: number,
	body: unknown,
	headers: Record<string, unknown> | undefined,
	what: string,
): ProviderError {
	if (status === 429) {
		const retryAfter = headers?.['retry-after'];
		const wait = retryAfter !== undefined ? `, retry after ${String(retryAfter)} s` : '';
		return new ProviderError(
			`${profile.provider} is rate limiting the ${what} (429 Too Many Requests${wait}): space the requests out (Batching options) and run again`,
			'rate-limited',
			status,
		);
	}
	return new ProviderError(
		`${profile.provider} failed to answer the ${what} (${statusLabel(status, body)}): a problem on the provider side, try again later`,
		'provider-failure',
		status,
	);
}

export function networkError(profile: TokenProfile, error: unknown, what: string, url: string, timeout: number): ProviderError {
	const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
	let host = url;
	try {
		host = new URL(url).host;
	} catch {
		host = 'the configured URL';
	}
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(String((error as Error)?.message))) {
		return new ProviderError(
			`${profile.provider} did not answer the ${what} within ${Math.round(timeout / 1000)} s (${host}): the service may be down or slow; try again later or raise the credential's Timeout`,
			'timeout',
		);
	}
	return new ProviderError(
		`Could not reach ${profile.provider} at ${host} for the ${what}${code ? ` (${code})` : ''}: check the URL in the credential and the network`,
		'unreachable',
	);
}
