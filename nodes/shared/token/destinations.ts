import { ProviderError } from '../errors';
import { isLoopbackHost } from '../validation';
import type { CredentialFields, TokenProfile } from './profile';

/**
 * Where a credential may send what it holds. Two rules, both checked before anything is sent:
 *  - the token goes only to the provider's own origins (each URL field of the credential), or to
 *    a host the user listed in n8n's own "Allowed HTTP Request Domains" setting of the credential;
 *  - logins and renewals (which carry the password or the token in the body) honour that setting
 *    too, on every path: n8n enforces it only in preAuthentication, not in our nodes.
 */

/** n8n's credential setting (injected into every credential type that has `authenticate`). */
export function listedDomains(credentials: CredentialFields): string[] | undefined {
	if (credentials.allowedHttpRequestDomains !== 'domains') return undefined;
	return String(credentials.allowedDomains ?? '')
		.split(',')
		.map((domain) => domain.trim().toLowerCase().replace(/\.$/, ''))
		.filter(Boolean);
}

/** n8n's matching: exact host, or `*.example.com` for its subdomains (not the bare domain). */
export function isListed(hostname: string, domains: string[]): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	return domains.some((domain) => (domain.startsWith('*.') ? host.endsWith(domain.slice(1)) && domain.length > 2 : host === domain));
}

function providerOrigins(profile: TokenProfile, credentials: CredentialFields): string[] {
	const origins = new Set<string>();
	for (const field of Object.keys(profile.urlFields)) {
		try {
			origins.add(new URL(String(credentials[field]).trim()).origin);
		} catch {
			// An invalid URL field is reported by checkCredentials, which runs before any request.
		}
	}
	return [...origins];
}

/** The absolute URL a request will go to, in either shape n8n uses (IHttpRequestOptions or the legacy request). */
export function requestUrl(options: { url?: unknown; uri?: unknown; baseURL?: unknown }): URL | undefined {
	const target = options.url ?? options.uri;
	const text = typeof target === 'string' ? target : target instanceof URL ? target.href : undefined;
	if (text === undefined) return undefined;
	try {
		return typeof options.baseURL === 'string' && options.baseURL && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)
			? new URL(`${options.baseURL.replace(/\/+$/, '')}/${text.replace(/^\/+/, '')}`)
			: new URL(text);
	} catch {
		return undefined;
	}
}

function hostList(origins: string[]): string {
	return origins.map((origin) => new URL(origin).host).join(' and ');
}

/** Throws, before sending, when this credential's token must not go to `target`. */
export function checkTokenDestination(profile: TokenProfile, credentials: CredentialFields, target: URL | undefined): void {
	const origins = providerOrigins(profile, credentials);
	if (target && origins.includes(target.origin)) return;
	const domains = listedDomains(credentials) ?? [];
	const plainHttpAllowed = credentials.allowInsecureHttp === true || (target !== undefined && isLoopbackHost(target.hostname));
	if (target && isListed(target.hostname, domains) && (target.protocol === 'https:' || (target.protocol === 'http:' && plainHttpAllowed))) {
		return;
	}
	const where = target ? target.host : 'an address that is not a URL';
	throw new ProviderError(
		`The ${profile.provider} credential sends its ${profile.tokenName} only to ${hostList(origins)}, not to ${where}`,
		'destination',
		undefined,
		target && isListed(target.hostname, domains)
			? `${target.host} is listed in the credential's Allowed Domains, but the request uses plain http://: use https:// or turn on "Allow Plain HTTP" in the credential.`
			: `If ${where} really belongs to ${profile.provider}, open the credential, set "Allowed HTTP Request Domains" to "Specific Domains" and add ${target?.hostname ?? 'the host'} to "Allowed Domains".`,
	);
}

/** Throws, before sending, when n8n's allowed-domains setting excludes a login or renewal URL. */
export function checkOwnRequestAllowed(profile: TokenProfile, credentials: CredentialFields, url: string, purpose: string): void {
	const domains = listedDomains(credentials);
	if (domains === undefined) return;
	const host = new URL(url).hostname;
	if (isListed(host, domains)) return;
	throw new ProviderError(
		`The ${profile.provider} ${purpose} to ${host} was not sent: the credential's "Allowed HTTP Request Domains" setting does not list ${host}`,
		'destination',
		undefined,
		`Add ${host} to the credential's Allowed Domains, or set "Allowed HTTP Request Domains" back to "All".`,
	);
}
