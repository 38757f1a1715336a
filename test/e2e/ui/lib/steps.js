'use strict';
/**
 * Named steps with a screenshot each: test-output/ui/<group>/<nn>-<step>.png after a step passes,
 * <nn>-<step>.FAILED.png when it fails, and the thrown error names the step and that screenshot.
 *
 *   const steps = stepRecorder(page, 'edgeIq');
 *   await steps.run('credential modal shows the fields', async () => { ... });
 */
const fs = require('node:fs');
const path = require('node:path');

const OUT = path.resolve(__dirname, '..', '..', '..', '..', 'test-output', 'ui');

function slug(text) {
	return String(text)
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 80);
}

function stepRecorder(page, group) {
	const dir = path.join(OUT, slug(group));
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	let n = 0;
	const shots = [];

	async function shoot(file) {
		try {
			await page.screenshot({ path: file, animations: 'disabled', timeout: 15_000 });
			return file;
		} catch (error) {
			return `(no screenshot: ${error.message.split('\n')[0]})`;
		}
	}

	async function run(name, fn) {
		n += 1;
		const base = path.join(dir, `${String(n).padStart(2, '0')}-${slug(name)}`);
		let result;
		try {
			result = await fn();
		} catch (error) {
			const shot = await shoot(`${base}.FAILED.png`);
			const wrapped = new Error(`step "${name}" (${group}) failed: ${error.message}\nscreenshot: ${shot}`);
			wrapped.stack = `${wrapped.message}\n${error.stack}`;
			throw wrapped;
		}
		shots.push(await shoot(`${base}.png`));
		return result;
	}

	return { run, shoot, dir, shots };
}

module.exports = { stepRecorder, OUT, slug };
