'use strict';
/**
 * The provider's single-provider package (`npm run pack:all`, e.g. n8n-nodes-elyssa) installed
 * ALONE in a fresh n8n home, the way n8n's installer does (lib/n8n.js installTarball), running
 * the provider's example workflow and n8n's credential test there. Added to every provider's e2e
 * file by lib/providerScenarios.js, with the same checks as the all-in-one's (its helpers).
 * The example files name the all-in-one's node type (n8n-nodes-token-auth.<node>); a node's type
 * carries its package's name, so the import here renames it to <single package>.<node>, as a
 * user switching packages must (README "Which package to install").
 */
const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./n8n');
const kit = require('./e2eKit');
const { expectExampleRuns, expectCredentialTest } = require('./providerScenarios');

/** The workflow with every node of the all-in-one package moved to `packageName`. */
function forPackage(workflow, packageName) {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => (node.type.startsWith(`${kit.PKG}.`) ? { ...node, type: `${packageName}.${node.type.slice(kit.PKG.length + 1)}` } : node)),
	};
}

function defineSingleProviderScenarios(ctx) {
	const { cfg } = ctx;
	const packed = kit.packedPackages().find((p) => p.provider === cfg.key);
	const single = { observed: {} };

	describe(`single-provider package ${packed.name}, installed alone`, () => {
		beforeAll(async () => {
			const t0 = Date.now();
			single.home = await n8n.createN8nHome({ tarball: packed.tarball, env: kit.N8N_ENV });
			kit.registerHome(single.home, `${cfg.key}-single`);
			single.workflow = forPackage(ctx.exampleWorkflow, packed.name);
			await n8n.importCredentials(single.home, [ctx.mainCred, ctx.creds.extra]);
			await n8n.importWorkflows(single.home, [single.workflow]);
			single.observed.setupMs = Date.now() - t0;
		});

		afterAll(async () => {
			if (!single.home) return;
			for (const credential of await n8n.exportCredentials(single.home).catch(() => [])) {
				for (const [field, value] of Object.entries(credential.data ?? {})) {
					if (/token/i.test(field) && typeof value === 'string' && value.length >= 16) ctx.seenTokens.add(value);
				}
			}
			await kit.keepStoredExecutions(single.home, `${kit.SUITE}-${cfg.key}-single`);
			await n8n.removeN8nHome(single.home);
			const out = path.join(kit.ROOT, 'test-output', 'e2e');
			fs.writeFileSync(path.join(out, `observed-${cfg.key}-single.json`), JSON.stringify(single.observed, null, 2));
			console.log(`${packed.name} alone in real n8n: ${JSON.stringify(single.observed)}`);
		});

		test(`n8n's node folder holds ${packed.name} and nothing else; the example names ${packed.name}'s node type`, () => {
			expect(single.home.packages.map((p) => p.name)).toEqual([packed.name]);
			expect(fs.readdirSync(path.join(single.home.nodesDir, 'node_modules')).sort()).toEqual([packed.name]);
			const ledger = JSON.parse(fs.readFileSync(path.join(single.home.nodesDir, 'package.json'), 'utf8'));
			expect(Object.keys(ledger.dependencies)).toEqual([packed.name]);
			const ours = single.workflow.nodes.filter((n) => n.credentials?.[cfg.credType]);
			expect(ours.map((n) => n.type)).toEqual([`${packed.name}.${cfg.nodeName}`]);
		});

		test(`the example workflow examples/${cfg.exampleFile} runs green with ${packed.name} alone`, async () => {
			const t0 = Date.now();
			single.observed.example = await expectExampleRuns(ctx, single.home, single.workflow, `${cfg.key}-single-example`);
			single.observed.exampleMs = Date.now() - t0;
		});

		test(`n8n's credential test with ${packed.name} alone: good → OK; wrong secret → an error naming the provider`, async () => {
			const t0 = Date.now();
			single.observed.credentialTest = await expectCredentialTest(ctx, single.home, `${cfg.key}-single-credential-test`);
			single.observed.credentialTestMs = Date.now() - t0;
		});
	});
}

module.exports = { defineSingleProviderScenarios, forPackage };
