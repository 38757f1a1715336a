import { config } from '@n8n/node-cli/eslint';

// packages/<name>/ only links to the sources linted here (see scripts/packages/packageRoots.js)
export default [...config, { ignores: ['packages/'] }];
