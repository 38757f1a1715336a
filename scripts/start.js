#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the provider sandbox + a real n8n editor on http://localhost:5678 with this package
 * installed (from its packed tarball, as "Install community node" would), one credential per
 * provider pointing at the sandbox, and the example workflows imported. Ctrl-C stops everything.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const n8n = require('../test/e2e/lib/n8n');
const { startSandbox, FIXED_PORTS } = require('../test/sandbox');
const { exampleCredentials } = require('../examples/sandboxCredentials');

const root = path.resolve(__dirname, '..');
const homeDir = path.join(root, '.cache', 'start-home');
const PORT = Number(process.env.N8N_PORT || 5678);
const OWNER = { email: 'owner@example.com', password: 'Owner-Passw0rd!' };

function step(message) {
	console.log(`[start] ${message}`);
}

function exampleWorkflows() {
	const dir = path.join(root, 'examples');
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
}

async function main() {
	step('building the package');
	const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
	if (build.status !== 0) throw new Error('npm run build failed');

	step('making sure a real n8n is installed (the first time takes a few minutes)');
	const runtime = await n8n.ensureN8n();

	step('starting the provider sandbox');
	const sandbox = await startSandbox({ ports: FIXED_PORTS });

	step('installing the packed package into n8n');
	const tarball = await n8n.packPackage(root);
	fs.mkdirSync(homeDir, { recursive: true });
	const home = await n8n.createN8nHome({ tarball, dir: homeDir });

	step('importing one credential per provider and the example workflows');
	await n8n.importCredentials(home, exampleCredentials(sandbox));
	const workflows = exampleWorkflows();
	await n8n.importWorkflows(home, workflows);

	step(`starting n8n ${runtime.version} on port ${PORT}`);
	const server = await n8n.startN8n(home, { port: PORT });
	const owner = await n8n.setupOwner(server.url, OWNER).then(
		() => 'created',
		(error) => (/already/i.test(String(error.message)) ? 'exists' : `not set up (${error.message})`),
	);

	console.log(`
n8n editor        http://localhost:${PORT}   (log in: ${OWNER.email} / ${OWNER.password}; owner ${owner})
n8n user folder   ${homeDir}
Provider sandbox  ${Object.entries(sandbox)
		.filter(([, provider]) => provider && provider.baseUrl)
		.map(([key, provider]) => `\n  ${key.padEnd(11)} ${provider.baseUrl}`)
		.join('')}
Example workflows ${workflows.map((workflow) => `\n  ${workflow.name}  ${server.url}/workflow/${workflow.id}`).join('')}

Open a workflow and click "Execute workflow". Ctrl-C stops n8n and the sandbox.`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		step('stopping n8n and the sandbox');
		await server.stop();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	server.child.on('exit', async (code) => {
		if (stopping) return;
		console.error(`[start] n8n exited (${code}); last log lines:\n${server.logs(30)}`);
		await sandbox.close();
		process.exit(1);
	});
}

main().catch((error) => {
	console.error(`[start] ${error.stack || error.message}`);
	process.exit(1);
});
