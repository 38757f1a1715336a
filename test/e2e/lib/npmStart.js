'use strict';
/**
 * `npm start` (scripts/start.js) as a child process for the tests that judge what a user of it sees:
 * n8n on a free N8N_PORT, the sandbox on its fixed ports, the owner login it prints.
 *
 *   const app = await npmStart.start();   // { url, owner, cookie, rest, sandbox, child, output(), exited() }
 *   await app.rest('GET', '/rest/workflows');
 *   app.sandbox.edgeIq.baseUrl;            // what each sandbox provider says about itself
 *   await app.kill();                      // SIGKILL to the group (app.child.pid for SIGINT tests)
 *   const same = await npmStart.attach('http://127.0.0.1:5678'); // one that is already running
 */
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const n8n = require('./n8n');
const { FIXED_PORTS } = require('../../sandbox');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DEFAULT_OWNER = { email: 'owner@example.com', password: 'Owner-Passw0rd!' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const portFree = (p) =>
	new Promise((resolve) => {
		const s = net.createServer();
		s.once('error', () => resolve(false));
		s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
	});

/** What each sandbox provider on its fixed port says about itself: { baseUrl, authUrl?, ... } by key. */
async function sandboxInfo() {
	const info = {};
	for (const [key, port] of Object.entries(FIXED_PORTS)) {
		const body = await (await fetch(`http://127.0.0.1:${port}/__sandbox/info`)).json();
		info[key] = body.data ?? body;
	}
	return info;
}

/** Logs in as the owner: the session cookie and a REST helper that sends it. */
async function session(url, owner) {
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
	});
	const setCookie = login.headers.getSetCookie();
	await login.text();
	const cookie = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	async function rest(method, p, body) {
		const res = await fetch(`${url}${p}`, { method, headers: { 'content-type': 'application/json', cookie }, body: body ? JSON.stringify(body) : undefined });
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {}
		return { status: res.status, json, text };
	}
	return { cookie, rest };
}

async function start({ timeoutMs = 12 * 60_000 } = {}) {
	const busy = [];
	for (const [k, p] of Object.entries(FIXED_PORTS)) if (!(await portFree(p))) busy.push(`${k}:${p}`);
	if (busy.length) throw new Error(`npm start needs the sandbox's fixed ports, busy: ${busy.join(', ')} (is another \`npm start\` running?)`);
	const port = await n8n.getFreePort();
	let output = '';
	let exited = null;
	const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.js')], {
		cwd: ROOT,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		// NODE_ENV: jest's "test" silences n8n's logger and startN8n would never see it ready
		env: { ...process.env, N8N_PORT: String(port), NODE_ENV: 'production' },
	});
	child.stdout.setEncoding('utf8').on('data', (d) => (output += d));
	child.stderr.setEncoding('utf8').on('data', (d) => (output += d));
	child.on('exit', (code, signal) => (exited = { code, signal }));
	const kill = async () => {
		if (exited) return;
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {}
		for (let i = 0; i < 50 && !exited; i++) await sleep(100);
	};
	const t0 = Date.now();
	let url;
	let owner;
	for (;;) {
		const m = /n8n editor\s+(http:\/\/\S+)\s+\(log in: (\S+) \/ (\S+);/.exec(output);
		if (m && /Ctrl-C stops/.test(output)) {
			url = m[1].replace('localhost', '127.0.0.1');
			owner = { email: m[2], password: m[3] };
			break;
		}
		if (exited) throw new Error(`npm start exited (${JSON.stringify(exited)}) before printing the editor URL:\n${output.slice(-4000)}`);
		if (Date.now() - t0 > timeoutMs) {
			await kill();
			throw new Error(`npm start printed no editor URL in ${timeoutMs / 60_000} min:\n${output.slice(-4000)}`);
		}
		await sleep(250);
	}
	return { url, port, owner, child, kill, ...(await session(url, owner)), sandbox: await sandboxInfo(), output: () => output, exited: () => exited };
}

async function attach(url, owner = DEFAULT_OWNER) {
	return { url, owner, ...(await session(url, owner)), sandbox: await sandboxInfo(), output: () => '', exited: () => null, kill: async () => {} };
}

module.exports = { start, attach, portFree };
