'use strict';
/**
 * Debian's Chromium for the browser tests: installed with apt-get when missing (no browser
 * download by playwright), launched headless through playwright-core with the flags that work on
 * a CI box without a GPU or sandbox, on a fresh profile that is removed on close.
 *
 *   const bin = chromium.ensureChromium();          // path, or throws with apt's output
 *   const browser = await chromium.launch();        // playwright Browser; browser.close() cleans up
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const LAUNCH_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--hide-scrollbars',
];

function which(bin) {
	return spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
}

/** The chromium binary; `apt-get install -y chromium` first when there is none (≈1-2 min). */
function ensureChromium() {
	let bin = ['chromium', 'chromium-browser'].map(which).find(Boolean);
	if (bin) return bin;
	const apt = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], { encoding: 'utf8', timeout: 8 * 60_000 });
	bin = which('chromium');
	if (!bin) throw new Error(`Chromium is not installed and "apt-get install -y chromium" failed (exit ${apt.status}):\n${(apt.stdout + apt.stderr).slice(-2000)}`);
	return bin;
}

/** A headless Chromium driven by playwright-core, on a throwaway profile. */
async function launch() {
	const { chromium, selectors } = require('playwright-core');
	// n8n's editor marks its elements with data-test-id (playwright's default is data-testid)
	selectors.setTestIdAttribute('data-test-id');
	const executablePath = ensureChromium();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		args: LAUNCH_FLAGS,
		viewport: { width: 1440, height: 900 },
	});
	const close = context.close.bind(context);
	context.close = async () => {
		await close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
	};
	return context;
}

module.exports = { ensureChromium, launch, LAUNCH_FLAGS };
