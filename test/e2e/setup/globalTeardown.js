'use strict';
/** Removes the n8n homes this run's test files registered in test-output/e2e/homes/ (they clean up themselves normally). */
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function globalTeardown() {
	const dir = path.resolve(__dirname, '..', '..', '..', 'test-output', 'e2e', 'homes');
	if (!fs.existsSync(dir)) return;
	for (const f of fs.readdirSync(dir)) {
		try {
			const { home, runId } = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
			if (runId !== process.env.E2E_RUN_ID) continue; // another (concurrent) e2e run's home
			if (home && home.includes('n8n-home-')) fs.rmSync(home, { recursive: true, force: true });
			fs.rmSync(path.join(dir, f), { force: true });
		} catch {}
	}
};
