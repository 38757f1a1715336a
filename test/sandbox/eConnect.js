'use strict';

/**
 * eConnect (seed 004): `POST /identities/api/v1/authenticate {username,password}` →
 * `{username, token}` (JWT); wrong credentials → 400. `GET /identities/api/v1/renewToken` with a
 * still-valid Bearer JWT → a new `{username, token}`. Every other endpoint: Bearer JWT, else 401.
 */

const { json, message, bearerToken, stringField } = require('./server');

const BASE = '/identities';

const ACCOUNTS = Object.freeze({ username: 'ec-api-user', password: 'ec-secret-1' });

/** @type {import('./server').ProviderDef} */
const definition = {
	key: 'eConnect',
	basePath: BASE,
	rejectStatus: 401,
	defaults: { tokenLifetimeSeconds: 3600 },
	accessKinds: ['access'],
	create(ctx) {
		/** @param {string} username */
		function issue(username) {
			const { token } = ctx.issueJwt({
				kind: 'access',
				sub: username,
				lifetimeSeconds: ctx.config.tokenLifetimeSeconds,
				claims: { unique_name: username },
			});
			return json(200, { username, token });
		}

		return {
			resetState() {},
			authenticate(req) {
				const checked = ctx.checkJwt(bearerToken(req.headers.authorization), ['access']);
				if (!checked) return { ok: false, reply: message(401, 'Unauthorized') };
				return { ok: true, principal: { username: checked.entry.sub } };
			},
			routes: [
				{
					method: 'POST',
					path: `${BASE}/api/v1/authenticate`,
					kind: 'login',
					handler(req) {
						const username = stringField(req.body, 'username');
						if (username !== ACCOUNTS.username || stringField(req.body, 'password') !== ACCOUNTS.password) {
							return message(400, 'Username or password is incorrect');
						}
						return issue(username);
					},
				},
				{
					method: 'GET',
					path: `${BASE}/api/v1/renewToken`,
					kind: 'refresh',
					auth: true,
					handler: (req) => issue(req.principal.username),
				},
			],
		};
	},
};

module.exports = { definition, ACCOUNTS };
