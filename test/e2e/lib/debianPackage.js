'use strict';
/**
 * Installs a Debian package with apt-get when a test needs a program that is missing (CI runs on
 * a fresh machine). Runs `apt-get update` only when the install fails without it. Needs root or
 * passwordless sudo, as CI has.
 */
const fs = require('node:fs');
const { runProcess } = require('./n8n');

function onPath(program) {
	return (process.env.PATH || '').split(':').some((dir) => dir && fs.existsSync(`${dir}/${program}`));
}

async function aptGet(args) {
	const sudo = process.getuid && process.getuid() !== 0 ? ['sudo', '-n'] : [];
	const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
	return runProcess(cmd, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 10 * 60_000 });
}

/**
 * Makes sure `isInstalled()` is true, installing `pkg` when it is not.
 * @returns {Promise<{installed: boolean, ms: number}>} installed: whether this call installed it
 */
async function ensureDebianPackage(pkg, isInstalled) {
	const t0 = Date.now();
	if (await isInstalled()) return { installed: false, ms: 0 };
	let r = await aptGet(['install', '-y', '--no-install-recommends', pkg]);
	if (r.code !== 0) {
		await aptGet(['update']);
		r = await aptGet(['install', '-y', '--no-install-recommends', pkg]);
	}
	if (r.code !== 0 || !(await isInstalled())) {
		throw new Error(`apt-get install ${pkg} failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`);
	}
	return { installed: true, ms: Date.now() - t0 };
}

module.exports = { ensureDebianPackage, onPath };
