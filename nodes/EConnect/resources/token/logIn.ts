import { mapJson } from '../../../shared/descriptions';
import { expiryOf } from '../../../shared/transport';

/** eConnect answers `{ username, token }`; the JWT's `exp` tells when it expires. */
export const jwtOutput = mapJson((answer) => ({
	username: answer.username,
	token: answer.token,
	expiresAt: expiryOf(answer.token),
}));
