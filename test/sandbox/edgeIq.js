'use strict';

/**
 * EdgeIQ (seed 002): `Authorization: <token>` (bare, no Bearer) with a permanent API token or a
 * session token from `POST /user/authenticate`. A bad token → 403 `Not Authorized` (text), not 401.
 * API-token reset, password-reset request (emails land in the outbox) and password reset.
 */

const { json, text, message, randomHex, isObject, stringField } = require('./server');

const BASE = '/api/v1/platform';
const MAX_TOKEN_EXPIRY_MS = 7 * 24 * 3600 * 1000;

const ACCOUNTS = Object.freeze({
	email: 'ops@example.com',
	password: 'edge-secret-1',
	/** The seeded permanent API token (restored by reset({ state: true })). */
	apiToken: '3f9a6c1e8b2d4f70a5c9e1b3d7f2a4c6e8b0d1f3',
	/** The only from_address whitelisted for password-reset emails. */
	whitelistedFromAddress: 'noreply@example.com',
	/** The url the document says every password-reset request must carry. */
	resetUrl: 'https://app.edgeiq.io/reset_password',
});

/**
 * @typedef {{ id: string, email: string, password: string, first_name: string, last_name: string,
 *   company_id: string, user_type: string, apiToken: string, created_at: string, updated_at: string }} EdgeUser
 * @typedef {{ email: string, url: string, subject: string, greeting: string, from_address: string,
 *   resetToken: string, link: string, sentAt: string }} OutboxEmail
 */

/** @returns {EdgeUser[]} */
function seedUsers() {
	return [
		{
			id: '5f2b9c0e4a1d3e6f7a8b9c0d',
			email: ACCOUNTS.email,
			password: ACCOUNTS.password,
			first_name: 'Ops',
			last_name: 'Team',
			company_id: 'example_company',
			user_type: 'company_admin',
			apiToken: ACCOUNTS.apiToken,
			created_at: '2024-01-15T09:30:00.000Z',
			updated_at: '2024-01-15T09:30:00.000Z',
		},
	];
}

/**
 * The user's public JSON (no password, no tokens).
 * @param {EdgeUser} user
 */
function profile(user) {
	const { password: _password, apiToken: _apiToken, ...rest } = user;
	return { ...rest, active: true };
}

/** @type {import('./server').ProviderDef} */
const definition = {
	key: 'edgeIq',
	basePath: BASE,
	rejectStatus: 403,
	defaults: { tokenLifetimeSeconds: 4 * 3600, resetTokenLifetimeSeconds: 3600 },
	accessKinds: ['session', 'api'],
	create(ctx) {
		/** @type {EdgeUser[]} */
		let users = [];
		/** @type {OutboxEmail[]} */
		let outbox = [];
		/** @type {Map<string, { userId: string, expiresAt: number, used: boolean }>} */
		let resetTokens = new Map();

		/** @param {unknown} body */
		function checkPassword(body) {
			const email = stringField(body, 'email');
			const password = stringField(body, 'password');
			return users.find((u) => email !== undefined && u.email.toLowerCase() === email.toLowerCase() && u.password === password) || null;
		}

		/** @param {EdgeUser} user */
		function registerApiToken(user) {
			ctx.issueOpaque({ kind: 'api', sub: user.id, expiresAt: Infinity, token: user.apiToken });
		}

		return {
			resetState() {
				users = seedUsers();
				outbox = [];
				resetTokens = new Map();
				for (const user of users) registerApiToken(user);
			},
			authenticate(req) {
				const entry = ctx.tokens.check(req.headers.authorization, ['session', 'api']);
				const user = entry && users.find((u) => u.id === entry.sub);
				if (!user) return { ok: false, reply: text(403, 'Not Authorized') };
				return { ok: true, principal: { user } };
			},
			api: {
				/** @returns {OutboxEmail[]} the password-reset emails "sent" so far */
				outbox: () => outbox.map((mail) => ({ ...mail })),
			},
			controls: {
				'GET outbox': () => json(200, outbox),
			},
			routes: [
				{
					method: 'POST',
					path: `${BASE}/user/authenticate`,
					kind: 'login',
					handler(req) {
						const user = checkPassword(req.body);
						if (!user) return message(401, 'Invalid email or password');
						const now = Date.now();
						let expiresAt = now + ctx.config.tokenLifetimeSeconds * 1000;
						const expiry = isObject(req.body) ? req.body.token_expiry : undefined;
						if (expiry !== undefined && expiry !== null && expiry !== '') {
							const parsed = typeof expiry === 'string' ? Date.parse(expiry) : NaN;
							if (Number.isNaN(parsed)) return message(400, 'token_expiry must be a UTC datetime');
							if (parsed <= now) return message(400, 'token_expiry must be in the future');
							if (parsed - now > MAX_TOKEN_EXPIRY_MS) return message(400, 'token_expiry must be no more than one week in the future');
							expiresAt = parsed;
						}
						const sessionToken = ctx.issueOpaque({ kind: 'session', sub: user.id, expiresAt, token: randomHex(32) });
						return json(200, { ...profile(user), session_token: sessionToken, session_expires_at: new Date(expiresAt).toISOString() });
					},
				},
				{
					method: 'POST',
					path: `${BASE}/user/api_token_reset`,
					kind: 'public',
					handler(req) {
						const user = checkPassword(req.body);
						if (!user) return message(401, 'Invalid email or password');
						ctx.tokens.revoke(user.apiToken);
						user.apiToken = randomHex(20);
						user.updated_at = new Date().toISOString();
						registerApiToken(user);
						return json(200, { ...profile(user), api_token: user.apiToken });
					},
				},
				{
					method: 'GET',
					path: `${BASE}/me`,
					kind: 'api',
					auth: true,
					handler: (req) => json(200, profile(req.principal.user)),
				},
				{
					method: 'POST',
					path: `${BASE}/user/password_reset_request`,
					kind: 'public',
					handler(req) {
						const email = stringField(req.body, 'email');
						const url = stringField(req.body, 'url');
						if (!email || !url) return message(400, 'email and url are required');
						const user = users.find((u) => u.email.toLowerCase() === email.toLowerCase());
						if (!user) return message(404, 'User not found');
						const from = stringField(req.body, 'from_address');
						if (from !== undefined && from.toLowerCase() !== ACCOUNTS.whitelistedFromAddress) {
							return message(500, 'Internal Server Error');
						}
						const resetToken = randomHex(24);
						resetTokens.set(resetToken, {
							userId: user.id,
							expiresAt: Date.now() + /** @type {number} */ (ctx.config.resetTokenLifetimeSeconds) * 1000,
							used: false,
						});
						outbox.push({
							email: user.email,
							url,
							subject: stringField(req.body, 'subject') || 'Password Reset Request',
							greeting: stringField(req.body, 'greeting') || 'Hello',
							from_address: from || ACCOUNTS.whitelistedFromAddress,
							resetToken,
							link: `${url}?token=${resetToken}`,
							sentAt: new Date().toISOString(),
						});
						return message(200, 'Password reset email sent');
					},
				},
				{
					method: 'POST',
					path: `${BASE}/user/password_reset/:token`,
					kind: 'public',
					handler(req) {
						const reset = resetTokens.get(req.params.token);
						const user = reset && users.find((u) => u.id === reset.userId);
						if (!reset || !user || reset.used || reset.expiresAt <= Date.now()) {
							return message(404, 'Reset token invalid or expired');
						}
						const password = stringField(req.body, 'password');
						const confirmation = stringField(req.body, 'password_confirmation');
						if (!password) return message(422, 'Password is required');
						if (password !== confirmation) return message(422, 'Passwords do not match');
						reset.used = true;
						user.password = password;
						user.updated_at = new Date().toISOString();
						return message(200, 'Password updated');
					},
				},
			],
		};
	},
};

module.exports = { definition, ACCOUNTS };
