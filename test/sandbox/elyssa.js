'use strict';

/**
 * Elyssa App (seed 001): `POST /auth/login/ {companyId}` → `{accessToken, refreshToken}` (JWTs,
 * 24 h / 360 d); `POST /auth/refresh/ {refresh}` → `{accessToken}` only. Bearer access token on
 * every endpoint; missing or invalid → 401. Paths are accepted with or without the trailing slash.
 */

const { json, message, bearerToken, stringField } = require('./server');

const ACCOUNTS = Object.freeze({ companyId: 'elyssa-company-7f3a' });
/** @type {readonly string[]} */
const COMPANIES = Object.freeze([ACCOUNTS.companyId]);

/** @type {import('./server').ProviderDef} */
const definition = {
	key: 'elyssa',
	basePath: '',
	rejectStatus: 401,
	defaults: { tokenLifetimeSeconds: 24 * 3600, refreshTokenLifetimeSeconds: 360 * 24 * 3600 },
	accessKinds: ['access'],
	create(ctx) {
		/** @param {string} companyId */
		function accessToken(companyId) {
			return ctx.issueJwt({
				kind: 'access',
				sub: companyId,
				lifetimeSeconds: ctx.config.tokenLifetimeSeconds,
				claims: { companyId, typ: 'access' },
			}).token;
		}

		return {
			resetState() {},
			authenticate(req) {
				const checked = ctx.checkJwt(bearerToken(req.headers.authorization), ['access']);
				if (!checked) return { ok: false, reply: message(401, 'Unauthorized') };
				return { ok: true, principal: { companyId: checked.entry.sub } };
			},
			routes: [
				{
					method: 'POST',
					path: '/auth/login/',
					kind: 'login',
					handler(req) {
						const companyId = stringField(req.body, 'companyId');
						if (!companyId || !COMPANIES.includes(companyId)) return message(401, 'Invalid companyId');
						const refreshToken = ctx.issueJwt({
							kind: 'refresh',
							sub: companyId,
							lifetimeSeconds: /** @type {number} */ (ctx.config.refreshTokenLifetimeSeconds),
							claims: { companyId, typ: 'refresh' },
						}).token;
						return json(200, { accessToken: accessToken(companyId), refreshToken });
					},
				},
				{
					method: 'POST',
					path: '/auth/refresh/',
					kind: 'refresh',
					handler(req) {
						const checked = ctx.checkJwt(stringField(req.body, 'refresh'), ['refresh']);
						if (!checked) return message(401, 'Invalid refresh token');
						return json(200, { accessToken: accessToken(checked.entry.sub) });
					},
				},
			],
		};
	},
};

module.exports = { definition, ACCOUNTS };
