import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { checkCredentials } from '../validation';
import { claimStoring, identityOf, obtainToken, recentFailure, tokenForRequest } from './lifecycle';
import type { TokenProfile } from './profile';
import { storedTokenState, toStoredFields } from './tokenState';

/**
 * Set by operations that need no request of their own (Token → Get) but must still have n8n
 * store the current token: authenticate stops the request once the stored copy is current.
 */
export const PERSIST_ONLY_HEADER = 'X-Token-Auth-Persist-Only';
export const PERSISTED_MESSAGE = 'Token stored; no request needed';

/** Set by this package's nodes on the requests they send through the credential. */
export const OWN_NODE_HEADER = 'X-Token-Auth-Node';

// n8n passes the same credentials object to both hooks for one request, so per object:
// the token it last sent (when n8n asks for a new token after a failure, that one failed),
const appliedTokens = new WeakMap<object, string>();
// whether authenticate already ran for it (then a preAuthentication call is n8n's retry),
const authenticated = new WeakSet<object>();
// and whether the request came from our nodes. n8n's declarative path (our nodes) retries
// whatever preAuthentication returns; the HTTP Request node's path retries only if it returns
// a token, which n8n then writes.
const fromOwnNode = new WeakSet<object>();

/**
 * The credential's `preAuthentication`. n8n calls it when the stored token is empty, after a
 * request failed (a 401; any error in the HTTP Request node) and when the user tests the
 * credential. Whatever it returns with a token in it, n8n writes to the credential.
 */
export function preAuthenticationFor(profile: TokenProfile) {
	return async function preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		if (profile.staticToken?.isSelected(credentials)) return {};
		const identity = identityOf(profile, credentials);
		const replacing = appliedTokens.get(credentials) ?? storedTokenState(credentials, identity)?.token;
		try {
			checkCredentials(profile, credentials);
			const http = async (options: IHttpRequestOptions) => await this.helpers.httpRequest(options);
			const state = await obtainToken(profile, credentials, http, { replacing });
			// An answer without the token makes n8n write nothing; authenticate applies it anyway.
			const retryNeedsToken = authenticated.has(credentials) && !fromOwnNode.has(credentials);
			return claimStoring(profile, credentials, state) || retryNeedsToken ? toStoredFields(state) : {};
		} catch {
			// Store nothing: authenticate then fails the request with the provider's message, which
			// the core remembers (n8n would otherwise show its own generic one).
			return {};
		}
	};
}

/**
 * The credential's `authenticate`, run before every request in our nodes and in the HTTP
 * Request node. It has no way to make a call, so when a login or renewal is due it fails the
 * request before sending it, with the 401 that makes n8n run preAuthentication and retry.
 */
export function authenticateFor(profile: TokenProfile) {
	return async function authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) } as Record<string, unknown>;
		authenticated.add(credentials);
		if (OWN_NODE_HEADER in headers) {
			delete headers[OWN_NODE_HEADER];
			fromOwnNode.add(credentials);
		}
		// Always (re)set the header: n8n retries with the options it already authenticated once,
		// which carry the token that was just rejected. (Our operations that send a token of their
		// own, such as renewing a given JWT, do not go through the credential at all.)
		for (const name of Object.keys(headers)) {
			if (name.toLowerCase() === profile.apply.header.toLowerCase()) delete headers[name];
		}
		let token: string | undefined;
		if (profile.staticToken?.isSelected(credentials)) {
			token = profile.staticToken.token(credentials);
		} else {
			const current = tokenForRequest(profile, credentials);
			// Also when n8n's stored copy is older than ours: the retry writes the newer one back,
			// so the next execution (or a restarted n8n) starts with it.
			if (!current.token) throw failureToReport(profile, credentials) ?? renewalDue(profile);
			if (!current.storedIsCurrent) throw renewalDue(profile);
			token = current.token;
			if (PERSIST_ONLY_HEADER in headers) throw Object.assign(new Error(PERSISTED_MESSAGE), { tokenPersisted: true });
		}
		appliedTokens.set(credentials, token);
		headers[profile.apply.header] = `${profile.apply.prefix(credentials)}${token}`;
		return { ...requestOptions, headers: headers as IDataObject };
	};
}

function failureToReport(profile: TokenProfile, credentials: ICredentialDataDecryptedObject): Error | undefined {
	try {
		checkCredentials(profile, credentials);
	} catch (error) {
		return error as Error;
	}
	return recentFailure(profile, credentials);
}

function renewalDue(profile: TokenProfile): Error {
	const error = new Error(
		`The ${profile.provider} ${profile.tokenName} is due for renewal and could not be renewed automatically`,
	);
	return Object.assign(error, { response: { status: 401 }, tokenRenewalDue: true });
}
