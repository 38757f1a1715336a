'use strict';
/**
 * End-to-end suite: the packed package installed in a REAL n8n (the newest, see lib/n8n.js) against
 * the provider sandbox; versions.e2e.test.js runs the smoke on every n8n of the version matrix.
 * Run in band: `npx jest -c test/e2e/jest.config.js --runInBand`.
 * globalSetup installs/reuses n8n and builds + packs the package once; the tarball path reaches
 * the tests through process.env.E2E_TARBALL and test-output/e2e/tarball.json.
 */
const path = require('node:path');

module.exports = {
	rootDir: path.resolve(__dirname, '..', '..'),
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.js'],
	testEnvironment: 'node',
	transform: {},
	globalSetup: '<rootDir>/test/e2e/setup/globalSetup.js',
	globalTeardown: '<rootDir>/test/e2e/setup/globalTeardown.js',
	testTimeout: 5 * 60_000,
	maxWorkers: 1,
	verbose: true,
};
