'use strict';
/**
 * A long-running helper server for tests (PostgreSQL, Redis): its own process group, killed when
 * the test process exits (n8n.trackChild), output kept for error messages, ready when its log
 * shows a marker.
 */
const { spawn } = require('node:child_process');
const { trackChild, killGroup, tailLines } = require('./n8n');

/**
 * @returns {Promise<{child, logs:()=>string, stop:(signal?:string)=>Promise<void>, exited:()=>object|null}>}
 */
async function startDaemon(name, cmd, args, { env = process.env, cwd, readyMarker, timeoutMs = 60_000 }) {
	const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	trackChild(child);
	let log = '';
	const onData = (d) => {
		log += d;
		if (log.length > 1e6) log = log.slice(-5e5);
	};
	child.stdout.setEncoding('utf8').on('data', onData);
	child.stderr.setEncoding('utf8').on('data', onData);
	let exited = null;
	const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve((exited = { code, signal }))));
	child.on('error', (error) => (exited = { error }));
	const stop = async (signal = 'SIGTERM') => {
		if (exited) return;
		killGroup(child, signal);
		const force = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
		await closed;
		clearTimeout(force);
	};
	const t0 = Date.now();
	while (!readyMarker.test(log)) {
		if (exited) throw new Error(`${name} exited before it was ready (${JSON.stringify(exited)}):\n${tailLines(log)}`);
		if (Date.now() - t0 > timeoutMs) {
			await stop('SIGKILL');
			throw new Error(`${name} not ready after ${timeoutMs} ms:\n${tailLines(log)}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return { child, logs: () => log, stop, exited: () => exited };
}

module.exports = { startDaemon };
