'use strict';
/**
 * The `npm start` experience: scripts/start.js as a child process (n8n on a free N8N_PORT; the
 * sandbox on its fixed ports 4101-4105; home .cache/start-home), then through n8n's REST API as
 * the owner it printed: the five example workflows and credentials exist, one example runs green
 * (POST /rest/workflows/:id/run, as the editor's "Execute workflow" does) and hits the sandbox;
 * headless Chromium renders the editor (screenshot in test-output/e2e/); SIGINT stops everything.
 */
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const { spawnSync } = require('node:child_process');
const npmStart = require('../lib/npmStart');
const kit = require('../lib/e2eKit');
const { ensureChromium } = require('../lib/chromium');
const { FIXED_PORTS } = require('../../sandbox');
const { EXAMPLE_CREDENTIALS } = require('../../../examples/sandboxCredentials');

const OUT = path.join(kit.ROOT, 'test-output', 'e2e');
/** npm start as a user runs it (test/e2e/lib/npmStart.js): { url, port, cookie, rest, child, output(), exited(), kill() } */
let app;

const portAnswers = (p) =>
	new Promise((resolve) => {
		const sock = net.connect(p, '127.0.0.1');
		sock.once('connect', () => {
			sock.destroy();
			resolve(true);
		});
		sock.once('error', () => resolve(false));
	});

function groupAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

const rest = (...args) => app.rest(...args);
const list = (json) => (Array.isArray(json?.data) ? json.data : Array.isArray(json?.data?.data) ? json.data.data : []);

function exampleWorkflows() {
	const dir = path.join(kit.ROOT, 'examples');
	return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

beforeAll(async () => {
	app = await npmStart.start();
}, 15 * 60_000);

afterAll(async () => {
	if (!app) return;
	await app.kill();
	kit.recordArtifact(kit.SUITE, 'npm-start-output', app.output());
});

test('npm start prints the editor URL on the requested N8N_PORT and the owner login works', () => {
	expect(app.url).toBe(`http://127.0.0.1:${app.port}`);
	expect(app.cookie).toMatch(/^n8n-auth=/);
});

test('the five example workflows and the five sandbox credentials exist in n8n', async () => {
	const wfs = await rest('GET', '/rest/workflows');
	expect(wfs.status).toBe(200);
	const ids = list(wfs.json).map((w) => w.id);
	for (const w of exampleWorkflows()) expect(ids).toContain(w.id);
	const creds = await rest('GET', '/rest/credentials');
	expect(creds.status).toBe(200);
	const credIds = list(creds.json).map((c) => c.id);
	for (const c of Object.values(EXAMPLE_CREDENTIALS)) expect(credIds).toContain(c.id);
});

test('an example workflow (EdgeIQ: who am I) executes through the REST API like "Execute workflow", green, against the sandbox', async () => {
	const wf = exampleWorkflows().find((w) => w.nodes.some((n) => n.type.endsWith('.edgeIq')));
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	const statsUrl = `http://127.0.0.1:${FIXED_PORTS.edgeIq}/__sandbox/stats`;
	const before = await (await fetch(statsUrl)).json();
	const run = await rest('POST', `/rest/workflows/${wf.id}/run`, { triggerToStartFrom: { name: trigger.name } });
	expect({ status: run.status, body: run.text.slice(0, 300) }).toMatchObject({ status: 200 });
	const executionId = run.json.data.executionId;
	expect(executionId).toBeDefined();
	let exec;
	for (let i = 0; i < 120; i++) {
		exec = await rest('GET', `/rest/executions/${executionId}`);
		if (exec.status === 200 && !['new', 'running', 'waiting'].includes(exec.json?.data?.status)) break;
		await kit.sleep(500);
	}
	kit.recordArtifact(kit.SUITE, 'npm-start-example-execution', exec.json ?? exec.text);
	expect(exec.json.data.status).toBe('success');
	const after = await (await fetch(statsUrl)).json();
	const s = (x) => x.data ?? x;
	expect(s(after).byRoute['GET /api/v1/platform/me'] ?? 0).toBe((s(before).byRoute['GET /api/v1/platform/me'] ?? 0) + 1);
	expect(s(after).rejected).toBe(s(before).rejected);
});

test('headless Chromium renders the n8n editor (installed with apt-get when missing); screenshot saved', async () => {
	const bin = ensureChromium();
	fs.mkdirSync(OUT, { recursive: true });
	const shot = path.join(OUT, 'npm-start-editor.png');
	fs.rmSync(shot, { force: true });
	const common = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--window-size=1280,800', '--virtual-time-budget=20000'];
	const dom = spawnSync(bin, [...common, '--dump-dom', `${app.url}/signin`], { encoding: 'utf8', timeout: 120_000, maxBuffer: 50e6 });
	expect(dom.status).toBe(0);
	fs.writeFileSync(path.join(OUT, 'npm-start-editor.dom.html'), dom.stdout);
	expect(dom.stdout).toMatch(/<title>n8n/i);
	expect(dom.stdout).toMatch(/Sign in/); // rendered by the editor's JavaScript, not in the static page
	const r = spawnSync(bin, [...common, `--screenshot=${shot}`, `${app.url}/signin`], { encoding: 'utf8', timeout: 120_000 });
	expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr.slice(-1000) }).toEqual({ status: 0, stderr: '' });
	expect(fs.statSync(shot).size).toBeGreaterThan(5000);
});

test('SIGINT stops n8n and the sandbox: the process group is gone, the ports are closed', async () => {
	const { pid } = app.child;
	process.kill(pid, 'SIGINT');
	const t0 = Date.now();
	while (!app.exited() && Date.now() - t0 < 60_000) await kit.sleep(200);
	expect(app.exited()).toEqual({ code: 0, signal: null });
	while (groupAlive(pid) && Date.now() - t0 < 30_000) await kit.sleep(200);
	expect(groupAlive(pid)).toBe(false);
	expect(await portAnswers(app.port)).toBe(false);
	for (const p of Object.values(FIXED_PORTS)) expect(await portAnswers(p)).toBe(false);
	expect(app.output()).toMatch(/stopping n8n and the sandbox/);
});
