import type { TokenState } from '../../../shared/token/tokenState';
import { isoOrNull } from '../../../shared/transport';

/** The answer of Token → Get: the credential's bearer token and when it expires. */
export function tokenOutput(state: TokenState) {
	return { accessToken: state.token, tokenType: 'Bearer', expiresAt: isoOrNull(state.expiresAt) };
}
