'use strict';
/**
 * Scenario 6: what installing the package costs. Tarball size, unpacked size, runtime dependency
 * count and the time a FRESH Node process needs to require every node and credential file the
 * package.json `n8n` block lists (n8n-workflow, which n8n has loaded anyway, is required first and
 * not timed; the time including it is reported separately).
 */

const fsp = require('node:fs/promises');
const path = require('node:path');
const os = require('node:os');
const n8n = require('../../test/e2e/lib/n8n');
const { dirSize, median } = require('./util');

const LOADER = `
const files = JSON.parse(process.argv[1]);
const wfPath = process.argv[2];
const t0 = process.hrtime.bigint();
if (process.argv[3] === 'preload') require(wfPath);
const t1 = process.hrtime.bigint();
for (const f of files) {
	const mod = require(f);
	for (const k of Object.keys(mod)) if (typeof mod[k] === 'function') new mod[k]();
}
const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ workflowMs: Number(t1 - t0) / 1e6, packageMs: Number(t2 - t1) / 1e6 }));
`;

async function measurePackageCost(tarball, { nodeBin, runs = 7, n8nWorkflowPath } = {}) {
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-unpacked-'));
	try {
		const x = await n8n.runProcess('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], {});
		if (x.code !== 0) throw new Error(`tar failed: ${x.stderr}`);
		const pkg = JSON.parse(await fsp.readFile(path.join(dir, 'package.json'), 'utf8'));
		const files = [...(pkg.n8n?.credentials || []), ...(pkg.n8n?.nodes || [])].map((f) => path.join(dir, f));
		const unpacked = await dirSize(dir);
		const tarballBytes = (await fsp.stat(tarball)).size;
		// n8n-workflow is a peer dependency: resolve it where n8n has it (NODE_PATH), like n8n does
		const nm = n8nWorkflowPath.slice(0, n8nWorkflowPath.lastIndexOf(`${path.sep}node_modules${path.sep}`) + `${path.sep}node_modules`.length);
		const env = { ...process.env, NODE_PATH: nm };
		const sample = async (mode) => {
			const r = await n8n.runProcess(nodeBin, ['-e', LOADER, JSON.stringify(files), n8nWorkflowPath, mode], { cwd: dir, env, timeoutMs: 60_000 });
			if (r.code !== 0) throw new Error(`loading the package failed:\n${r.stderr.slice(-3000)}`);
			return JSON.parse(r.stdout);
		};
		await sample('preload'); // warm the OS file cache once
		const own = [];
		const withWorkflow = [];
		for (let i = 0; i < runs; i++) {
			own.push((await sample('preload')).packageMs);
			const r = await sample('none'); // package files pull n8n-workflow in themselves
			withWorkflow.push(r.packageMs);
		}
		return {
			tarballBytes,
			unpackedBytes: unpacked.bytes,
			unpackedFiles: unpacked.files,
			runtimeDependencies: Object.keys(pkg.dependencies || {}),
			loadFiles: files.length,
			loadMs: median(own),
			loadMsSamples: own,
			loadMsIncludingN8nWorkflow: median(withWorkflow),
			loadNode: nodeBin,
		};
	} finally {
		await fsp.rm(dir, { recursive: true, force: true });
	}
}

module.exports = { measurePackageCost };
