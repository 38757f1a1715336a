'use strict';
/** Targets, console tables and the README Markdown table of the benchmark. */


const TARGETS = {
	s1: { text: '1 login', check: (r) => r.logins === 1 && r.failed === 0 },
	s2: { text: '0 rejected, 1 login or 1 renewal', check: (r) => r.rejected === 0 && r.logins + r.refreshes === 1 && r.failed === 0 },
	s3: { text: '1 login per n8n process', check: (r) => r.logins === 1 && r.failed === 0 },
	s4c: { text: '1 login', check: (r) => r.logins === 1 && r.failed === 0 },
	// the issue allows the requests in flight to be rejected; a known expiry lets the package do better
	s4e: { text: '0 rejected (known expiry), 1 login or renewal', check: (r) => r.rejected === 0 && r.logins + r.refreshes === 1 && r.failed === 0 },
	s5: { text: 'ratio ≥ 1.0', check: (r) => r.ratio >= 1.0 },
};

const LABEL = {
	s1: '1 cold credential',
	s2: '2 token past expiry',
	s3: '3 concurrent executions, cold',
	s4c: '4 HTTP Request node, cold',
	s4e: '4 HTTP Request node, expired',
	s5: '5 throughput vs static header',
};

const mark = (ok) => (ok === undefined ? '?' : ok ? '✓' : '✗');
const fmtMs = (ms) => (ms === undefined || ms === null ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtKb = (b) => `${(b / 1000).toFixed(1)} kB`;

function withTargets(scenarios) {
	for (const [id, r] of Object.entries(scenarios)) {
		if (!r || r.error) continue;
		r.target = TARGETS[id].text;
		r.ok = TARGETS[id].check(r);
	}
	return scenarios;
}

function wallText(r) {
	if (r.processMs !== undefined) return `${fmtMs(r.wallMs)} (${fmtMs(r.processMs)} w/ boot)`;
	return fmtMs(r.wallMs);
}

function throughputText(r) {
	const range = r.pairRatioMin !== undefined ? ` (runs ${r.pairRatioMin.toFixed(2)}–${r.pairRatioMax.toFixed(2)})` : '';
	const cpu = r.providerCpuMsPerItem !== undefined ? `; n8n CPU ${r.providerCpuMsPerItem.toFixed(2)} vs ${r.httpCpuMsPerItem.toFixed(2)} ms/item` : '';
	return `${r.providerItemsPerSec.toFixed(0)} vs ${r.httpItemsPerSec.toFixed(0)} items/s → ratio ${r.ratio.toFixed(2)}${range}${cpu}`;
}

function rowsOf(scenarios) {
	const rows = [];
	for (const id of Object.keys(LABEL)) {
		const r = scenarios[id];
		if (!r) continue;
		if (r.error) {
			rows.push([LABEL[id], '–', '–', '–', '–', '–', `ERROR: ${r.error.split('\n')[0].slice(0, 80)}`, TARGETS[id].text, '✗']);
			continue;
		}
		if (id === 's5') {
			rows.push([
				LABEL[id],
				String(r.logins),
				String(r.refreshes),
				String(r.rejected),
				String(r.total),
				`${r.okItems}/${r.items}`,
				throughputText(r),
				r.target,
				mark(r.ok),
			]);
			continue;
		}
		rows.push([LABEL[id], String(r.logins), String(r.refreshes), String(r.rejected), String(r.total), `${r.okItems}/${r.items}`, wallText(r), r.target, mark(r.ok)]);
	}
	return rows;
}

const HEAD = ['scenario', 'logins', 'refreshes', 'rejected', 'total calls', 'items ok', 'wall time', 'target', ''];

function textTable(head, rows) {
	const w = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]].length)));
	const line = (cells) => cells.map((c, i) => c + ' '.repeat(w[i] - [...c].length)).join('  ');
	return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(head, rows) {
	const esc = (s) => String(s).replace(/\|/g, '\\|');
	return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function costRows(cost) {
	if (!cost || cost.error) return [['package cost', `ERROR: ${String(cost?.error).split('\n').slice(0, 6).join(' ').slice(0, 200)}`, '', '✗']];
	return [
		['runtime dependencies', String(cost.runtimeDependencies.length), '0', mark(cost.checks.deps)],
		['packed tarball', fmtKb(cost.tarballBytes), '< 150 kB', mark(cost.checks.tarball)],
		['unpacked', `${fmtKb(cost.unpackedBytes)} (${cost.unpackedFiles} files)`, '–', ''],
		[`require ${cost.loadFiles} node + credential files`, `${cost.loadMs.toFixed(1)} ms (${cost.loadMsIncludingN8nWorkflow.toFixed(0)} ms incl. first load of n8n-workflow)`, '< 100 ms', mark(cost.checks.load)],
	];
}

function checkCost(cost) {
	if (!cost || cost.error) return cost;
	cost.checks = { deps: cost.runtimeDependencies.length === 0, tarball: cost.tarballBytes < 150_000, load: cost.loadMs < 100 };
	cost.ok = Object.values(cost.checks).every(Boolean);
	return cost;
}

function consoleReport(results) {
	const out = [];
	for (const [key, p] of Object.entries(results.providers)) {
		out.push(`\n### ${key} (${p.credentialType})`);
		out.push(textTable(HEAD, rowsOf(p.scenarios)));
	}
	out.push('\n### package cost (scenario 6)');
	out.push(textTable(['measure', 'figure', 'target', ''], costRows(results.packageCost)));
	return out.join('\n');
}

function markdownReport(results) {
	const m = results.machine;
	const out = [];
	out.push(`Benchmark (\`npm run bench\`${results.options.quick ? ' --quick' : ''}), n8n ${results.n8nVersion} on Node ${m.n8nNode}, ${m.cpus}× ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${results.startedAt.slice(0, 10)}. Wall times of single executions exclude n8n's ~4 s CLI boot.`);
	const head = ['provider', ...HEAD];
	const rows = [];
	for (const [key, p] of Object.entries(results.providers)) for (const r of rowsOf(p.scenarios)) rows.push([key, ...r]);
	out.push('', mdTable(head, rows), '');
	out.push(mdTable(['package cost', 'figure', 'target', ''], costRows(results.packageCost)));
	return out.join('\n');
}

module.exports = { TARGETS, withTargets, checkCost, consoleReport, markdownReport };
