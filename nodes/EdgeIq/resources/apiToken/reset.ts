import { mapJson } from '../../../shared/descriptions';

/** The answer is the user; the operation's purpose is its new permanent token. */
export const apiTokenResetOutput = mapJson((user) => ({
	api_token: user.api_token,
	id: user.id,
	email: user.email,
}));
