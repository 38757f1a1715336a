'use strict';
/**
 * A real n8n queue-mode cluster on this machine, for tests and the benchmark:
 * PostgreSQL + Redis (throwaway, see postgres.js / redis.js), one main and N workers from the same
 * n8n runtime, each with its own user folder (the packed package installed as a community package
 * in every one), its own task-broker port and (workers) health port, one shared database and
 * encryption key. Executions are triggered through production webhooks on the main; webhook
 * executions always run on a worker.
 *
 *   const cluster = await createCluster({ tarball, workers: 2, env: kit.N8N_ENV });
 *   await cluster.importCredentials([...]); await cluster.importWorkflows([...]);
 *   await cluster.publish(['wf1']);                 // before start(): live when the main is ready
 *   await cluster.start();
 *   await cluster.webhook('my-path');              // { status, body, ms }
 *   await cluster.killWorker(0);                   // SIGKILL, mid-run
 *   await cluster.restartRedis();                  // and wait until every live process is ready again
 *   await cluster.stop();                          // n8n processes, Redis, PostgreSQL, homes
 */
const crypto = require('node:crypto');
const n8n = require('./n8n');
const { startPostgres } = require('./postgres');
const { startRedis } = require('./redis');

/** Env every process of the cluster shares (on top of each home's own). */
function queueEnv(pg, redis, encryptionKey) {
	return {
		N8N_ENCRYPTION_KEY: encryptionKey,
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: '',
		DB_POSTGRESDB_POOL_SIZE: '10', // default 2 per process: too few for concurrent executions
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// a killed worker's jobs are found stalled after seconds, not n8n's default 30 s
		QUEUE_WORKER_LOCK_DURATION: '10000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		// and the main marks them crashed (so they can be retried) after 15 s, not 3 h
		N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
		N8N_LOG_LEVEL: 'info',
	};
}

/**
 * @param {{tarball:string, extraTarballs?:string[], workers?:number, concurrency?:number, env?:object}} opts
 */
async function createCluster({ tarball, extraTarballs = [], workers = 2, concurrency = 10, env = {} }) {
	const timings = {};
	const timed = async (name, fn) => {
		const t0 = Date.now();
		try {
			return await fn();
		} finally {
			timings[name] = Date.now() - t0;
		}
	};
	const [pg, redis] = await Promise.all([timed('postgres', () => startPostgres()), timed('redis', () => startRedis())]);
	timings.postgresInstall = pg.installMs;
	timings.redisInstall = redis.installMs;
	const encryptionKey = crypto.randomBytes(24).toString('hex');
	const shared = { ...env, ...queueEnv(pg, redis, encryptionKey) };
	const homes = await timed('homes', () =>
		Promise.all(Array.from({ length: 1 + workers }, () => n8n.createN8nHome({ tarball, tarballs: extraTarballs, encryptionKey, env: shared }))),
	);
	const [mainHome, ...workerHomes] = homes;
	let main;
	const workerProcesses = [];

	const startWorker = async (home) => {
		const port = await n8n.getFreePort(); // its health server: /healthz/readiness
		return n8n.startN8n(home, {
			port,
			args: ['worker', `--concurrency=${concurrency}`],
			readyMarker: 'n8n worker is now ready',
			env: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', QUEUE_HEALTH_CHECK_PORT: String(port) },
		});
	};

	const cluster = {
		pg,
		redis,
		homes,
		timings,
		processes: () => [main, ...workerProcesses].filter(Boolean),
		get main() {
			return main;
		},
		get workers() {
			return workerProcesses;
		},
		/** CLI commands (import, publish) write the shared database: any home does. */
		importCredentials: (creds) => timed('importCredentials', () => n8n.importCredentials(mainHome, creds)),
		importWorkflows: (workflows) => timed('importWorkflows', () => n8n.importWorkflows(mainHome, workflows)),
		/** Publish before start(): live when the main is ready. One CLI boot each: put many webhooks in one workflow. */
		publish: (ids) =>
			timed('publish', async () => {
				for (const id of ids) await n8n.activateWorkflow(mainHome, id);
			}),
		exportCredentials: () => n8n.exportCredentials(mainHome),
		async start() {
			// the main first: it runs the database migrations the workers would otherwise race for
			main = await timed('mainReady', () => n8n.startN8n(mainHome, {}));
			const started = await timed('workersReady', () => Promise.all(workerHomes.map(startWorker)));
			workerProcesses.push(...started);
		},
		/** POST /webhook/<path> on the main; body is the parsed JSON answer (or the text). */
		async webhook(path, payload = {}, { timeoutMs = 120_000 } = {}) {
			const t0 = Date.now();
			try {
				const res = await fetch(`${main.url}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(payload),
					signal: AbortSignal.timeout(timeoutMs),
				});
				const text = await res.text();
				let body = text;
				try {
					body = JSON.parse(text);
				} catch {}
				return { status: res.status, body, ms: Date.now() - t0 };
			} catch (error) {
				return { status: 0, body: String(error?.message ?? error), ms: Date.now() - t0 };
			}
		},
		/** Which worker ran how many executions so far (from each worker's log). */
		executionsPerWorker: () => workerProcesses.map((w) => (w.logs().match(/Worker started execution/g) || []).length),
		async killWorker(index) {
			const worker = workerProcesses[index];
			n8n.killGroup(worker.child, 'SIGKILL');
			await worker.stop();
		},
		async restartRedis() {
			await redis.restart();
			await waitUntilReady(cluster.processes().filter((p) => !p.exited()));
		},
		async stop() {
			await Promise.all(cluster.processes().map((p) => p.stop()));
			await Promise.all([redis.stop(), pg.stop()]);
			await Promise.all(homes.map((h) => n8n.removeN8nHome(h)));
		},
	};
	return cluster;
}

/** Every process answers /healthz/readiness (database and Redis connected) with 200. */
async function waitUntilReady(processes, timeoutMs = 60_000) {
	const t0 = Date.now();
	for (const p of processes) {
		for (;;) {
			const status = await fetch(`${p.url}/healthz/readiness`, { signal: AbortSignal.timeout(5000) })
				.then((r) => r.status)
				.catch(() => 0);
			if (status === 200) break;
			if (Date.now() - t0 > timeoutMs) throw new Error(`${p.url} not ready ${timeoutMs} ms after the Redis restart (last status ${status})`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}
}

module.exports = { createCluster };
