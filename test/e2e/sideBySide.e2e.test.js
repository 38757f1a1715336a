'use strict';
/**
 * What n8n 2.41 does when a single-provider package and the all-in-one package are installed side
 * by side (the README says: never). Both define the same credential type names. n8n loads both
 * without an error or a warning: every node type exists twice (their types carry the package
 * name), and the editor's credential type list holds the shared name twice, one entry per package.
 * Which package's credential code then runs is decided by n8n's loader order (load-nodes-and-
 * credentials.js getCredential: the last loader that knows the name wins), not by the user.
 */
const n8n = require('./lib/n8n');
const kit = require('./lib/e2eKit');

const packages = kit.packedPackages();
const allInOne = packages.find((p) => p.provider === null);
const single = packages.find((p) => p.provider === 'elyssa');

let home;
let server;

beforeAll(async () => {
	home = await n8n.createN8nHome({ tarballs: [allInOne.tarball, single.tarball], env: kit.N8N_ENV });
	kit.registerHome(home, 'side-by-side');
});

afterAll(async () => {
	if (server) await server.stop();
	if (home) await n8n.removeN8nHome(home);
});

test(`${allInOne.name} + ${single.name} in one n8n: both load, elyssaApi is listed twice, no warning`, async () => {
	expect(home.packages.map((p) => p.name).sort()).toEqual([allInOne.name, single.name].sort());
	server = await n8n.startN8n(home);
	const { cookie } = await n8n.setupOwner(server.url);
	const get = async (p) => (await fetch(`${server.url}${p}`, { headers: { cookie } })).json();
	const credentialTypes = (await get('/types/credentials.json')).filter((c) => c.name === 'elyssaApi');
	const nodeTypes = (await get('/types/nodes.json')).map((n) => n.name).filter((n) => /\.elyssa$/.test(n));
	const logs = server.logs();
	await server.stop();
	server = undefined;
	kit.recordArtifact(kit.SUITE, 'side-by-side', { credentialTypes, nodeTypes, logs });
	console.log(`side by side: elyssaApi listed ${credentialTypes.length}x (${credentialTypes.map((c) => c.supportedNodes).join(' | ')}); nodes ${nodeTypes.join(', ')}`);
	expect(nodeTypes.sort()).toEqual([`${allInOne.name}.elyssa`, `${single.name}.elyssa`].sort());
	expect(credentialTypes.map((c) => c.supportedNodes).sort()).toEqual([[`${allInOne.name}.elyssa`], [`${single.name}.elyssa`]].sort());
	expect(logs.split('\n').filter((l) => /elyssaApi|duplicate|already (registered|defined|exists)/i.test(l))).toEqual([]);
});
