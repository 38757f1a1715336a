'use strict';

/**
 * Jest `setupFiles` entry (runs in every test file before anything else is required).
 *
 * n8n-core creates its InstanceSettings (and writes `<N8N_USER_FOLDER>/.n8n/config` with a
 * generated encryption key) the first time something asks the DI container for them. Without
 * N8N_USER_FOLDER that is the real ~/.n8n of whoever runs the tests. Point it at a fresh temp
 * folder per test file instead, before n8n-core can be loaded.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');

function ensureN8nUserFolder() {
	if (process.env.N8N_USER_FOLDER && process.env.N8N_ENGINE_HARNESS_KEEP_USER_FOLDER === '1') {
		return process.env.N8N_USER_FOLDER;
	}
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-engine-harness-'));
	process.env.N8N_USER_FOLDER = folder;
	return folder;
}

ensureN8nUserFolder();
// Quiet, deterministic n8n-core: no diagnostics, no telemetry, no version checks.
process.env.N8N_DIAGNOSTICS_ENABLED = process.env.N8N_DIAGNOSTICS_ENABLED ?? 'false';
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
// n8n-core checks it on load; the harness stores credentials as plain JSON anyway.
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ?? 'false';

module.exports = { ensureN8nUserFolder };
