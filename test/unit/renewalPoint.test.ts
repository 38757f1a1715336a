import { edgeIqProfile } from '../../nodes/EdgeIq/profile';
import { forgetAllTokens, identityOf, obtainToken, tokenForRequest } from '../../nodes/shared/token/lifecycle';
import { jitterFraction, renewalPoint, selfRenewalDeadline } from '../../nodes/shared/token/renewalPoint';
import { toStoredFields } from '../../nodes/shared/token/tokenState';
import { fakeProvider } from './fakeProvider';

const LIFETIME = 30_000;
const MARGIN = 3_000; // a tenth of the lifetime, as lifecycle.renewalMargin gives it
const tokens = Array.from({ length: 2000 }, (_, i) => `token-${i}`);

describe('each n8n process renews at its own point of the renewal window', () => {
	it('keeps one point per token and process, inside [expiry - margin, expiry - 0.4 margin)', () => {
		for (const token of tokens.slice(0, 200)) {
			const point = renewalPoint(token, 100_000, MARGIN, 'process-a');
			expect(point).toBe(renewalPoint(token, 100_000, MARGIN, 'process-a'));
			expect(point).toBeGreaterThanOrEqual(100_000 - MARGIN);
			expect(point).toBeLessThan(100_000 - MARGIN * 0.4);
		}
		// without a salt: this process's own, still stable
		expect(renewalPoint('t', 100_000, MARGIN)).toBe(renewalPoint('t', 100_000, MARGIN));
	});

	it('spreads the points evenly over the window (every tenth of it gets 7-13 % of the tokens)', () => {
		const deciles = new Array<number>(10).fill(0);
		for (const token of tokens) deciles[Math.floor(jitterFraction(token, 'process-a') * 10)] += 1;
		for (const count of deciles) {
			expect(count).toBeGreaterThan(tokens.length * 0.07);
			expect(count).toBeLessThan(tokens.length * 0.13);
		}
	});

	it('renews a token with itself until 30 % of the margin before the expiry: after every point', () => {
		expect(selfRenewalDeadline(100_000, MARGIN)).toBe(100_000 - MARGIN * 0.3);
		for (const token of tokens.slice(0, 200)) {
			expect(renewalPoint(token, 100_000, MARGIN, 'process-a')).toBeLessThan(selfRenewalDeadline(100_000, MARGIN));
		}
	});

	it('gives two processes different points for the same token', () => {
		const same = tokens.filter((t) => jitterFraction(t, 'process-a') === jitterFraction(t, 'process-b'));
		expect(same).toHaveLength(0);
	});

	it('a cluster of 3 renews about once per token: only points closer than the time a stored token takes to be seen collide', () => {
		// The first process renews at its point; the others see the stored token `seenAfterMs` later.
		// Every process whose point falls inside that gap renews too.
		const salts = ['main', 'worker-1', 'worker-2'];
		const seenAfterMs = 200;
		let renewals = 0;
		for (const token of tokens) {
			const points = salts.map((salt) => renewalPoint(token, LIFETIME, MARGIN, salt)).sort((a, b) => a - b);
			renewals += points.filter((point) => point < points[0] + seenAfterMs).length;
		}
		// Two uniform points in a 1.8 s window are closer than 0.2 s in ~21 % of cases: 3 processes ~1.35
		// with points picked at random; far fewer than the 3 per token of renewing at one fixed point.
		expect(renewals / tokens.length).toBeLessThan(1.5);
		expect(renewals / tokens.length).toBeGreaterThan(1);
	});
});

describe('a token another n8n process stored is adopted', () => {
	const edgeIq = { baseUrl: 'https://edge.example.com/api/v1/platform', authMode: 'session', email: 'ops@example.com', password: 'pw-123456' };
	const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
	const login = 'POST https://edge.example.com/api/v1/platform/user/authenticate';

	beforeEach(() => forgetAllTokens());

	it('a retry holding an older copy of the credential gets the newer stored token without a login', async () => {
		const provider = fakeProvider({
			[login]: () => ({ statusCode: 200, body: { session_token: 'session-1', session_expires_at: inHours(4) } }),
		});
		// this process logged in (session-1) and n8n stored it
		const ownCopy = { ...edgeIq, ...toStoredFields(await obtainToken(edgeIqProfile, edgeIq, provider.http)) };
		// another process logged in later (a single-session provider then revokes session-1) and stored session-2
		const identity = identityOf(edgeIqProfile, edgeIq);
		const later = { token: 'session-2', obtainedAt: Date.now() + 1, expiresAt: Date.now() + 4 * 3600_000, identity };
		const freshRead = { ...edgeIq, ...toStoredFields(later) };
		// a new execution here reads the credential fresh and sends the stored token
		expect(tokenForRequest(edgeIqProfile, freshRead).token).toBe('session-2');
		// an older execution here, still holding session-1, is refused and asks for a replacement
		const replacement = await obtainToken(edgeIqProfile, ownCopy, provider.http, { replacing: 'session-1' });
		expect(replacement.token).toBe('session-2');
		expect(provider.count(login)).toBe(1);
	});
});
