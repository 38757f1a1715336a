import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { checkCredentials } from '../validation';
import { checkTokenDestination, requestUrl } from './destinations';
import { claimStoring, identityOf, obtainToken, recentFailure, tokenForRequest } from './lifecycle';
import type { TokenProfile } from './profile';
import { storedTokenState, toStoredFields } from './tokenState';

/**
 * What one request did with the credential, written by authenticate where the token is applied.
 * Our nodes create it and attach it to the request options (under REQUEST_RECORD), so their answer
 * handler reads which token was really sent. For any request, n8n passes one credentials object to
 * both hooks of that request, so preAuthentication finds the record by that object.
 */
export interface RequestRecord {
	/** Sent by this package's nodes. n8n's declarative path (ours) retries whatever preAuthentication
	 * returns; the HTTP Request node's path retries only when it returns a token, which n8n writes. */
	ownNode: boolean;
	/** The token authenticate put on the request, last attempt. */
	appliedToken?: string;
	/** authenticate stopped the request for a reason no new token fixes (destination, credential). */
	refused?: boolean;
	/** Token → Get: nothing to send; the request only has n8n store the current token. */
	persistOnly?: boolean;
}

/** Where our nodes attach their RequestRecord on the options (a symbol: never serialised or logged). */
export const REQUEST_RECORD = Symbol('n8n-nodes-token-auth.request');
export const PERSISTED_MESSAGE = 'Token stored; no request needed';

const records = new WeakMap<object, RequestRecord>();

type WithRecord = IHttpRequestOptions & { [REQUEST_RECORD]?: RequestRecord };

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
		const record = records.get(credentials);
		// The request was stopped for a reason a new token does not fix: no login for it.
		if (record?.refused) return {};
		const replacing = record?.appliedToken ?? storedTokenState(credentials, identityOf(profile, credentials))?.token;
		try {
			checkCredentials(profile, credentials);
			const http = async (options: IHttpRequestOptions) => await this.helpers.httpRequest(options);
			const state = await obtainToken(profile, credentials, http, { replacing });
			// An answer without the token makes n8n write nothing; authenticate applies it anyway.
			const retryNeedsToken = record !== undefined && !record.ownNode;
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
 * Request node. It applies the token only to the provider's own origins, never lets n8n carry it
 * across a redirect to another origin, and records what it applied. It has no way to make a call,
 * so when a login or renewal is due it fails the request before sending it, with the 401 that
 * makes n8n run preAuthentication and retry.
 */
export function authenticateFor(profile: TokenProfile) {
	return async function authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const options = requestOptions as WithRecord;
		const record = options[REQUEST_RECORD] ?? records.get(credentials) ?? { ownNode: false };
		records.set(credentials, record);
		const refusal = reasonNotToSend(profile, credentials, options);
		if (refusal) {
			record.refused = true;
			throw refusal;
		}
		// Always (re)set the header: n8n retries with the options it already authenticated once,
		// which carry the token that was just rejected.
		const headers = { ...(options.headers ?? {}) } as Record<string, unknown>;
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
			if (!current.token) throw recentFailure(profile, credentials) ?? renewalDue(profile);
			if (!current.storedIsCurrent) throw renewalDue(profile);
			token = current.token;
			if (record.persistOnly) throw Object.assign(new Error(PERSISTED_MESSAGE), { tokenPersisted: true });
		}
		record.appliedToken = token;
		headers[profile.apply.header] = `${profile.apply.prefix(credentials)}${token}`;
		return { ...options, headers: headers as IDataObject, sendCredentialsOnCrossOriginRedirect: false };
	};
}

/** A credential that cannot be used, or a destination the token must not go to. */
function reasonNotToSend(profile: TokenProfile, credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): Error | undefined {
	try {
		checkCredentials(profile, credentials);
		checkTokenDestination(profile, credentials, requestUrl(options as { url?: unknown; uri?: unknown; baseURL?: unknown }));
		return undefined;
	} catch (error) {
		return error as Error;
	}
}

function renewalDue(profile: TokenProfile): Error {
	// A plain Error: n8n would replace a ProviderError's message with its generic 401 text.
	const error = new Error(
		`The ${profile.provider} ${profile.tokenName} is due for renewal and could not be renewed automatically`,
	);
	return Object.assign(error, { response: { status: 401 }, tokenRenewalDue: true });
}
