'use strict';

/**
 * Local provider sandbox: five fake provider APIs (Elevate IQ, Elyssa, EdgeIQ, IntelePeer,
 * eConnect) that behave as their documents in shared/seeds say, with counters, fault injection
 * and token-lifetime control for tests and benchmarks.
 *
 *   const { startSandbox, ACCOUNTS } = require('./test/sandbox');
 *   const sandbox = await startSandbox();
 *   sandbox.elevateIq.baseUrl   // http://127.0.0.1:<port>/v2
 *   await sandbox.close();
 */

const { startProviderServer } = require('./server');
const { SANDBOX_JWT_SECRET } = require('./jwt');
const elevateIq = require('./elevateIq');
const elyssa = require('./elyssa');
const edgeIq = require('./edgeIq');
const intelePeer = require('./intelePeer');
const eConnect = require('./eConnect');

/** @typedef {'elevateIq' | 'elyssa' | 'edgeIq' | 'intelePeer' | 'eConnect'} ProviderKey */
/** @typedef {import('./server').ProviderHandle} ProviderHandle */
/** @typedef {import('./server').ProviderConfig} ProviderConfig */
/** @typedef {import('./server').FaultSpec} FaultSpec */
/** @typedef {import('./server').Stats} Stats */
/** @typedef {import('./edgeIq').OutboxEmail} OutboxEmail */

/** Provider definitions in port order. */
const PROVIDERS = Object.freeze([elevateIq.definition, elyssa.definition, edgeIq.definition, intelePeer.definition, eConnect.definition]);

/** @type {ReadonlyArray<ProviderKey>} */
const PROVIDER_KEYS = Object.freeze(/** @type {ProviderKey[]} */ (PROVIDERS.map((p) => p.key)));

/** Ports used by `cli.js --fixed-ports`. */
const FIXED_PORTS = Object.freeze({ elevateIq: 4101, elyssa: 4102, edgeIq: 4103, intelePeer: 4104, eConnect: 4105 });

/** The sandbox's accounts (seed values; a password changed through EdgeIQ's reset is not reflected here). */
const ACCOUNTS = Object.freeze({
	elevateIq: elevateIq.ACCOUNTS,
	elyssa: elyssa.ACCOUNTS,
	edgeIq: edgeIq.ACCOUNTS,
	intelePeer: intelePeer.ACCOUNTS,
	eConnect: eConnect.ACCOUNTS,
});

/**
 * @typedef {object} SandboxOptions
 * @property {Partial<Record<ProviderKey, number>>} [ports]  0 or absent = a random free port
 * @property {string} [host]  default 127.0.0.1
 * @property {number} [tokenLifetimeSeconds]  access-token lifetime for every provider (default: each provider's own)
 * @property {Partial<Record<ProviderKey, Partial<import('./server').ProviderConfig>>>} [config]  per-provider start config
 */

/**
 * @typedef {object} Sandbox
 * @property {ProviderHandle} elevateIq
 * @property {ProviderHandle} elyssa
 * @property {ProviderHandle & { outbox: () => OutboxEmail[] }} edgeIq
 * @property {ProviderHandle & { authUrl: string }} intelePeer
 * @property {ProviderHandle} eConnect
 * @property {() => Promise<void>} close   close every server, dropping keep-alive, hung and delayed requests
 * @property {(options?: { state?: boolean }) => void} resetAll   reset() on every provider
 */

/**
 * Start all five provider servers.
 * @param {SandboxOptions} [options]
 * @returns {Promise<Sandbox>}
 */
async function startSandbox(options = {}) {
	const host = options.host || '127.0.0.1';
	const results = await Promise.allSettled(
		PROVIDERS.map((def) => {
			const key = /** @type {ProviderKey} */ (def.key);
			const config = {
				...(options.tokenLifetimeSeconds !== undefined ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {}),
				...((options.config && options.config[key]) || {}),
			};
			return startProviderServer(def, { host, port: (options.ports && options.ports[key]) || 0, config });
		}),
	);
	const failed = results.find((r) => r.status === 'rejected');
	if (failed) {
		await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
		throw /** @type {PromiseRejectedResult} */ (failed).reason;
	}
	const handles = results.map((r) => /** @type {PromiseFulfilledResult<ProviderHandle & Record<string, any>>} */ (r).value);

	/** @type {Record<string, any>} */
	const sandbox = {};
	for (const handle of handles) sandbox[handle.key] = handle;
	sandbox.close = async () => {
		await Promise.all(handles.map((h) => h.close()));
	};
	/** @param {{ state?: boolean }} [resetOptions] */
	sandbox.resetAll = (resetOptions) => {
		for (const h of handles) h.reset(resetOptions);
	};
	return /** @type {Sandbox} */ (sandbox);
}

module.exports = { startSandbox, ACCOUNTS, FIXED_PORTS, PROVIDER_KEYS, SANDBOX_JWT_SECRET };
