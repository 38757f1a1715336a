/**
 * n8n's own community-package scanner (@n8n/scan-community-package, the code behind
 * `npx @n8n/scan-community-package <name>`), minus what needs the package on the registry.
 * The real scan checks npm provenance, then lints two things with its own ESLint config:
 *  - the source the provenance attests: the folder of the repository whose package.json has the
 *    package's name (findPackageRoot), files package.json + {nodes,credentials}/**;
 *  - the published tarball: its **\/*.js and package.json.
 * This runs the same exported functions on this repository and on the unpacked tarballs.
 * analyzePackage gives the verdict (errors fail it); it drops warnings, so they are listed from a
 * second lint with the scanner's exported config (buildScanConfig) on the same files.
 *
 *   node communityScan.mjs '<json: { repo, packages: [{ name, dir }] }>'  → one JSON line on stdout
 */
import glob from 'fast-glob';
import { ESLint } from 'eslint';
import { analyzePackage, buildScanConfig, findPackageRoot, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json']; // what analyzePackageByName lints in the tarball

async function leg(dir, patterns) {
	const verdict = await analyzePackage(dir, patterns);
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = await eslint.lintFiles(files);
	const messages = (severity) =>
		results.flatMap((r) => r.messages.filter((m) => m.severity === severity).map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line} ${m.ruleId}: ${m.message}`));
	return { passed: verdict.passed, message: verdict.message, details: verdict.details, files: files.length, errors: messages(2), warnings: messages(1) };
}

const { repo, packages } = JSON.parse(process.argv[2]);
const report = [];
for (const { name, dir } of packages) {
	const sourceRoot = findPackageRoot(repo, name);
	report.push({
		name,
		source: sourceRoot ? { root: sourceRoot.slice(repo.length + 1) || '.', ...(await leg(sourceRoot, SOURCE_FILE_PATTERNS)) } : { root: null },
		tarball: await leg(dir, TARBALL_FILE_PATTERNS),
	});
}
console.log(JSON.stringify(report));
