'use strict';

/**
 * IntelePeer (seed 003): `POST /_rest/v4/authenticate {username,password}` →
 * `{"data":"<token>","error":null}` (opaque, 24 h); failure → 401 `Missing Authentication Token`.
 * SMS portal token: `POST /_rest/v4/app/sms/authenticate/get_portal_auth_token` → `{"token"}`.
 * Protected endpoints take `Authorization: Bearer <t>` or the raw token. One server plays both
 * customer.intelepeer.com (authUrl) and api.intelepeer.com (baseUrl).
 */

const { json, bearerToken, stringField } = require('./server');

const BASE = '/_rest/v4';

const ACCOUNTS = Object.freeze({ username: 'ip-api-user', password: 'ip-secret-1' });

/**
 * @param {number} status
 * @param {string | null} error
 */
const failure = (status, error) => json(status, { data: null, error });

/** @type {import('./server').ProviderDef} */
const definition = {
	key: 'intelePeer',
	basePath: BASE,
	rejectStatus: 401,
	defaults: { tokenLifetimeSeconds: 24 * 3600 },
	accessKinds: ['access', 'portal'],
	urls: (origin) => ({ authUrl: `${origin}${BASE}/authenticate` }),
	create(ctx) {
		/** @param {unknown} body */
		function checkPassword(body) {
			return stringField(body, 'username') === ACCOUNTS.username && stringField(body, 'password') === ACCOUNTS.password;
		}

		/** @param {string} kind */
		function issue(kind) {
			return ctx.issueOpaque({ kind, sub: ACCOUNTS.username, expiresAt: Date.now() + ctx.config.tokenLifetimeSeconds * 1000 });
		}

		return {
			resetState() {},
			authenticate(req) {
				const header = req.headers.authorization || '';
				const entry = ctx.tokens.check(bearerToken(header) || header, ['access', 'portal']);
				if (!entry) return { ok: false, reply: failure(401, 'Unauthorized') };
				return { ok: true, principal: { username: entry.sub } };
			},
			routes: [
				{
					method: 'POST',
					path: `${BASE}/authenticate`,
					kind: 'login',
					handler(req) {
						if (!checkPassword(req.body)) return failure(401, 'Missing Authentication Token');
						return json(200, { data: issue('access'), error: null });
					},
				},
				{
					method: 'POST',
					path: `${BASE}/app/sms/authenticate/get_portal_auth_token`,
					kind: 'api',
					handler(req) {
						if (!checkPassword(req.body)) return failure(401, 'Missing Authentication Token');
						return json(200, { token: issue('portal') });
					},
				},
			],
		};
	},
};

module.exports = { definition, ACCOUNTS };
