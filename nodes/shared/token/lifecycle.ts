import { createHash } from 'crypto';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { ProviderError, likelyCause, statusLabel, type Secrets } from '../errors';
import { checkCredentials } from '../validation';
import { checkOwnRequestAllowed } from './destinations';
import { jwtExpiry } from './jwt';
import type { AuthRequest, CredentialFields, ResponsePaths, TokenProfile } from './profile';
import { renewalPoint, selfRenewalDeadline } from './renewalPoint';
import { storedTokenState, TOKEN_FIELD, toTime, type TokenState } from './tokenState';

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
	/** A failed login, remembered so a wrong password or an outage costs one call, not one per item. */
	failure?: { error: ProviderError; until: number };
	/** Logins refused in a row: each waits longer before the next attempt (account lockout policies). */
	refusals: number;
	/** The token last given to n8n to store, and when. */
	handedToN8n?: { token: string; at: number };
}

// Module state lives as long as the n8n process, and credential and node files share this module:
// that is what lets 100 items, or 20 executions, wait on one login instead of making 100.
// Bounded: the least recently used accounts are forgotten first (never one with a login in flight).
const accounts = new Map<string, AccountEntry>();
const MAX_ACCOUNTS = 500;

const DEFAULT_TIMEOUT_SECONDS = 30;
// A refusal stays true until someone edits the credential (which makes a new identity), so
// repeating it only brings the account closer to a lockout: 30 s, 2 min, 10 min, then hourly
// (at most 4 refused logins in the first hour, 1 an hour after). An outage may end any second.
const REFUSAL_BACKOFF_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000];
const OUTAGE_MEMORY_MS = 2_000;
const BAD_ANSWER_MEMORY_MS = 10_000;
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
	if (entry) {
		accounts.delete(identity);
	} else {
		entry = { rejected: new Set(), refusals: 0 };
		for (const [key, old] of accounts) {
			if (accounts.size < MAX_ACCOUNTS) break;
			if (!old.inFlight) accounts.delete(key);
		}
	}
	accounts.set(identity, entry);
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
	// Every caller waiting on this flight gets the same outcome, including when to try again.
	const flight = renewOrLogin(profile, credentials, http, identity, current, entry).then(
		(state) => {
			entry.failure = undefined;
			entry.refusals = 0;
			return state;
		},
		(error: unknown) => {
			throw rememberFailure(entry, error);
		},
	);
	flight
		.catch(() => undefined)
		.finally(() => {
			if (entry.inFlight === flight) entry.inFlight = undefined;
		});
	entry.inFlight = flight;
	const state = await flight;
	entry.state = state;
	return state;
}

/** Remembers a failed login or renewal; returns the error to report (saying when the next try is). */
function rememberFailure(entry: AccountEntry, error: unknown): unknown {
	if (!(error instanceof ProviderError) || error.kind === 'input') return error;
	// An answer that is not a token (wrong Base URL, a proxy page, a redirect) stays wrong for a while;
	// an outage, or a setting that stopped the call before sending, is remembered briefly, so that
	// authenticate can report it on the request instead of n8n's generic message.
	if (error.kind !== 'login-refused') {
		entry.failure = { error, until: Date.now() + (error.kind === 'bad-response' ? BAD_ANSWER_MEMORY_MS : OUTAGE_MEMORY_MS) };
		return error;
	}
	const wait = REFUSAL_BACKOFF_MS[Math.min(entry.refusals, REFUSAL_BACKOFF_MS.length - 1)];
	entry.refusals += 1;
	const until = Date.now() + wait;
	const next = new Date(until).toISOString().replace(/\.\d+Z$/, 'Z');
	const remembered = new ProviderError(
		`${error.message}. To keep the account from being locked, no new login is tried before ${next} (in ${Math.round(wait / 1000)} s) unless the credential is changed`,
		error.kind,
		error.httpStatus,
		error.description,
	);
	entry.failure = { error: remembered, until };
	return remembered;
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

/**
 * Everything a message about this account must not contain: the credential's secret fields and
 * every token this process knows for it.
 */
export function knownSecrets(profile: TokenProfile, credentials: CredentialFields, ...tokens: Array<string | undefined>): Secrets {
	const fields = [...Object.keys(profile.requiredFields), profile.staticToken?.field, TOKEN_FIELD, 'sessionRefreshToken'];
	const values = fields.map((field) => (field && typeof credentials[field] === 'string' ? (credentials[field] as string) : undefined));
	const state = accounts.get(identityOf(profile, credentials))?.state;
	return [...values, state?.token, state?.refreshToken, ...tokens];
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
	checkOwnRequestAllowed(profile, credentials, request.url, purpose);
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
			// A login carries the password, a renewal the token: never re-sent to wherever a redirect points.
			disableFollowRedirect: true,
			timeout: timeoutMs(credentials),
		})) as FullResponse;
	} catch (error) {
		throw networkError(profile, error, purpose, request.url, timeoutMs(credentials));
	}
	const status = response.statusCode;
	if (isRedirect(status)) throw redirectRefused(profile, request.url, response.headers, purpose);
	const body = parseBody(response.body);
	const secrets = knownSecrets(profile, credentials, request.headers?.Authorization);
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
	if (status === 429 || status >= 500) throw serviceError(profile, status, body, response.headers, purpose, secrets);
	const cause = profile.login.refusedBecause[status] ?? likelyCause(status);
	throw new ProviderError(
		`${profile.provider} refused the ${purpose} (${statusLabel(status, body, secrets)}): ${cause}`,
		'login-refused',
		status,
	);
}

export function isRedirect(status: number): boolean {
	return status >= 300 && status < 400 && status !== 304;
}

/** A redirect answered to a request that must not follow it: names where it came from and where it pointed. */
export function redirectRefused(
	profile: TokenProfile,
	url: string,
	headers: Record<string, unknown> | undefined,
	what: string,
): ProviderError {
	const from = new URL(url);
	let to = 'no address';
	try {
		to = new URL(String(headers?.location ?? headers?.Location ?? ''), from).host;
	} catch {
		// Location missing or not a URL: "no address" says enough.
	}
	return new ProviderError(
		`${profile.provider} answered the ${what} at ${from.host} with a redirect to ${to}: it was not followed, so no password or token left ${from.host}`,
		'bad-response',
		undefined,
		'A redirect here usually means the URL in the credential is outdated (http instead of https, an old host) or a proxy is in the way: put the final address into the credential.',
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
	secrets: Secrets,
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
		`${profile.provider} failed to answer the ${what} (${statusLabel(status, body, secrets)}): a problem on the provider side, try again later`,
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
