'use strict';
/** Small helpers for the benchmark (no dependencies). */

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function median(values) {
	const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
	if (!v.length) return undefined;
	const m = Math.floor(v.length / 2);
	return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** A 16-character alphanumeric id (n8n's own ids look like that) with at least one digit. */
function id16(...parts) {
	const s = parts.join('').replace(/[^A-Za-z0-9]/g, '');
	return (s + '0000000000000000').slice(0, 16);
}

function log(msg) {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Parses argv: --providers a,b  --quick  --no-build  --json FILE  --help */
function parseArgs(argv, allProviders) {
	const opts = { providers: [...allProviders], quick: false, build: true, out: path.join('bench-results', 'latest.json'), help: false, queue: true, queueOnly: false, queueSeconds: 120 };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			const eq = a.indexOf('=');
			if (eq >= 0) return a.slice(eq + 1);
			if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
			return argv[++i];
		};
		if (a === '--quick') opts.quick = true;
		else if (a === '--no-queue') opts.queue = false;
		else if (a === '--queue-only') opts.queueOnly = true;
		else if (a.startsWith('--queue-seconds')) opts.queueSeconds = Number(val());
		else if (a === '--no-build') opts.build = false;
		else if (a === '--help' || a === '-h') opts.help = true;
		else if (a.startsWith('--providers')) {
			const list = val()
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
			const unknown = list.filter((p) => !allProviders.includes(p));
			if (unknown.length) throw new Error(`unknown provider(s) ${unknown.join(', ')}; known: ${allProviders.join(', ')}`);
			opts.providers = allProviders.filter((p) => list.includes(p));
		} else if (a.startsWith('--json')) opts.out = val();
		else throw new Error(`unknown argument ${a} (try --help)`);
	}
	return opts;
}

/** Total size in bytes of every file below dir. */
async function dirSize(dir) {
	let total = 0;
	let files = 0;
	for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) {
			const s = await dirSize(p);
			total += s.bytes;
			files += s.files;
		} else if (e.isFile()) {
			total += (await fsp.stat(p)).size;
			files++;
		}
	}
	return { bytes: total, files };
}

/** Copies a file or directory tree (fs.cpSync is fine for the small source trees copied here). */
/** CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is none. */
function processCpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
	} catch {
		return undefined;
	}
}
const CLOCK_TICKS = 100; // Linux USER_HZ

function copyIfExists(from, to) {
	if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true });
}

module.exports = { sleep, median, id16, log, parseArgs, dirSize, copyIfExists, processCpuMs };
