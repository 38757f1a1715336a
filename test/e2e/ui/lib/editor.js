'use strict';
/**
 * What a person does in n8n 2.41's editor, as playwright actions on its data-test-id attributes
 * (the ones n8n's own playwright suite uses; checked against the 2.41.1 editor bundle).
 */

const NDV = 'ndv';

async function signIn(page, url, owner) {
	await page.goto(`${url}/signin`);
	const form = page.getByTestId('signin-form');
	await form.waitFor();
	await form.locator('input[type=email], input[name=emailOrLdapLoginId]').first().fill(owner.email);
	await form.locator('input[type=password]').first().fill(owner.password);
	await form.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL((u) => !String(u).includes('/signin'));
}

/** A new, empty workflow with its canvas ready. */
async function newWorkflow(page, url) {
	await page.goto(`${url}/workflow/new`);
	await page.getByTestId('canvas-add-button').waitFor();
}

/** Opens the node panel and searches; returns the result row of exactly `name`. */
async function searchNodePanel(page, text, name = text) {
	const creator = page.getByTestId('node-creator');
	if (!(await creator.isVisible())) {
		const add = page.getByTestId('canvas-add-button');
		await ((await add.isVisible()) ? add : page.getByTestId('node-creator-plus-button')).click();
	}
	await page.getByTestId('node-creator-search-bar').fill(text);
	const item = creator.getByTestId('item-iterator-item').filter({ has: page.getByTestId('node-creator-item-name').getByText(name, { exact: true }) });
	await item.waitFor();
	return item;
}

/** The icon an <img> shows: its URL and whether it really loaded (an SVG with a size). */
async function iconOf(locator) {
	const img = locator.locator('img').first();
	await img.waitFor();
	await img.evaluate((el) => (el.complete ? null : new Promise((r) => el.addEventListener('load', r, { once: true }))));
	return img.evaluate((el) => ({ src: el.getAttribute('src'), loaded: el.complete && el.naturalWidth > 0 }));
}

/** Node panel → node → one of its actions: the node lands on the canvas and its NDV opens. */
async function addNodeWithAction(page, nodeName, actionName) {
	const item = await searchNodePanel(page, nodeName);
	await item.click();
	await page.getByTestId('node-creator').getByTestId('item-iterator-item').filter({ hasText: actionName }).first().click();
	await page.getByTestId(NDV).waitFor();
}

/** A parameter's input by its internal name, inside `scope` (NDV or credential modal). */
function param(scope, name) {
	return scope.getByTestId(`parameter-input-${name}`);
}

async function fill(scope, name, value) {
	const input = param(scope, name).locator('input, textarea').first();
	await input.fill(value);
}

/** Chooses an option of an options parameter the way a person does: open the list, click it. */
async function choose(page, scope, name, optionText, { type = false } = {}) {
	await param(scope, name).click();
	if (type) await page.keyboard.type(optionText); // long lists (credential types) filter as you type
	const option = page.locator('.el-select-dropdown__item:visible, [role="option"]:visible').filter({ hasText: optionText });
	await option.filter({ has: page.getByText(optionText, { exact: true }) }).first().click();
	await page.waitForTimeout(150); // the parameter list re-renders after a change
}

/** The option texts of an options parameter, read from its open list (closed again after). */
async function optionsOf(page, scope, name) {
	await param(scope, name).click();
	const list = page.locator('.el-select-dropdown__item:visible');
	await list.first().waitFor();
	const texts = await list.allInnerTexts();
	await page.keyboard.press('Escape');
	return texts.map((t) => t.split('\n')[0].trim());
}

/** The visible labels of the parameter panel (or of the credential modal). */
async function labelsOf(scope) {
	return scope.locator('[data-test-id="input-label"] label, label.n8n-input-label, [data-test-id="input-label"]').evaluateAll((els) => [
		...new Set(els.filter((e) => e.offsetParent !== null).map((e) => e.innerText.split('\n')[0].replace(/\s*\*$/, '').trim()).filter(Boolean)),
	]);
}

/** Opens a canvas node's NDV (double click) unless it is open already. */
async function openNode(page, nodeName) {
	if (await page.getByTestId(NDV).isVisible()) return;
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.getByTestId(NDV).waitFor();
}

async function closeNdv(page) {
	await page.getByTestId('ndv-close-button').click();
	await page.getByTestId(NDV).waitFor({ state: 'hidden' });
}

module.exports = { NDV, signIn, newWorkflow, searchNodePanel, iconOf, addNodeWithAction, param, fill, choose, optionsOf, labelsOf, openNode, closeNdv };
