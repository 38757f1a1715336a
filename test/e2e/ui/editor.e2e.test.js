'use strict';
/**
 * The editor as a person uses it, judged by a real browser (Debian's Chromium through
 * playwright-core) against `npm start`'s n8n and sandbox. Per provider: the node panel finds the
 * node with its icon (light and dark theme); the credential is created in its modal (fields, mode
 * switches, masked secrets, a wrong secret's provider-named message, then success); every resource
 * and operation shows its documented fields without an issue badge; the node executes from the
 * editor against the sandbox; the example workflow runs green; the credential is offered in the
 * HTTP Request node's "Predefined Credential Type". Screenshots: test-output/ui/<provider>/.
 */
const fs = require('node:fs');
const path = require('node:path');
const npmStart = require('../lib/npmStart');
const chromium = require('../lib/chromium');
const kit = require('../lib/e2eKit');
const ui = require('./lib/editor');
const { stepRecorder } = require('./lib/steps');
const { providers } = require('./lib/providers');

const SUITE = 'ui';
let app;
let browser;
let page;
let timings = {};

function exampleWorkflowOf(key) {
	const dir = path.join(kit.ROOT, 'examples');
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
		.find((w) => w.nodes.some((n) => n.type.endsWith(`.${key}`)));
}

async function sandboxCalls(key) {
	const { FIXED_PORTS } = require('../../sandbox');
	const stats = await (await fetch(`http://127.0.0.1:${FIXED_PORTS[key]}/__sandbox/stats`)).json();
	return (stats.data ?? stats).total;
}

/** The tokens the sandbox issued during this run, so the secrets scan looks for them in what the browser read. */
async function recordIssuedTokens() {
	const { FIXED_PORTS } = require('../../sandbox');
	const tokens = [];
	for (const port of Object.values(FIXED_PORTS)) {
		const body = await (await fetch(`http://127.0.0.1:${port}/__sandbox/tokens`)).json();
		tokens.push(...((body.data ?? body).tokens ?? []));
	}
	const dir = path.join(kit.ROOT, 'test-output', 'artifacts', SUITE);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'issued-tokens.json'), JSON.stringify({ suite: SUITE, tokens }));
}

beforeAll(async () => {
	let t0 = Date.now();
	chromium.ensureChromium();
	timings.chromiumReady = Date.now() - t0;
	t0 = Date.now();
	// UI_EDITOR_URL: iterate on this suite against an `npm start` that is already running
	app = process.env.UI_EDITOR_URL ? await npmStart.attach(process.env.UI_EDITOR_URL) : await npmStart.start();
	timings.npmStart = Date.now() - t0;
	browser = await chromium.launch();
	page = browser.pages()[0] ?? (await browser.newPage());
	page.setDefaultTimeout(Number(process.env.UI_TIMEOUT_MS || 60_000));
	page.setDefaultNavigationTimeout(120_000);
	// "Leave without saving?" when a step moves on from an unsaved workflow: leave, as a person would
	page.on('dialog', (dialog) => dialog.accept().catch(() => {}));
	await stepRecorder(page, 'sign-in').run('sign in as the owner npm start printed', () => ui.signIn(page, app.url, app.owner));
}, 15 * 60_000);

afterAll(async () => {
	if (browser) await browser.close();
	if (app) {
		kit.recordArtifact(SUITE, 'npm-start-output', app.output());
		await recordIssuedTokens().catch((error) => console.warn(`[ui] issued tokens not recorded: ${error.message}`));
		await app.kill();
	}
	console.log(`[ui] chromium ready in ${(timings.chromiumReady / 1000).toFixed(1)} s, npm start ready in ${(timings.npmStart / 1000).toFixed(1)} s`);
});

const PROVIDERS = providers();

describe.each(PROVIDERS.map((p) => [p.node, p]))('%s in the editor', (_name, p) => {
	let steps;
	beforeAll(() => {
		steps = stepRecorder(page, p.key);
	});

	test('the node panel finds it by name, with its icon in the light and the dark theme', async () => {
		await steps.run('open a new workflow', () => ui.newWorkflow(page, app.url));
		for (const theme of ['dark', 'light']) {
			const icon = await steps.run(`search the node panel (${theme} theme)`, async () => {
				await page.emulateMedia({ colorScheme: theme });
				const item = await ui.searchNodePanel(page, p.node);
				await item.getByTestId('node-creator-item-description').waitFor();
				return ui.iconOf(item);
			});
			expect(icon.src).toMatch(new RegExp(`/${p.icon}${theme === 'dark' ? '\\.dark' : ''}\\.svg$`));
			expect(icon.loaded).toBe(true);
		}
	});

	test('the credential is created in its modal: fields, mode switches, masked secret, wrong secret named, then success', async () => {
		const c = p.credential;
		await steps.run(`add the node with the action "${p.execute.action}"`, async () => {
			if (!(await page.getByTestId('node-creator').isVisible())) await ui.newWorkflow(page, app.url);
			await ui.addNodeWithAction(page, p.node, p.execute.action);
		});
		const modal = page.getByTestId('credential-edit-dialog');
		const labels = await steps.run('open "Create new credential" from the node', async () => {
			await page.getByTestId('node-credentials-select').click();
			await page.getByTestId('node-credentials-select-item-new').click();
			await modal.getByTestId(`parameter-input-${Object.keys(c.fields)[0]}`).waitFor();
			return ui.labelsOf(modal);
		});
		for (const label of Object.values(c.fields)) expect(labels).toContain(label);
		await expect(page.getByText(p.credentialType, { exact: true }).first().isVisible()).resolves.toBe(true); // modal header

		for (const mode of c.modes) {
			const shown = await steps.run(`switch ${mode.param} to "${mode.option}"`, async () => {
				await ui.choose(page, modal, mode.param, mode.option);
				return ui.labelsOf(modal);
			});
			for (const label of Object.values(mode.shows)) expect(shown).toContain(label);
			for (const name of mode.hides) expect(await ui.param(modal, name).count()).toBe(0);
			for (const name of Object.keys(mode.shows)) expect(await ui.param(modal, name).locator('input').getAttribute('type')).toBe('password');
			await steps.run(`switch ${mode.param} back to "${mode.option === mode.back ? mode.option : mode.back}"`, async () => {
				await ui.choose(page, modal, mode.param, mode.back);
				for (const name of mode.hides) await ui.param(modal, name).waitFor();
			});
		}

		const message = await steps.run('save with a wrong secret: the test fails with our provider-named message', async () => {
			for (const [name, value] of Object.entries(c.values(app.sandbox))) await ui.fill(modal, name, value);
			await ui.fill(modal, c.secret, `not-the-${c.secret}-1`);
			await page.getByTestId('credential-save-button').click();
			await modal.getByText('More details').click();
			const text = await modal.innerText();
			kit.recordArtifact(SUITE, `${p.key}-credential-modal-wrong-secret`, text);
			return text;
		});
		expect(await ui.param(modal, c.secret).locator('input').getAttribute('type')).toBe('password');
		expect(message).toMatch(/Couldn.t connect with these settings/);
		const detail = message.split('\n').find((line) => p.wrongMessage.test(line));
		expect(detail).toBeDefined();

		await steps.run('name it and save with the right secret: the modal closes on success', async () => {
			// the name and the Save button sit in the modal's header, outside credential-edit-dialog
			await page.getByTestId('credential-name').click();
			await page.getByTestId('credential-name').getByTestId('inline-edit-input').fill(p.browserCredential);
			await page.keyboard.press('Enter');
			await ui.fill(modal, c.secret, c.right);
			await page.getByTestId('credential-save-button').click();
			await modal.waitFor({ state: 'hidden' });
		});
		const reopened = await steps.run('reopen it from the node: the test reads success', async () => {
			await page.getByTestId('credential-edit-button').click();
			await modal.getByTestId('credentials-config-container-test-success').waitFor();
			return modal.innerText();
		});
		expect(reopened).toContain('Connection tested successfully');
		expect(await ui.param(modal, c.secret).locator('input').getAttribute('type')).toBe('password');
		await page.keyboard.press('Escape'); // closes the modal, and the NDV with it
		await modal.waitFor({ state: 'hidden' });
		await ui.openNode(page, p.execute.action); // n8n names a node added from an action after it
		expect(await page.getByTestId('node-credentials-select').locator('input').inputValue()).toBe(p.browserCredential);
	});

	test('every resource and operation shows its documented fields, without an issue badge once its required fields are filled', async () => {
		const ndv = page.getByTestId(ui.NDV);
		const panel = ndv.getByTestId('node-parameters');
		await ui.openNode(page, p.execute.action);
		for (const op of p.operations) {
			const labels = await steps.run(`choose ${op.resource} → ${op.operation}`, async () => {
				await ui.choose(page, panel, 'resource', op.resource);
				await ui.choose(page, panel, 'operation', op.operation);
				const shown = await ui.labelsOf(panel);
				for (const [name, value] of Object.entries(op.fill ?? {})) await ui.fill(panel, name, value);
				await page.waitForTimeout(300); // issues are recomputed after an edit settles
				return shown;
			});
			expect({ op: `${op.resource} → ${op.operation}`, labels }).toEqual({ op: `${op.resource} → ${op.operation}`, labels: expect.arrayContaining(['Credential', 'Resource', 'Operation', ...op.fields]) });
			expect({ op: `${op.resource} → ${op.operation}`, issues: await panel.getByTestId('parameter-issues').count() }).toEqual({ op: `${op.resource} → ${op.operation}`, issues: 0 });
			if (op.switch) {
				const after = await steps.run(`${op.resource} → ${op.operation}: ${op.switch.param} ${op.switch.option} shows ${op.switch.shows}`, async () => {
					await ui.choose(page, panel, op.switch.param, op.switch.option);
					return ui.labelsOf(panel);
				});
				expect(after).toContain(op.switch.shows);
			}
			if (op.returnAll) {
				await steps.run(`${op.resource} → ${op.operation}: Return All hides Limit`, async () => {
					await ui.param(panel, 'returnAll').locator('.el-switch').click();
					await ui.param(panel, 'limit').waitFor({ state: 'detached' });
					await ui.param(panel, 'returnAll').locator('.el-switch').click();
					await ui.param(panel, 'limit').waitFor();
				});
			}
		}
	});

	test('the node executes from the editor against the sandbox and its output shows', async () => {
		const ndv = page.getByTestId(ui.NDV);
		const before = await sandboxCalls(p.key);
		const output = await steps.run(`execute "${p.execute.action}" with the new credential`, async () => {
			// back to the action the node was added with (the previous test walked every operation)
			await ui.openNode(page, p.execute.action);
			await ui.choose(page, ndv, 'resource', p.execute.resource);
			await ui.choose(page, ndv, 'operation', p.execute.operation);
			await ndv.getByTestId('node-execute-button').click();
			const out = ndv.getByTestId('output-panel');
			await out.getByText(/^\d+ items?$/).waitFor();
			return out.innerText();
		});
		kit.recordArtifact(SUITE, `${p.key}-output-panel`, output, { tokenOutput: p.execute.tokenOutput });
		expect(await sandboxCalls(p.key)).toBeGreaterThan(before);
		expect(output).not.toMatch(/error/i);
	});

	test('the example workflow runs green from "Execute workflow"', async () => {
		const wf = exampleWorkflowOf(p.key);
		const before = await sandboxCalls(p.key);
		await steps.run(`open the example "${wf.name}"`, async () => {
			await page.goto(`${app.url}/workflow/${wf.id}`);
			await page.getByTestId('execute-workflow-button').waitFor();
		});
		const states = await steps.run('execute workflow: every node green', async () => {
			await page.getByTestId('execute-workflow-button').click();
			const nodes = page.getByTestId('canvas-node');
			await page.waitForFunction((n) => document.querySelectorAll('[data-test-id="canvas-node"] [data-test-id="canvas-node-status-success"]').length >= n, wf.nodes.length, { timeout: 120_000 });
			return nodes.evaluateAll((els) => els.map((e) => ({ name: e.getAttribute('data-node-name'), success: !!e.querySelector('[data-test-id="canvas-node-status-success"]') })));
		});
		expect(states).toHaveLength(wf.nodes.length);
		for (const s of states) expect(s).toMatchObject({ success: true });
		expect(await sandboxCalls(p.key)).toBeGreaterThan(before);
	});

	test('the credential is offered in the HTTP Request node as a Predefined Credential Type', async () => {
		const ndv = page.getByTestId(ui.NDV);
		await steps.run('add an HTTP Request node', async () => {
			await ui.newWorkflow(page, app.url);
			const item = await ui.searchNodePanel(page, 'HTTP Request');
			await item.click();
			await ndv.waitFor();
		});
		await steps.run('Authentication: Predefined Credential Type', () => ui.choose(page, ndv, 'authentication', 'Predefined Credential Type'));
		const offered = await steps.run(`Credential Type: ${p.credentialType}`, async () => {
			await ui.choose(page, ndv, 'nodeCredentialType', p.credentialType, { type: true });
			await ndv.getByTestId('node-credentials-select').click();
			const options = page.locator('[data-test-id^="node-credentials-select-item-"]:visible');
			// the list fills in after "Create new credential": wait for ours, then read them all
			await options.filter({ hasText: p.browserCredential }).first().waitFor();
			const names = await options.allInnerTexts();
			await page.keyboard.press('Escape');
			return names.map((n) => n.split('\n')[0].trim());
		});
		expect(offered).toEqual(expect.arrayContaining([p.browserCredential, p.exampleCredential.name]));
	});
});
