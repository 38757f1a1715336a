'use strict';

/**
 * Jest for everything except the real-n8n end-to-end suite (test/e2e, run by `npm run test:e2e`):
 *   - test/**\/*.test.ts  TypeScript through ts-jest (transpile only: fast, no type check here;
 *                         `npm run build` / lint are where types are checked)
 *   - test/**\/*.test.js  plain CommonJS (engine harness, sandbox), no transform
 * Every test file starts with test/engine/setup.js (N8N_USER_FOLDER → temp dir before n8n-core loads).
 */

const common = {
	rootDir: __dirname,
	testEnvironment: 'node',
	setupFiles: ['<rootDir>/test/engine/setup.js'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/.cache/', '<rootDir>/dist/'],
	modulePathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/dist/package.json'],
	watchPathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/dist/'],
};

module.exports = {
	testTimeout: 30000,
	projects: [
		{
			...common,
			displayName: 'ts',
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			moduleFileExtensions: ['ts', 'js', 'json'],
			transform: {
				'^.+\\.ts$': [
					'ts-jest',
					{
						diagnostics: false,
						tsconfig: {
							// transpile each file on its own (ts.transpileModule): fast, no type check
							isolatedModules: true,
							target: 'es2022',
							module: 'commonjs',
							moduleResolution: 'node',
							esModuleInterop: true,
							resolveJsonModule: true,
							strict: true,
							useUnknownInCatchVariables: false,
							skipLibCheck: true,
							sourceMap: true,
							types: ['jest', 'node'],
						},
					},
				],
			},
		},
		{
			...common,
			displayName: 'js',
			testMatch: ['<rootDir>/test/**/*.test.js'],
			moduleFileExtensions: ['js', 'json'],
			transform: {},
		},
	],
};
