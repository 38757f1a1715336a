import type { INodeProperties } from 'n8n-workflow';

import type { CredentialFields } from './profile';

/** A token as the core knows it. Times are epoch milliseconds on this n8n's clock. */
export interface TokenState {
	token: string;
	obtainedAt: number;
	expiresAt?: number;
	refreshToken?: string;
	refreshExpiresAt?: number;
	/** Which account (identity hash) the token belongs to. */
	identity: string;
}

/**
 * Hidden credential fields that hold the token between runs. `sessionToken` is the expirable
 * field: n8n calls preAuthentication while it is empty and writes back everything it returns,
 * so a restarted n8n starts with the token it had.
 */
export const TOKEN_FIELD = 'sessionToken';
export const N8N_EXPIRES_AT_FIELD = 'n8n_expires_at';

export const tokenStateProperties: INodeProperties[] = [
	{
		displayName: 'Session Token',
		name: TOKEN_FIELD,
		type: 'hidden',
		typeOptions: { expirable: true, password: true },
		default: '',
	},
	{ displayName: 'Session Expires At', name: 'sessionExpiresAt', type: 'hidden', default: '' },
	{ displayName: 'Session Obtained At', name: 'sessionObtainedAt', type: 'hidden', default: '' },
	{
		displayName: 'Session Refresh Token',
		name: 'sessionRefreshToken',
		type: 'hidden',
		typeOptions: { password: true },
		default: '',
	},
	{ displayName: 'Session Refresh Expires At', name: 'sessionRefreshExpiresAt', type: 'hidden', default: '' },
	{ displayName: 'Session Identity', name: 'sessionIdentity', type: 'hidden', default: '' },
	// The field n8n's own expiry handling reads (n8n-io/n8n#38927: no preAuthentication retry on a
	// non-401 while the stored token is fresh). Written now so that it works the day n8n reads it.
	{ displayName: 'Token Expires At', name: N8N_EXPIRES_AT_FIELD, type: 'hidden', default: '' },
];

export function storedTokenState(credentials: CredentialFields, identity: string): TokenState | undefined {
	const token = credentials[TOKEN_FIELD];
	if (typeof token !== 'string' || token === '') return undefined;
	// A token stored for other account fields (the user edited the credential) is not ours to use.
	if (credentials.sessionIdentity !== identity) return undefined;
	return {
		token,
		identity,
		obtainedAt: toTime(credentials.sessionObtainedAt) ?? 0,
		expiresAt: toTime(credentials.sessionExpiresAt),
		refreshToken: nonEmpty(credentials.sessionRefreshToken),
		refreshExpiresAt: toTime(credentials.sessionRefreshExpiresAt),
	};
}

/** What preAuthentication returns: n8n stores it in the credential. */
export function toStoredFields(state: TokenState): Record<string, string> {
	return {
		[TOKEN_FIELD]: state.token,
		sessionExpiresAt: toIso(state.expiresAt),
		sessionObtainedAt: toIso(state.obtainedAt),
		sessionRefreshToken: state.refreshToken ?? '',
		sessionRefreshExpiresAt: toIso(state.refreshExpiresAt),
		sessionIdentity: state.identity,
		[N8N_EXPIRES_AT_FIELD]: toIso(state.expiresAt),
	};
}

/**
 * An expiry as a provider or the credential states it: epoch seconds or milliseconds, or an ISO
 * date. A date-time without an offset is UTC (APIs mean UTC; the server's own zone is irrelevant).
 */
export function toTime(value: unknown): number | undefined {
	if (typeof value === 'number') return toTime(String(value));
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const text = value.trim();
	const numeric = Number(text);
	if (Number.isFinite(numeric)) return numeric < 1e12 ? numeric * 1000 : numeric;
	const withoutOffset = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
	const time = Date.parse(withoutOffset ? `${text.replace(' ', 'T')}Z` : text);
	return Number.isFinite(time) ? time : undefined;
}

function toIso(time: number | undefined): string {
	return time === undefined ? '' : new Date(time).toISOString();
}

function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}
