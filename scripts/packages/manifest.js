'use strict';
/**
 * The package.json of a single-provider package, derived from the all-in-one one: same version,
 * author, licence, repository, engines and peer dependency; one credential and one node in the
 * `n8n` block; no scripts, no devDependencies, no dependencies.
 */
function providerManifest(root, provider) {
	return {
		name: provider.packageName,
		version: root.version,
		description: `n8n credential and node for ${provider.title} that log in, keep the token fresh and never need a token pasted by hand (single-provider build of ${root.name})`,
		license: root.license,
		homepage: root.homepage,
		keywords: ['n8n-community-node-package', 'n8n', 'token', 'authentication', provider.keyword],
		author: root.author,
		// where its committed package.json is (packages/<name>/, see syncManifests.js)
		repository: { ...root.repository, directory: `packages/${provider.packageName}` },
		engines: root.engines,
		files: ['dist'],
		n8n: {
			n8nNodesApiVersion: root.n8n.n8nNodesApiVersion,
			strict: root.n8n.strict,
			credentials: [provider.credential],
			nodes: [provider.node],
		},
		peerDependencies: root.peerDependencies,
	};
}

module.exports = { providerManifest };
