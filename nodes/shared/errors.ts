/** Why a provider call failed, in words an operations user can act on. Never carries a secret. */
export type FailureKind =
	| 'input'
	| 'destination'
	| 'login-refused'
	| 'token-rejected'
	| 'bad-response'
	| 'unreachable'
	| 'timeout'
	| 'rate-limited'
	| 'provider-failure'
	| 'api';

export class ProviderError extends Error {
	constructor(
		message: string,
		readonly kind: FailureKind,
		// Not named `status`: n8n would replace our message with its generic text for that status.
		readonly httpStatus?: number,
		readonly description?: string,
	) {
		super(message);
		this.name = 'ProviderError';
	}
}

const REASONS: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	408: 'Request Timeout',
	409: 'Conflict',
	415: 'Unsupported Media Type',
	422: 'Unprocessable Entity',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

/**
 * "403 Not Authorized": the status with the provider's own short reason when it gave one. The
 * provider's words are untrusted: a reason that echoes any of `secrets` is replaced by the
 * standard one, so what a provider repeats back (a password, a company ID, a token) never
 * reaches a message.
 */
export function statusLabel(status: number, body: unknown, secrets: Secrets): string {
	const said = providerMessage(body, secrets);
	const reason = said && said.length <= 60 ? said : REASONS[status] ?? 'Error';
	return `${status} ${reason}`;
}

/** The provider's own explanation from an error body, if it has a short one free of secrets. */
export function providerMessage(body: unknown, secrets: Secrets): string | undefined {
	let said: string | undefined;
	if (typeof body === 'string') {
		const text = body.trim();
		said = text && text.length <= 200 && !text.startsWith('<') ? text : undefined;
	} else if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['message', 'error', 'detail', 'title', 'error_description']) {
			const value = record[key];
			if (typeof value === 'string' && value.trim()) {
				said = value.trim().slice(0, 200);
				break;
			}
		}
	}
	return said !== undefined && !containsSecret(said, secrets) ? said : undefined;
}

/** Values that must never appear in a message: credential secrets and tokens. */
export type Secrets = ReadonlyArray<string | undefined>;

// A short secret (a 2-digit company ID) is matched as a whole word only, or every status
// code and date would count as a leak; longer ones anywhere, in any letter case.
const WHOLE_WORD_BELOW = 6;

function secretPattern(secret: string): RegExp {
	const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return secret.length < WHOLE_WORD_BELOW
		? new RegExp(`(^|[^A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'gi')
		: new RegExp(escaped, 'gi');
}

function usable(secrets: Secrets): string[] {
	return secrets.filter((secret): secret is string => typeof secret === 'string' && secret.trim() !== '').map((s) => s.trim());
}

export function containsSecret(text: string, secrets: Secrets): boolean {
	return usable(secrets).some((secret) => secretPattern(secret).test(text));
}

/** Generic advice per status, used when the profile has nothing more specific. */
export function likelyCause(status: number): string {
	if (status === 429) return 'the provider is rate limiting: space the requests out (Batching options) and run again';
	if (status >= 500) return 'a problem on the provider side: try again later';
	if (status === 404) return 'the path or the record does not exist';
	if (status === 400 || status === 422) return 'the provider refused the data sent: check the fields';
	return 'see the provider message';
}

/** Replaces every occurrence of a secret with a marker, so a message can be shown or logged. */
export function redact(text: string, secrets: Secrets): string {
	let result = text;
	// Longest first: a token that contains the password must go as a whole.
	for (const secret of usable(secrets).sort((a, b) => b.length - a.length)) {
		result = result.replace(secretPattern(secret), (match: string, lead?: string) =>
			secret.length < WHOLE_WORD_BELOW ? `${lead ?? ''}[redacted]` : '[redacted]',
		);
	}
	return result;
}
