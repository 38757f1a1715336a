import type { CredentialFields, TokenProfile } from './token/profile';
import { ProviderError } from './errors';

const MAX_FIELD_LENGTH = 4096;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL_LENGTH = 320;

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks a URL a token will be sent to. Plain http is refused unless it stays on this machine
 * or the credential opts in, so a typo can never send a token in clear text over the network.
 */
export function checkUrl(value: unknown, fieldName: string, allowInsecureHttp: boolean): URL {
	if (typeof value !== 'string' || value.trim() === '') {
		throw inputError(`${fieldName} is empty: enter the full URL, starting with https://`);
	}
	if (value.length > MAX_FIELD_LENGTH) throw inputError(`${fieldName} is too long (${value.length} characters)`);
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw inputError(`${fieldName} "${value.slice(0, 80)}" is not a URL: it must start with https://`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw inputError(`${fieldName} must start with https:// (got ${url.protocol}//)`);
	}
	if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
		throw inputError(
			`${fieldName} uses plain http:// to ${url.hostname}: tokens would travel unencrypted. Use https://, or turn on "Allow Plain HTTP" in the credential`,
		);
	}
	if (url.username || url.password) throw inputError(`${fieldName} must not contain a user name or password`);
	if (url.search || url.hash) throw inputError(`${fieldName} must not contain a query (?) or fragment (#)`);
	return url;
}

/** Every check a credential must pass before the first call to its provider. */
export function checkCredentials(profile: TokenProfile, credentials: CredentialFields): void {
	const allowHttp = credentials.allowInsecureHttp === true;
	for (const [field, name] of Object.entries(profile.urlFields)) {
		checkUrl(credentials[field], `${profile.provider} credential: ${name}`, allowHttp);
	}
	const staticMode = profile.staticToken?.isSelected(credentials) === true;
	const required = staticMode
		? { [profile.staticToken!.field]: profile.staticToken!.fieldName }
		: profile.requiredFields;
	for (const [field, name] of Object.entries(required)) {
		const value = credentials[field];
		if (typeof value !== 'string' || value.trim() === '') {
			throw inputError(`${profile.provider} credential: ${name} is empty`);
		}
		if (value.length > MAX_FIELD_LENGTH) {
			throw inputError(`${profile.provider} credential: ${name} is too long (${value.length} characters)`);
		}
		if (field === 'email' && (value.length > MAX_EMAIL_LENGTH || !EMAIL.test(value.trim()))) {
			throw inputError(`${profile.provider} credential: ${name} is not an email address`);
		}
	}
	const timeout = credentials.timeoutSeconds;
	if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 1 && timeout <= 600))) {
		throw inputError(`${profile.provider} credential: Timeout must be between 1 and 600 seconds`);
	}
}

export function checkEmail(value: unknown, fieldName: string): string {
	if (typeof value !== 'string' || !EMAIL.test(value.trim()) || value.length > MAX_EMAIL_LENGTH) {
		throw inputError(`${fieldName} must be an email address`);
	}
	return value.trim();
}

export function inputError(message: string): ProviderError {
	return new ProviderError(message, 'input');
}
