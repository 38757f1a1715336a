'use strict';
/**
 * A throwaway Redis for a queue-mode n8n cluster: Debian's redis-server (installed with apt-get
 * when missing) on a free 127.0.0.1 port, working folder in a temp dir, no persistence.
 * restart() stops it and starts a new one on the same port, as an operator restarting Redis
 * would (without persistence the queue's contents are gone).
 */
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { getFreePort } = require('./n8n');
const { startDaemon } = require('./daemon');
const { ensureDebianPackage, onPath } = require('./debianPackage');

/**
 * @returns {Promise<{host:string, port:number, installMs:number, startMs:number,
 *   restart:()=>Promise<void>, stop:()=>Promise<void>}>}
 */
async function startRedis() {
	const install = await ensureDebianPackage('redis-server', async () => onPath('redis-server'));
	const t0 = Date.now();
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-queue-redis-'));
	const port = await getFreePort();
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no', '--daemonize', 'no'];
	const start = () => startDaemon('redis-server', 'redis-server', args, { cwd: dir, readyMarker: /Ready to accept connections/ });
	let server = await start();
	return {
		host: '127.0.0.1',
		port,
		installMs: install.ms,
		startMs: Date.now() - t0,
		restart: async () => {
			await server.stop();
			server = await start();
		},
		stop: async () => {
			await server.stop();
			await fsp.rm(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startRedis };
