import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { EdgeIqApi } from '../../credentials/EdgeIqApi.credentials';
import { IntelePeerApi } from '../../credentials/IntelePeerApi.credentials';
import { forgetAllTokens } from '../../nodes/shared/token/lifecycle';
import { fakeProvider } from './fakeProvider';

const edgeIqFields = {
	baseUrl: 'https://edge.example.com/api/v1/platform',
	authMode: 'session',
	email: 'ops@example.com',
	password: 'pw-123456',
	sessionToken: '',
};
const request: IHttpRequestOptions = {
	baseURL: 'https://edge.example.com/api/v1/platform',
	url: '/me',
	method: 'GET',
	headers: { Accept: 'application/json' },
};

function helpersFor(http: (options: IHttpRequestOptions) => Promise<unknown>): IHttpRequestHelper {
	return { helpers: { httpRequest: http } } as unknown as IHttpRequestHelper;
}

function loginAnswering(tokens: string[], expiresAt: () => string) {
	return fakeProvider({
		'POST https://edge.example.com/api/v1/platform/user/authenticate': () => ({
			statusCode: 200,
			body: { session_token: tokens.shift(), session_expires_at: expiresAt() },
		}),
	});
}

beforeEach(() => forgetAllTokens());

describe('credential hooks, as n8n calls them', () => {
	const credential = new EdgeIqApi();

	it('preAuthentication returns every field n8n must persist, the expirable one included', async () => {
		const provider = loginAnswering(['sess-1'], () => '2099-01-01T00:00:00.000Z');
		const stored = await credential.preAuthentication.call(helpersFor(provider.http), { ...edgeIqFields });
		expect(stored).toMatchObject({
			sessionToken: 'sess-1',
			sessionExpiresAt: '2099-01-01T00:00:00.000Z',
			sessionRefreshToken: '',
		});
		expect(String(stored.sessionIdentity)).toMatch(/^[0-9a-f]{32}$/);
		expect(JSON.stringify(stored)).not.toContain(edgeIqFields.password);
	});

	it('authenticate applies the bare EdgeIQ token (no Bearer) and IntelePeer Bearer or raw', async () => {
		const provider = loginAnswering(['sess-2'], () => '2099-01-01T00:00:00.000Z');
		const stored = await credential.preAuthentication.call(helpersFor(provider.http), { ...edgeIqFields });
		const authenticated = await credential.authenticate({ ...edgeIqFields, ...stored }, request);
		expect(authenticated.headers).toMatchObject({ Authorization: 'sess-2', Accept: 'application/json' });

		const intelePeer = new IntelePeerApi();
		const ip = fakeProvider({
			'POST https://customer.example.com/_rest/v4/authenticate': () => ({ statusCode: 200, body: { data: 'ip-1', error: null } }),
		});
		const ipFields = {
			authUrl: 'https://customer.example.com/_rest/v4/authenticate',
			baseUrl: 'https://api.example.com/_rest/v4',
			username: 'u',
			password: 'p-123456',
			sessionToken: '',
		};
		const ipStored = await intelePeer.preAuthentication.call(helpersFor(ip.http), ipFields);
		const ipRequest = { ...request, baseURL: ipFields.baseUrl };
		const bearer = await intelePeer.authenticate({ ...ipFields, ...ipStored, headerStyle: 'bearer' }, ipRequest);
		const raw = await intelePeer.authenticate({ ...ipFields, ...ipStored, headerStyle: 'raw' }, ipRequest);
		expect(bearer.headers?.Authorization).toBe('Bearer ip-1');
		expect(raw.headers?.Authorization).toBe('ip-1');
		expect(ip.calls).toHaveLength(1);
	});

	it('authenticate refuses to send a token past its known expiry: a 401 without a request', async () => {
		const provider = loginAnswering(['old'], () => new Date(Date.now() + 1000).toISOString());
		const stored = await credential.preAuthentication.call(helpersFor(provider.http), { ...edgeIqFields });
		forgetAllTokens();
		const later = { ...edgeIqFields, ...stored, sessionExpiresAt: new Date(Date.now() - 1).toISOString() };
		await expect(credential.authenticate(later, request)).rejects.toMatchObject({
			response: { status: 401 },
			message: 'The EdgeIQ session token is due for renewal and could not be renewed automatically',
		});
	});

	it('after a failed request, preAuthentication replaces exactly the token that failed', async () => {
		const provider = loginAnswering(['first', 'second'], () => '2099-01-01T00:00:00.000Z');
		const fields: Record<string, unknown> = { ...edgeIqFields };
		Object.assign(fields, await credential.preAuthentication.call(helpersFor(provider.http), fields));
		await credential.authenticate(fields as never, request);
		const replaced = await credential.preAuthentication.call(helpersFor(provider.http), fields as never);
		expect(replaced.sessionToken).toBe('second');
		expect(provider.calls).toHaveLength(2);
	});

	it('a stored copy older than the cached token is written back through the 401 retry, once n8n is not already writing it', async () => {
		const provider = loginAnswering(['first', 'second'], () => '2099-01-01T00:00:00.000Z');
		const fields: Record<string, unknown> = { ...edgeIqFields };
		Object.assign(fields, await credential.preAuthentication.call(helpersFor(provider.http), fields));
		const staleCopy = { ...fields };
		const replaced = await credential.preAuthentication.call(helpersFor(provider.http), { ...fields } as never);
		expect(replaced.sessionToken).toBe('second');
		// n8n is writing 'second' right now: a copy read before that write lands just uses it
		const during = await credential.authenticate({ ...staleCopy } as never, request);
		expect(during.headers?.Authorization).toBe('second');
		const later = Date.now() + 11_000;
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => later);
		try {
			await expect(credential.authenticate(staleCopy as never, request)).rejects.toMatchObject({ response: { status: 401 } });
			const synced = await credential.preAuthentication.call(helpersFor(provider.http), staleCopy as never);
			expect(synced.sessionToken).toBe('second');
		} finally {
			clock.mockRestore();
		}
		expect(provider.calls).toHaveLength(2);
	});

	it('items that all read the credential before its token was stored get one write, not one each', async () => {
		const provider = loginAnswering(['only'], () => '2099-01-01T00:00:00.000Z');
		const copies = Array.from({ length: 5 }, () => ({ ...edgeIqFields }) as Record<string, unknown>);
		const answers = await Promise.all(copies.map(async (copy) => await credential.preAuthentication.call(helpersFor(provider.http), copy as never)));
		expect(answers.filter((a) => a.sessionToken === 'only')).toHaveLength(1);
		expect(answers.filter((a) => Object.keys(a).length === 0)).toHaveLength(4);
		const sent = await Promise.all(copies.map(async (copy) => await credential.authenticate(copy as never, request)));
		expect(sent.map((o) => o.headers?.Authorization)).toEqual(['only', 'only', 'only', 'only', 'only']);
		expect(provider.calls).toHaveLength(1);
	});

	it('stores nothing after a refused login, and reports it clearly on the request', async () => {
		const provider = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': () => ({
				statusCode: 401,
				body: { message: 'Invalid email or password' },
			}),
		});
		const stored = await credential.preAuthentication.call(helpersFor(provider.http), { ...edgeIqFields });
		expect(stored).toEqual({});
		await expect(credential.authenticate({ ...edgeIqFields }, request)).rejects.toThrow(
			'EdgeIQ refused the login (401 Invalid email or password): check the Email and Password in the credential',
		);
		expect(provider.calls).toHaveLength(1);
	});

	it('uses the permanent API token as it is, with no login', async () => {
		const provider = fakeProvider({});
		const fields = { ...edgeIqFields, authMode: 'apiToken', apiToken: 'permanent-abc' };
		expect(await credential.preAuthentication.call(helpersFor(provider.http), fields)).toEqual({});
		expect((await credential.authenticate(fields, request)).headers?.Authorization).toBe('permanent-abc');
		expect(provider.calls).toHaveLength(0);
	});

	it('applies the token only to the provider\'s own origins, and never across a redirect', async () => {
		const fields = { ...edgeIqFields, authMode: 'apiToken', apiToken: 'permanent-abc' };
		const sent = await credential.authenticate(fields, request);
		expect(sent.sendCredentialsOnCrossOriginRedirect).toBe(false);
		// The HTTP Request node's legacy shape (uri) is checked the same way.
		const legacy = { uri: 'https://edge.example.com/api/v1/platform/me', method: 'GET' } as unknown as IHttpRequestOptions;
		expect((await credential.authenticate(fields, legacy)).headers?.Authorization).toBe('permanent-abc');
		for (const url of ['https://evil.example.com/me', 'http://edge.example.com/api/v1/platform/me', 'https://edge.example.com:8443/me']) {
			await expect(credential.authenticate(fields, { url, method: 'GET' })).rejects.toThrow(
				`The EdgeIQ credential sends its session token only to edge.example.com, not to ${new URL(url).host}`,
			);
		}
	});

	it('a host listed in n8n\'s Allowed Domains setting of the credential gets the token; https only', async () => {
		const fields = { ...edgeIqFields, authMode: 'apiToken', apiToken: 'permanent-abc', allowedHttpRequestDomains: 'domains', allowedDomains: 'edge.example.com, *.edgeiq.io' };
		expect((await credential.authenticate(fields, { url: 'https://files.edgeiq.io/x', method: 'GET' })).headers?.Authorization).toBe('permanent-abc');
		await expect(credential.authenticate(fields, { url: 'https://edgeiq.io/x', method: 'GET' })).rejects.toThrow('not to edgeiq.io');
		await expect(credential.authenticate(fields, { url: 'http://files.edgeiq.io/x', method: 'GET' })).rejects.toThrow('not to files.edgeiq.io');
	});

	it('a refused destination is not a token failure: preAuthentication makes no login for it', async () => {
		const provider = loginAnswering(['sess-9'], () => '2099-01-01T00:00:00.000Z');
		const fields = { ...edgeIqFields };
		await expect(credential.authenticate(fields, { url: 'https://evil.example.com/', method: 'GET' })).rejects.toThrow('not to evil.example.com');
		expect(await credential.preAuthentication.call(helpersFor(provider.http), fields)).toEqual({});
		expect(provider.calls).toHaveLength(0);
	});
});
