import type { TokenState } from '../../../shared/token/tokenState';
import { isoOrNull } from '../../../shared/transport';

/** The answer of Token → Get: the credential's 24-hour token and when it expires. */
export function tokenOutput(state: TokenState) {
	return { token: state.token, expiresAt: isoOrNull(state.expiresAt) };
}
