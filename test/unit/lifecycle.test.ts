import { sleep } from 'n8n-workflow';

import { edgeIqProfile } from '../../nodes/EdgeIq/profile';
import { eConnectProfile } from '../../nodes/EConnect/profile';
import { elyssaProfile } from '../../nodes/Elyssa/profile';
import { intelePeerProfile } from '../../nodes/IntelePeer/profile';
import { ProviderError } from '../../nodes/shared/errors';
import {
	forgetAllTokens,
	isUsable,
	markRejected,
	obtainToken,
	renewalMargin,
	tokenForRequest,
} from '../../nodes/shared/token/lifecycle';
import { toStoredFields } from '../../nodes/shared/token/tokenState';
import { fakeProvider, jwtWithExp } from './fakeProvider';

const edgeIq = { baseUrl: 'https://edge.example.com/api/v1/platform', authMode: 'session', email: 'ops@example.com', password: 'pw-123456' };
const elyssa = { baseUrl: 'https://elyssa.example.com', companyId: 'company-secret-1' };
const eConnect = { baseUrl: 'https://acme.econnectcloud.com/identities', username: 'ec-user', password: 'ec-pass-1' };
const intelePeer = {
	authUrl: 'https://customer.example.com/_rest/v4/authenticate',
	baseUrl: 'https://api.example.com/_rest/v4',
	username: 'ip-user',
	password: 'ip-pass-1',
};
const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeEach(() => forgetAllTokens());

describe('one login per account, however many callers', () => {
	it('shares one in-flight login between 100 concurrent callers', async () => {
		const provider = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': async () => {
				await sleep(20);
				return { statusCode: 200, body: { session_token: 'sess-1', session_expires_at: inHours(4) } };
			},
		});
		const states = await Promise.all(Array.from({ length: 100 }, async () => await obtainToken(edgeIqProfile, edgeIq, provider.http)));
		expect(provider.calls).toHaveLength(1);
		expect(new Set(states.map((state) => state.token))).toEqual(new Set(['sess-1']));
		await obtainToken(edgeIqProfile, edgeIq, provider.http);
		expect(provider.calls).toHaveLength(1);
	});

	it('keeps accounts apart: another password is another login', async () => {
		const provider = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': (options) => ({
				statusCode: 200,
				body: { session_token: `sess-for-${(options.body as { password: string }).password}`, session_expires_at: inHours(4) },
			}),
		});
		const first = await obtainToken(edgeIqProfile, edgeIq, provider.http);
		const second = await obtainToken(edgeIqProfile, { ...edgeIq, password: 'other-pass' }, provider.http);
		expect([first.token, second.token]).toEqual(['sess-for-pw-123456', 'sess-for-other-pass']);
	});

	it('reuses a token n8n stored (a restarted n8n) without a login', async () => {
		const provider = fakeProvider({});
		const first = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': () => ({
				statusCode: 200,
				body: { session_token: 'stored-1', session_expires_at: inHours(4) },
			}),
		});
		const stored = toStoredFields(await obtainToken(edgeIqProfile, edgeIq, first.http));
		forgetAllTokens();
		const state = await obtainToken(edgeIqProfile, { ...edgeIq, ...stored }, provider.http);
		expect(state.token).toBe('stored-1');
		expect(provider.calls).toHaveLength(0);
	});

	it('ignores a stored token that belongs to other account fields', async () => {
		const first = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': () => ({
				statusCode: 200,
				body: { session_token: 'old-account', session_expires_at: inHours(4) },
			}),
		});
		const stored = toStoredFields(await obtainToken(edgeIqProfile, edgeIq, first.http));
		const usable = tokenForRequest(edgeIqProfile, { ...edgeIq, email: 'someone@example.com', ...stored });
		expect(usable.token).toBeUndefined();
	});
});

describe('expiry is known and acted on before it costs a request', () => {
	it('reads EdgeIQ session_expires_at, JWT exp and IntelePeer 24 h', async () => {
		const provider = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': () => ({
				statusCode: 200,
				body: { session_token: 's', session_expires_at: '2099-01-01T00:00:00Z' },
			}),
			'POST https://acme.econnectcloud.com/identities/api/v1/authenticate': () => ({
				statusCode: 200,
				body: { username: 'ec-user', token: jwtWithExp(nowSeconds() + 600) },
			}),
			'POST https://customer.example.com/_rest/v4/authenticate': () => ({ statusCode: 200, body: { data: 'ip-token', error: null } }),
		});
		expect((await obtainToken(edgeIqProfile, edgeIq, provider.http)).expiresAt).toBe(Date.parse('2099-01-01T00:00:00Z'));
		const ec = await obtainToken(eConnectProfile, eConnect, provider.http);
		expect(Math.abs(ec.expiresAt! - (nowSeconds() + 600) * 1000)).toBeLessThan(2000);
		const ip = await obtainToken(intelePeerProfile, intelePeer, provider.http);
		expect(Math.abs(ip.expiresAt! - (Date.now() + 24 * 3600_000))).toBeLessThan(2000);
	});

	it('renews within the last tenth of the lifetime (at most five minutes), at a point of its own', () => {
		const base = { token: 't', identity: 'i', obtainedAt: 0 };
		expect(renewalMargin({ ...base, expiresAt: 10_000 })).toBe(1_000);
		expect(renewalMargin({ ...base, expiresAt: 24 * 3600_000 })).toBe(5 * 60_000);
		expect(isUsable({ ...base, expiresAt: 10_000 }, undefined, 8_999)).toBe(true);
		// the window is [expiry - margin, expiry - 0.4 margin): see renewalPoint.test.ts
		expect(isUsable({ ...base, expiresAt: 10_000 }, undefined, 9_600)).toBe(false);
	});

	it('Elyssa: renews with the refresh token first, and logs in only when the refresh is refused', async () => {
		let refreshAnswer = 200;
		const provider = fakeProvider({
			'POST https://elyssa.example.com/auth/login/': () => ({
				statusCode: 200,
				body: { accessToken: jwtWithExp(nowSeconds() + 1), refreshToken: jwtWithExp(nowSeconds() + 3600) },
			}),
			'POST https://elyssa.example.com/auth/refresh/': () =>
				refreshAnswer === 200
					? { statusCode: 200, body: { accessToken: jwtWithExp(nowSeconds() + 3600, { n: 2 }) } }
					: { statusCode: 401, body: { message: 'Invalid refresh token' } },
		});
		const first = await obtainToken(elyssaProfile, elyssa, provider.http);
		await sleep(1100);
		const renewed = await obtainToken(elyssaProfile, elyssa, provider.http);
		expect(provider.count('POST https://elyssa.example.com/auth/refresh/')).toBe(1);
		expect(provider.count('POST https://elyssa.example.com/auth/login/')).toBe(1);
		expect(renewed.token).not.toBe(first.token);
		expect(renewed.refreshToken).toBe(first.refreshToken);
		expect(provider.calls.find((call) => call.url.endsWith('/auth/refresh/'))?.body).toEqual({ refresh: first.refreshToken });

		refreshAnswer = 401;
		markRejected(elyssaProfile, elyssa, renewed.token);
		const relogged = await obtainToken(elyssaProfile, elyssa, provider.http, { replacing: renewed.token });
		expect(provider.count('POST https://elyssa.example.com/auth/refresh/')).toBe(2);
		expect(provider.count('POST https://elyssa.example.com/auth/login/')).toBe(2);
		expect(relogged.token).not.toBe(renewed.token);
	});

	it('eConnect: renews a still-valid JWT with itself, logs in once it has expired', async () => {
		const provider = fakeProvider({
			'POST https://acme.econnectcloud.com/identities/api/v1/authenticate': () => ({
				statusCode: 200,
				body: { username: 'ec-user', token: jwtWithExp(nowSeconds() + 10, { n: 1 }) },
			}),
			'GET https://acme.econnectcloud.com/identities/api/v1/renewToken': () => ({
				statusCode: 200,
				body: { username: 'ec-user', token: jwtWithExp(nowSeconds() + 3600, { n: 2 }) },
			}),
		});
		const first = await obtainToken(eConnectProfile, eConnect, provider.http);
		const renewed = await obtainToken(eConnectProfile, eConnect, provider.http, { replacing: first.token });
		const renewal = provider.calls.find((call) => call.url.endsWith('/renewToken'));
		expect(renewal?.headers).toMatchObject({ Authorization: `Bearer ${first.token}` });
		expect(renewed.token).not.toBe(first.token);
		expect(provider.count('POST https://acme.econnectcloud.com/identities/api/v1/authenticate')).toBe(1);

		// Rejected by the server: renewing with it would only be refused too, so log in directly.
		markRejected(eConnectProfile, eConnect, renewed.token);
		await obtainToken(eConnectProfile, eConnect, provider.http, { replacing: renewed.token });
		expect(provider.count('GET https://acme.econnectcloud.com/identities/api/v1/renewToken')).toBe(1);
		expect(provider.count('POST https://acme.econnectcloud.com/identities/api/v1/authenticate')).toBe(2);
	});
});

describe('a rejected token is replaced once, not once per caller', () => {
	it('hands the newer token to callers that report the old one (no second login)', async () => {
		let n = 0;
		const provider = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': async () => {
				await sleep(10);
				n += 1;
				return { statusCode: 200, body: { session_token: `sess-${n}`, session_expires_at: inHours(4) } };
			},
		});
		const first = await obtainToken(edgeIqProfile, edgeIq, provider.http);
		markRejected(edgeIqProfile, edgeIq, first.token);
		const replaced = await Promise.all(
			Array.from({ length: 50 }, async () => await obtainToken(edgeIqProfile, edgeIq, provider.http, { replacing: first.token })),
		);
		expect(new Set(replaced.map((state) => state.token))).toEqual(new Set(['sess-2']));
		// A late caller that still holds the old token gets the new one without a call.
		expect((await obtainToken(edgeIqProfile, edgeIq, provider.http, { replacing: first.token })).token).toBe('sess-2');
		expect(provider.calls).toHaveLength(2);
	});
});

describe('failures are clear, and never hammer the login', () => {
	it('a wrong password costs one login call for 100 callers and for the next 30 s', async () => {
		const provider = fakeProvider({
			'POST https://acme.econnectcloud.com/identities/api/v1/authenticate': () => ({
				statusCode: 400,
				body: { message: 'Username or password is incorrect' },
			}),
		});
		const results = await Promise.allSettled(
			Array.from({ length: 100 }, async () => await obtainToken(eConnectProfile, eConnect, provider.http)),
		);
		expect(results.every((result) => result.status === 'rejected')).toBe(true);
		await expect(obtainToken(eConnectProfile, eConnect, provider.http)).rejects.toThrow(ProviderError);
		expect(provider.calls).toHaveLength(1);
		const error = (results[0] as PromiseRejectedResult).reason as ProviderError;
		expect(error.message).toMatch(
			/^eConnect refused the login \(400 Username or password is incorrect\): the Username or Password is incorrect \(eConnect answers 400 for this\)\. To keep the account from being locked, no new login is tried before \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 30 s\) unless the credential is changed$/,
		);
		expect(error.message).not.toContain(eConnect.password);
	});

	it('steady traffic with a refused password makes at most 5 login attempts an hour, and a changed credential tries at once', async () => {
		const provider = fakeProvider({
			'POST https://acme.econnectcloud.com/identities/api/v1/authenticate': () => ({ statusCode: 401, body: { message: 'Locked soon' } }),
		});
		let now = Date.parse('2026-12-03T10:00:00Z');
		const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
		try {
			// One attempt a second for two hours, as a busy workflow would.
			const attemptsAt: number[] = [];
			for (let second = 0; second < 7200; second += 1) {
				const before = provider.calls.length;
				await obtainToken(eConnectProfile, eConnect, provider.http).catch(() => undefined);
				if (provider.calls.length > before) attemptsAt.push(second);
				now += 1000;
			}
			const inFirstHour = attemptsAt.filter((second) => second < 3600).length;
			const inSecondHour = attemptsAt.length - inFirstHour;
			expect(inFirstHour).toBeLessThanOrEqual(5);
			expect(inSecondHour).toBeLessThanOrEqual(1);
			expect(attemptsAt.slice(0, 4)).toEqual([0, 30, 150, 750]);
			// The user fixes the password: a new identity, tried at once.
			const before = provider.calls.length;
			await obtainToken(eConnectProfile, { ...eConnect, password: 'fixed-pass' }, provider.http).catch(() => undefined);
			expect(provider.calls.length).toBe(before + 1);
		} finally {
			clock.mockRestore();
		}
	});

	it('never follows a redirect on a login, and names both hosts', async () => {
		const provider = fakeProvider({
			'POST https://acme.econnectcloud.com/identities/api/v1/authenticate': () => ({
				statusCode: 307,
				headers: { location: 'https://evil.example.net/collect' },
			}),
		});
		await expect(obtainToken(eConnectProfile, eConnect, provider.http)).rejects.toThrow(
			'eConnect answered the login at acme.econnectcloud.com with a redirect to evil.example.net: it was not followed',
		);
		expect(provider.calls[0].disableFollowRedirect).toBe(true);
	});

	it("honours n8n's Allowed HTTP Request Domains of the credential before any login call", async () => {
		const provider = fakeProvider({});
		const restricted = { ...eConnect, allowedHttpRequestDomains: 'domains', allowedDomains: 'other.example.com' };
		await expect(obtainToken(eConnectProfile, restricted, provider.http)).rejects.toThrow(
			'The eConnect login to acme.econnectcloud.com was not sent: the credential\'s "Allowed HTTP Request Domains" setting does not list acme.econnectcloud.com',
		);
		expect(provider.calls).toHaveLength(0);
	});

	it('reads an EdgeIQ expiry without an offset as UTC', async () => {
		const provider = fakeProvider({
			'POST https://edge.example.com/api/v1/platform/user/authenticate': () => ({
				statusCode: 200,
				body: { session_token: 'sess-utc', session_expires_at: '2099-06-01T12:00:00' },
			}),
		});
		const state = await obtainToken(edgeIqProfile, edgeIq, provider.http);
		expect(new Date(state.expiresAt as number).toISOString()).toBe('2099-06-01T12:00:00.000Z');
	});

	it('names a login answer without a token, with malformed JSON, or empty', async () => {
		const answers = [
			{ statusCode: 200, body: { data: null, error: null } },
			{ statusCode: 200, body: '{"data": ' },
			{ statusCode: 200, body: '' },
		];
		const messages: string[] = [];
		for (const answer of answers) {
			forgetAllTokens();
			const provider = fakeProvider({ 'POST https://customer.example.com/_rest/v4/authenticate': () => answer });
			messages.push(await obtainToken(intelePeerProfile, intelePeer, provider.http).then(() => 'no error', (error: Error) => error.message));
		}
		expect(messages).toEqual([
			'IntelePeer answered the login with 200 but without a token (expected in data)',
			'IntelePeer answered the login with 200 but a body that is not JSON',
			'IntelePeer answered the login with 200 but an empty body',
		]);
	});

	it('reports 429 with Retry-After and 5xx as provider-side, without falling back to login loops', async () => {
		const provider = fakeProvider({
			'POST https://customer.example.com/_rest/v4/authenticate': () => ({
				statusCode: 429,
				body: { error: 'slow down' },
				headers: { 'retry-after': '30' },
			}),
		});
		await expect(obtainToken(intelePeerProfile, intelePeer, provider.http)).rejects.toThrow(
			'IntelePeer is rate limiting the login (429 Too Many Requests, retry after 30 s)',
		);
		expect(provider.calls).toHaveLength(1);
	});

	it('refuses bad credential fields before any call', async () => {
		const provider = fakeProvider({});
		await expect(obtainToken(edgeIqProfile, { ...edgeIq, baseUrl: 'http://api.edgeiq.io/api/v1/platform' }, provider.http)).rejects.toThrow(
			'EdgeIQ credential: Base URL uses plain http:// to api.edgeiq.io',
		);
		await expect(obtainToken(edgeIqProfile, { ...edgeIq, email: 'not-an-email' }, provider.http)).rejects.toThrow(
			'EdgeIQ credential: Email is not an email address',
		);
		await expect(obtainToken(elyssaProfile, { ...elyssa, companyId: '' }, provider.http)).rejects.toThrow(
			'Elyssa App credential: Company ID is empty',
		);
		expect(provider.calls).toHaveLength(0);
	});
});
