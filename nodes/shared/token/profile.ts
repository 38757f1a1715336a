import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { TokenState } from './tokenState';

export type CredentialFields = ICredentialDataDecryptedObject;

/** One HTTP call the core makes on a provider's behalf (login, renewal). */
export interface AuthRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject;
	headers?: Record<string, string>;
}

/** Where a value sits in a JSON response: the first path that holds a non-empty value wins. */
export type ResponsePaths = string[];

/**
 * Everything the shared token core needs to know about one provider: facts, not logic.
 * Read it like a Workato connector's `authorization` block: acquire, apply, expiry, refresh,
 * and which answers mean "this token is no longer accepted".
 */
export interface TokenProfile {
	/** Provider name used in every message, e.g. "EdgeIQ". */
	provider: string;
	/** The n8n credential type name, e.g. "edgeIqApi". */
	credentialType: string;
	/** What the provider calls its token in messages, e.g. "session token". */
	tokenName: string;
	/** Credential fields that identify one account; changing any of them starts a new token. */
	identityFields: string[];
	/** Credential fields holding URLs, checked before any call (scheme, host, loopback rules). */
	urlFields: Record<string, string>;
	/** Credential fields that must be filled (in login mode), with their display names. */
	requiredFields: Record<string, string>;
	/** The URL every API request is relative to. */
	apiBaseUrl: (credentials: CredentialFields) => string;

	/** A mode where the user pastes a long-lived token: no login, no renewal. */
	staticToken?: {
		isSelected: (credentials: CredentialFields) => boolean;
		token: (credentials: CredentialFields) => string;
		field: string;
		fieldName: string;
		/** E.g. "API token": used in "EdgeIQ rejected the API token (403 ...)". */
		tokenName: string;
		/** What to do when it is rejected. */
		fix: string;
	};

	login: {
		request: (credentials: CredentialFields) => AuthRequest;
		token: ResponsePaths;
		/** Absolute expiry (ISO date or epoch) in the response, if the provider sends one. */
		expiresAt?: ResponsePaths;
		/** Lifetime when neither the response nor a JWT `exp` states the expiry. */
		lifetimeSeconds?: number;
		refreshToken?: ResponsePaths;
		refreshTokenLifetimeSeconds?: number;
		/** Likely cause of a refused login, by status. */
		refusedBecause: Record<number, string>;
	};

	/** The cheap way to a new token, tried before a full login. */
	renew?: {
		/** "refreshToken": needs an unexpired refresh token; "accessToken": needs the current token, still valid. */
		uses: 'refreshToken' | 'accessToken';
		request: (state: TokenState, credentials: CredentialFields) => AuthRequest;
		token: ResponsePaths;
		expiresAt?: ResponsePaths;
		lifetimeSeconds?: number;
	};

	apply: {
		header: string;
		/** Text before the token, e.g. "Bearer " or "" for a bare token. */
		prefix: (credentials: CredentialFields) => string;
	};

	/** Statuses with which the provider says "this token is not (or no longer) accepted". */
	expiredStatuses: number[];
	/** Likely cause of other API errors, by status. */
	apiErrorCauses?: Record<number, string>;
}
