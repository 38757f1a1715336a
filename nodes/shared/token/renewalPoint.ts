import { createHash, randomBytes } from 'crypto';

/**
 * When this n8n process renews a token whose expiry it knows.
 *
 * In queue mode every process (main and workers) reads the stored token fresh on each credential
 * read, but n8n gives a community package no lock to share. If every process renewed at the same
 * point, a cluster of N processes would renew N times per token lifetime. So each process picks
 * its own point inside the renewal window, fixed per token: the process whose point comes first
 * renews and n8n stores the new token; the others read that newer token before their own point
 * comes and adopt it instead of renewing.
 */

// The window closes at 40 % of the margin before the expiry (2 min of a 24 h token, 1.2 s of a
// 30 s one): the last request sent with the old token still arrives in time even when the
// provider's clock runs a second ahead or a JWT's `exp` is rounded up, and the window stays
// wide enough to keep the processes' points apart.
const WINDOW_CLOSES_AT_MARGIN_FRACTION = 0.4;

// Different in every process, so two processes almost never pick the same point for one token.
const processSalt = randomBytes(16).toString('hex');

/** Where in the window ([0, 1)) this process renews this token; the same on every call. */
export function jitterFraction(token: string, salt: string = processSalt): number {
	const digest = createHash('sha256').update(salt).update('\u0000').update(token).digest();
	return digest.readUInt32BE(0) / 0x1_0000_0000;
}

// A token renews itself (eConnect's renewToken) until 30 % of the margin before the expiry: after
// the window closes, so a process whose point came just before the close still renews, and early
// enough that a provider clock a second ahead (or a JWT `exp` rounded up) does not refuse it.
const SELF_RENEWAL_ENDS_AT_MARGIN_FRACTION = 0.3;

/** Until when (epoch ms) a token can still renew itself; later, a full login. */
export function selfRenewalDeadline(expiresAt: number, margin: number): number {
	return expiresAt - margin * SELF_RENEWAL_ENDS_AT_MARGIN_FRACTION;
}

/**
 * The moment (epoch ms) from which this process renews the token: between `margin` and 40 % of
 * `margin` before `expiresAt`.
 */
export function renewalPoint(token: string, expiresAt: number, margin: number, salt: string = processSalt): number {
	const opensAt = expiresAt - margin;
	const closesAt = expiresAt - margin * WINDOW_CLOSES_AT_MARGIN_FRACTION;
	return opensAt + jitterFraction(token, salt) * (closesAt - opensAt);
}
