'use strict';
/**
 * A throwaway PostgreSQL for a queue-mode n8n cluster: Debian's server binaries (installed with
 * apt-get when missing), a fresh cluster in a temp folder, TCP on a free 127.0.0.1 port, trust
 * authentication for user `postgres`, durability off (it only lives for one test run).
 * initdb refuses to run as root, so as root the server runs as the `postgres` system user (the
 * Debian package creates it), or `nobody`.
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { getFreePort, runProcess } = require('./n8n');
const { startDaemon } = require('./daemon');
const { ensureDebianPackage } = require('./debianPackage');

const DEBIAN_ROOT = '/usr/lib/postgresql';

function binDir() {
	if (!fs.existsSync(DEBIAN_ROOT)) return undefined;
	const versions = fs
		.readdirSync(DEBIAN_ROOT)
		.filter((v) => fs.existsSync(path.join(DEBIAN_ROOT, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(DEBIAN_ROOT, versions[0], 'bin') : undefined;
}

function systemUser() {
	for (const name of ['postgres', 'nobody']) {
		try {
			const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
			const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
			return { name, uid, gid };
		} catch {}
	}
	throw new Error('running as root, but neither a postgres nor a nobody user exists to run PostgreSQL as');
}

/** [cmd, args] that runs `bin` as `user` (or as we are, when not root). */
function asUser(user, bin, args) {
	return user ? ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', bin, ...args]] : [bin, args];
}

/**
 * @returns {Promise<{host:string, port:number, user:string, database:string, version:string,
 *   installMs:number, startMs:number, stop:()=>Promise<void>}>}
 */
async function startPostgres({ database = 'n8n' } = {}) {
	const t0 = Date.now();
	const install = await ensureDebianPackage('postgresql', async () => binDir() !== undefined);
	const bin = binDir();
	const user = process.getuid() === 0 ? systemUser() : undefined;
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-queue-pg-'));
	if (user) await fsp.chown(dir, user.uid, user.gid);
	const dataDir = path.join(dir, 'data');
	const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
	const [initCmd, initArgs] = asUser(user, path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
	const init = await runProcess(initCmd, initArgs, { cwd: dir, env, timeoutMs: 120_000 });
	if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${(init.stdout + init.stderr).slice(-3000)}`);

	const port = await getFreePort();
	const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200', 'shared_buffers=64MB'];
	const [cmd, args] = asUser(user, path.join(bin, 'postgres'), [
		'-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, ...settings.flatMap((s) => ['-c', s]),
	]);
	const server = await startDaemon('postgres', cmd, args, { cwd: dir, env, readyMarker: /ready to accept connections/ });
	const [dbCmd, dbArgs] = asUser(user, path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
	const created = await runProcess(dbCmd, dbArgs, { cwd: dir, env });
	if (created.code !== 0) {
		await server.stop();
		throw new Error(`createdb failed: ${created.stdout}${created.stderr}`);
	}
	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database,
		version: path.basename(path.dirname(bin)),
		installMs: install.ms,
		startMs: Date.now() - t0 - install.ms,
		stop: async () => {
			await server.stop('SIGINT'); // PostgreSQL's "fast shutdown"
			await fsp.rm(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startPostgres };
