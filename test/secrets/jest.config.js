'use strict';
/**
 * The secrets scan, run last (after the engine and e2e suites produced their artifacts):
 *   npx jest -c test/secrets/jest.config.js
 * It runs artifacts.scan.js (the real scan) and the scanner's self-test.
 */
const path = require('node:path');

module.exports = {
	rootDir: path.resolve(__dirname, '..', '..'),
	testMatch: ['<rootDir>/test/secrets/*.scan.js', '<rootDir>/test/secrets/*.test.js'],
	testEnvironment: 'node',
	transform: {},
	verbose: true,
};
