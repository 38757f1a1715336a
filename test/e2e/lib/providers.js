'use strict';
/**
 * What the e2e suites need to know about each provider in a real n8n: node and credential type,
 * how its errors name it, its example workflow and what that must output, a wrong secret, and
 * whether its token carries an expiry the package can see. Shared by the per-provider suites
 * (*.e2e.test.js, through lib/providerScenarios.js) and the version matrix (versions.e2e.test.js).
 * exampleCheck(out, ctx) needs ctx.handle (the provider's sandbox handle).
 */
const { ACCOUNTS } = require('../../sandbox');

/** eConnect's token operations and example return { token, expiresAt, username }. */
function eConnectJwtOut(o, ctx) {
	expect(Object.keys(o).sort()).toEqual(['expiresAt', 'token', 'username']);
	expect(o.username).toBe(ACCOUNTS.eConnect.username);
	expect(ctx.handle.tokensIssued()).toContain(o.token);
}

const wrongPassword = (d) => ({ ...d, password: 'definitely-wrong-password' });

const PROVIDERS = {
	elevateIq: {
		key: 'elevateIq',
		nodeName: 'elevateIq',
		credType: 'elevateIqApi',
		providerName: /Elevate IQ/,
		exampleFile: 'elevate-iq.json',
		exampleCheck: (out) => {
			expect(out.length).toBeGreaterThan(10);
			for (const c of out) expect(c).toHaveProperty('id');
		},
		wrongData: wrongPassword,
	},
	elyssa: {
		key: 'elyssa',
		nodeName: 'elyssa',
		credType: 'elyssaApi',
		providerName: /Elyssa/,
		exampleFile: 'elyssa-app.json',
		exampleIsTokenOutput: true,
		exampleCheck: (out, ctx) => {
			expect(ctx.handle.tokensIssued()).toContain(out[0].accessToken);
			expect(ctx.handle.stats().refreshes).toBeGreaterThanOrEqual(1);
		},
		wrongData: (d) => ({ ...d, companyId: 'no-such-company-e2e' }),
	},
	edgeIq: {
		key: 'edgeIq',
		nodeName: 'edgeIq',
		credType: 'edgeIqApi',
		providerName: /EdgeIQ/,
		exampleFile: 'edgeiq.json',
		exampleCheck: (out) => expect(out[0].email).toBe(ACCOUNTS.edgeIq.email),
		wrongData: wrongPassword,
	},
	intelePeer: {
		key: 'intelePeer',
		nodeName: 'intelePeer',
		credType: 'intelePeerApi',
		providerName: /IntelePeer/,
		// opaque token, documented as valid 24 h: the package cannot see an earlier expiry
		opaqueToken: true,
		exampleFile: 'intelepeer.json',
		exampleIsTokenOutput: true,
		exampleCheck: (out, ctx) => {
			expect(Object.keys(out[0])).toEqual(['token']);
			expect(ctx.handle.tokensIssued()).toContain(out[0].token);
		},
		wrongData: wrongPassword,
	},
	eConnect: {
		key: 'eConnect',
		nodeName: 'eConnect',
		credType: 'eConnectApi',
		providerName: /eConnect/,
		exampleFile: 'econnect.json',
		exampleIsTokenOutput: true,
		exampleCheck: (out, ctx) => eConnectJwtOut(out[0], ctx),
		wrongData: wrongPassword,
	},
};

module.exports = { PROVIDERS, eConnectJwtOut };
