import { mapJson } from '../../../shared/descriptions';
import { expiryOf } from '../../../shared/transport';
import { elyssaProfile } from '../../profile';

/** Both tokens with their expiry: JWT `exp` when present, else Elyssa's documented 24 h and 360 days. */
export const logInOutput = mapJson((answer) => ({
	accessToken: answer.accessToken,
	accessTokenExpiresAt: expiryOf(answer.accessToken, elyssaProfile.login.lifetimeSeconds),
	refreshToken: answer.refreshToken,
	refreshTokenExpiresAt: expiryOf(answer.refreshToken, elyssaProfile.login.refreshTokenLifetimeSeconds),
}));
