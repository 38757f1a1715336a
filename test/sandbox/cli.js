#!/usr/bin/env node
'use strict';

/**
 * Run the provider sandbox until SIGINT/SIGTERM.
 *
 *   node test/sandbox/cli.js [--fixed-ports]
 *
 * Prints one line per provider: `<key> <baseUrl>`. With --fixed-ports the servers listen on
 * 127.0.0.1:4101..4105 (elevateIq, elyssa, edgeIq, intelePeer, eConnect), else on random ports.
 * SANDBOX_TOKEN_LIFETIME_SECONDS shortens every provider's access-token lifetime.
 */

const { startSandbox, FIXED_PORTS, PROVIDER_KEYS } = require('./index');

/**
 * @param {string[]} argv
 * @returns {Promise<void>}
 */
async function main(argv) {
	const unknown = argv.filter((arg) => arg !== '--fixed-ports');
	if (unknown.length > 0) {
		process.stderr.write(`Unknown argument(s): ${unknown.join(' ')}\nUsage: node test/sandbox/cli.js [--fixed-ports]\n`);
		process.exitCode = 2;
		return;
	}

	/** @type {import('./index').SandboxOptions} */
	const options = {};
	if (argv.includes('--fixed-ports')) options.ports = { ...FIXED_PORTS };
	const lifetime = process.env.SANDBOX_TOKEN_LIFETIME_SECONDS;
	if (lifetime !== undefined && lifetime !== '') {
		const seconds = Number(lifetime);
		if (!Number.isFinite(seconds) || seconds <= 0) {
			process.stderr.write('SANDBOX_TOKEN_LIFETIME_SECONDS must be a positive number\n');
			process.exitCode = 2;
			return;
		}
		options.tokenLifetimeSeconds = seconds;
	}

	// Signal handlers go in before anything is printed, so a caller that stops the sandbox as soon
	// as it sees the URLs always gets a clean exit.
	/** @type {import('./index').Sandbox | null} */
	let sandbox = null;
	let stopping = false;
	const stop = () => {
		stopping = true;
		if (!sandbox) return; // still starting: stopped right after start
		const running = sandbox;
		sandbox = null;
		running.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);

	const started = await startSandbox(options);
	sandbox = started;
	if (stopping) {
		stop();
		return;
	}
	for (const key of PROVIDER_KEYS) process.stdout.write(`${key} ${started[key].baseUrl}\n`);
}

main(process.argv.slice(2)).catch((error) => {
	process.stderr.write(`Sandbox failed to start: ${error && error.message ? error.message : String(error)}\n`);
	process.exit(1);
});
