'use strict';

/**
 * Elevate IQ (seed 000): Bearer JWT from `POST /v2/authenticate`; users, roles and customers.
 * 401 = token missing/invalid/expired/revoked, malformed header or inactive user;
 * 403 = the account lacks the permission (the limited account on /users).
 */

const { json, message, bearerToken, isObject, stringField } = require('./server');

const BASE = '/v2';

const ACCOUNTS = Object.freeze({
	username: 'elevate-api',
	password: 'elevate-secret-1',
	/** Logs in fine, gets 403 on /users (permission, not token expiry). */
	limited: Object.freeze({ username: 'elevate-limited', password: 'limited-secret-1' }),
	/** Logs in fine, every call then gets 401 (user inactive). */
	inactive: Object.freeze({ username: 'elevate-inactive', password: 'inactive-secret-1' }),
});

/** Login credentials (separate from the user records they point at). */
const LOGINS = Object.freeze([
	{ username: ACCOUNTS.username, password: ACCOUNTS.password, userId: 1, canManageUsers: true },
	{ username: ACCOUNTS.limited.username, password: ACCOUNTS.limited.password, userId: 2, canManageUsers: false },
	{ username: ACCOUNTS.inactive.username, password: ACCOUNTS.inactive.password, userId: 3, canManageUsers: true },
]);

const ROLES = Object.freeze([
	Object.freeze({ id: 1, name: 'Administrator' }),
	Object.freeze({ id: 2, name: 'Manager' }),
	Object.freeze({ id: 3, name: 'Read Only' }),
	Object.freeze({ id: 4, name: 'API User' }),
]);

const USER_FIELDS = ['username', 'email', 'firstName', 'lastName', 'roleId', 'active'];
const FIRST = ['Ada', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai'];
const LAST = ['Abbott', 'Brooks', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Khan', 'Lopez', 'Moreau'];
const CUSTOMER_WORDS = ['Northwind', 'Bluebird', 'Summit', 'Riverbend', 'Oakridge', 'Lakeside', 'Pioneer'];
const CUSTOMER_KINDS = ['Dental', 'Logistics', 'Clinic', 'Foods', 'Energy', 'Retail'];

/**
 * @typedef {{ id: number, username: string, email: string, firstName: string, lastName: string, roleId: number, active: boolean }} ElevateUser
 */

/** @returns {ElevateUser[]} 25 users; ids 1..3 are the API accounts. */
function seedUsers() {
	/** @type {ElevateUser[]} */
	const users = [
		{ id: 1, username: 'elevate-api', email: 'api@example.com', firstName: 'API', lastName: 'User', roleId: 1, active: true },
		{ id: 2, username: 'elevate-limited', email: 'limited@example.com', firstName: 'Limited', lastName: 'User', roleId: 3, active: true },
		{ id: 3, username: 'elevate-inactive', email: 'inactive@example.com', firstName: 'Inactive', lastName: 'User', roleId: 4, active: false },
	];
	for (let id = 4; id <= 25; id += 1) {
		const firstName = FIRST[id % FIRST.length];
		const lastName = LAST[id % LAST.length];
		const username = `${firstName}.${lastName}`.toLowerCase();
		users.push({ id, username, email: `${username}@example.com`, firstName, lastName, roleId: (id % 4) + 1, active: id % 7 !== 0 });
	}
	return users;
}

/** @returns {Array<Record<string, unknown>>} 37 customers */
function seedCustomers() {
	const customers = [];
	for (let id = 1; id <= 37; id += 1) {
		const word = CUSTOMER_WORDS[id % CUSTOMER_WORDS.length];
		const kind = CUSTOMER_KINDS[id % CUSTOMER_KINDS.length];
		customers.push({
			id,
			name: `${word} ${kind} ${id}`,
			accountNumber: `C-${String(1000 + id)}`,
			contractOwner: `Owner ${(id % 3) + 1}`,
			email: `billing${id}@example.com`,
			active: id % 5 !== 0,
		});
	}
	return customers;
}

/**
 * Read `page` (1-based, default 1) and `pageSize` (default 10, 1..100) from the query.
 * @param {Record<string, string | string[]>} query
 * @returns {{ ok: true, page: number, pageSize: number } | { ok: false, error: string }}
 */
function pagination(query) {
	/** @param {string} name @param {number} fallback @param {number} max */
	const read = (name, fallback, max) => {
		const raw = query[name];
		if (raw === undefined || raw === '') return fallback;
		const value = Number(Array.isArray(raw) ? raw[0] : raw);
		return Number.isInteger(value) && value >= 1 && value <= max ? value : NaN;
	};
	const page = read('page', 1, Number.MAX_SAFE_INTEGER);
	if (Number.isNaN(page)) return { ok: false, error: 'page must be a positive integer' };
	const pageSize = read('pageSize', 10, 100);
	if (Number.isNaN(pageSize)) return { ok: false, error: 'pageSize must be an integer from 1 to 100' };
	return { ok: true, page, pageSize };
}

/**
 * @template T
 * @param {T[]} items
 * @param {Record<string, string | string[]>} query
 */
function pageOf(items, query) {
	const p = pagination(query);
	if (!p.ok) return message(400, p.error);
	const start = (p.page - 1) * p.pageSize;
	return json(200, items.slice(start, start + p.pageSize), { 'x-total-count': String(items.length) });
}

/** @type {import('./server').ProviderDef} */
const definition = {
	key: 'elevateIq',
	basePath: BASE,
	rejectStatus: 401,
	defaults: { tokenLifetimeSeconds: 3600 },
	accessKinds: ['access'],
	create(ctx) {
		/** @type {ElevateUser[]} */
		let users = [];
		/** @type {Array<Record<string, unknown>>} */
		let customers = [];

		const unauthorized = () => ({ ok: /** @type {const} */ (false), reply: message(401, 'Unauthorized') });

		/** @param {import('./server').SandboxRequest} req */
		function authenticate(req) {
			const checked = ctx.checkJwt(bearerToken(req.headers.authorization), ['access']);
			if (!checked) return unauthorized();
			const login = LOGINS.find((l) => String(l.userId) === checked.entry.sub);
			const user = users.find((u) => String(u.id) === checked.entry.sub);
			if (!login || !user) return unauthorized();
			if (!user.active) return { ok: /** @type {const} */ (false), reply: message(401, 'User is inactive') };
			return { ok: /** @type {const} */ (true), principal: { user, canManageUsers: login.canManageUsers } };
		}

		/** @param {import('./server').SandboxRequest} req */
		function forbiddenForUsers(req) {
			return req.principal.canManageUsers ? null : message(403, 'Forbidden: insufficient permissions');
		}

		/**
		 * Check the fields of a user create/update; returns an error message or null.
		 * @param {Record<string, unknown>} input
		 */
		function fieldError(input) {
			for (const name of ['username', 'email', 'firstName', 'lastName']) {
				if (input[name] !== undefined && typeof input[name] !== 'string') return `${name} must be a string`;
			}
			if (input.roleId !== undefined && !ROLES.some((r) => r.id === input.roleId)) return 'roleId is not a known role';
			if (input.active !== undefined && typeof input.active !== 'boolean') return 'active must be a boolean';
			return null;
		}

		return {
			resetState() {
				users = seedUsers();
				customers = seedCustomers();
			},
			authenticate,
			routes: [
				{
					method: 'POST',
					path: `${BASE}/authenticate`,
					kind: 'login',
					handler(req) {
						const username = stringField(req.body, 'username');
						const password = stringField(req.body, 'password');
						const login = LOGINS.find((l) => l.username === username && l.password === password);
						if (!login) return message(401, 'Invalid username or password');
						const { token } = ctx.issueJwt({
							kind: 'access',
							sub: String(login.userId),
							lifetimeSeconds: ctx.config.tokenLifetimeSeconds,
							claims: { username: login.username },
						});
						return json(200, { token });
					},
				},
				{
					method: 'GET',
					path: `${BASE}/users`,
					kind: 'api',
					auth: true,
					handler: (req) => forbiddenForUsers(req) || pageOf(users, req.query),
				},
				{
					method: 'POST',
					path: `${BASE}/users`,
					kind: 'api',
					auth: true,
					handler(req) {
						const forbidden = forbiddenForUsers(req);
						if (forbidden) return forbidden;
						if (!isObject(req.body)) return message(400, 'Request body must be a user object');
						const body = req.body;
						if (!stringField(body, 'username')) return message(400, 'username is required');
						if (!stringField(body, 'email')) return message(400, 'email is required');
						const invalid = fieldError(body);
						if (invalid) return message(400, invalid);
						if (users.some((u) => u.username === body.username)) return message(409, `Username ${body.username} already exists`);
						/** @type {ElevateUser} */
						const user = {
							id: users.reduce((max, u) => Math.max(max, u.id), 0) + 1,
							username: body.username,
							email: body.email,
							firstName: body.firstName || '',
							lastName: body.lastName || '',
							roleId: body.roleId === undefined ? 4 : body.roleId,
							active: body.active === undefined ? true : body.active,
						};
						users.push(user);
						return json(201, user);
					},
				},
				{
					method: 'PATCH',
					path: `${BASE}/users`,
					kind: 'api',
					auth: true,
					handler(req) {
						const forbidden = forbiddenForUsers(req);
						if (forbidden) return forbidden;
						const many = Array.isArray(req.body);
						/** @type {unknown[]} */
						const updates = many ? /** @type {unknown[]} */ (req.body) : [req.body];
						if (updates.length === 0) return message(400, 'Request body must be a user object or an array of them');
						// Validate everything first: the update is all or nothing.
						for (const update of updates) {
							if (!isObject(update)) return message(400, 'Request body must be a user object or an array of them');
							if (update.id === undefined) return message(400, 'id is required');
							if (!users.some((u) => u.id === update.id)) return message(404, `User ${update.id} not found`);
							const invalid = fieldError(update);
							if (invalid) return message(400, invalid);
							if (update.username !== undefined && users.some((u) => u.username === update.username && u.id !== update.id)) {
								return message(409, `Username ${update.username} already exists`);
							}
						}
						const updated = updates.map((update) => {
							const record = /** @type {Record<string, any>} */ (update);
							const user = /** @type {ElevateUser & Record<string, any>} */ (users.find((u) => u.id === record.id));
							for (const field of USER_FIELDS) if (record[field] !== undefined) user[field] = record[field];
							return { ...user };
						});
						return json(200, many ? updated : updated[0]);
					},
				},
				{
					method: 'GET',
					path: `${BASE}/user-roles`,
					kind: 'api',
					auth: true,
					handler: () => json(200, ROLES),
				},
				{
					method: 'GET',
					path: `${BASE}/customers`,
					kind: 'api',
					auth: true,
					handler: (req) => pageOf(customers, req.query),
				},
			],
		};
	},
};

module.exports = { definition, ACCOUNTS };
