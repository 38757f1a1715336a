/** Why a provider call failed, in words an operations user can act on. Never carries a secret. */
export type FailureKind =
	| 'input'
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

/** "403 Not Authorized": the status with the provider's own short reason when it gave one. */
export function statusLabel(status: number, body?: unknown): string {
	const said = providerMessage(body);
	const reason = said && said.length <= 60 ? said : REASONS[status] ?? 'Error';
	return `${status} ${reason}`;
}

/** The provider's own explanation from an error body, if it has a short one. */
export function providerMessage(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const text = body.trim();
		return text && text.length <= 200 && !text.startsWith('<') ? text : undefined;
	}
	if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		for (const key of ['message', 'error', 'detail', 'title', 'error_description']) {
			const value = record[key];
			if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 200);
		}
	}
	return undefined;
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
export function redact(text: string, secrets: Array<string | undefined>): string {
	let result = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
	}
	return result;
}
