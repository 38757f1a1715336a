'use strict';
/**
 * Which files of dist/ a set of compiled entry points (a node, a credential) needs: every module
 * reached through relative require() calls, every `file:` icon they name, each node's codex
 * (<Name>.node.json), and the .d.ts / .js.map that tsc wrote beside each module (the all-in-one
 * package ships those too). Read from the compiled output, so a new import in the source is
 * followed without touching the packaging.
 */
const fs = require('node:fs');
const path = require('node:path');

const RELATIVE_REQUIRE = /\brequire\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
const ICON_FILE = /["']file:([^"']+)["']/g;

function resolveModule(fromFile, spec) {
	const base = path.resolve(path.dirname(fromFile), spec);
	for (const candidate of [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')]) {
		if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
	}
	throw new Error(`${fromFile} requires ${spec}, which is not in the build output`);
}

/**
 * @param {string} root     the directory holding dist/ (paths are returned relative to it)
 * @param {string[]} entries  entry files relative to root, e.g. dist/nodes/Elyssa/Elyssa.node.js
 * @returns {string[]} sorted relative paths
 */
function filesNeeded(root, entries) {
	const needed = new Set();
	const pending = entries.map((e) => path.resolve(root, e));
	const add = (abs) => {
		const rel = path.relative(root, abs);
		if (rel.startsWith('..')) throw new Error(`${abs} lies outside ${root}`);
		needed.add(rel.split(path.sep).join('/'));
	};
	const seen = new Set();
	while (pending.length) {
		const file = pending.pop();
		if (seen.has(file)) continue;
		seen.add(file);
		add(file);
		if (!file.endsWith('.js')) continue;
		const code = fs.readFileSync(file, 'utf8');
		for (const m of code.matchAll(RELATIVE_REQUIRE)) pending.push(resolveModule(file, m[1]));
		for (const m of code.matchAll(ICON_FILE)) {
			const icon = path.resolve(path.dirname(file), m[1]);
			if (!fs.existsSync(icon)) throw new Error(`${file} names icon ${m[1]}, which is not in the build output`);
			add(icon);
		}
		for (const sibling of [file.replace(/\.js$/, '.d.ts'), `${file}.map`, file.replace(/\.node\.js$/, '.node.json')]) {
			if (sibling !== file && fs.existsSync(sibling)) add(sibling);
		}
	}
	return [...needed].sort();
}

module.exports = { filesNeeded };
