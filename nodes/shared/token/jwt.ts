/** Reads the `exp` claim of a JWT (seconds since epoch) without verifying it: only to plan renewal. */
export function jwtExpiry(token: string): number | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const payload = JSON.parse(Buffer.from(base64UrlToBase64(parts[1]), 'base64').toString('utf8'));
		return typeof payload?.exp === 'number' ? payload.exp * 1000 : undefined;
	} catch {
		return undefined;
	}
}

function base64UrlToBase64(segment: string): string {
	const padded = segment.replace(/-/g, '+').replace(/_/g, '/');
	return padded + '='.repeat((4 - (padded.length % 4)) % 4);
}
