'use strict';

/**
 * In-process n8n engine harness: runs the REAL compiled nodes of this package through the real
 * `n8n-core` (`WorkflowExecute` → `RoutingNode` → `httpRequestWithAuthentication` → the real HTTP
 * stack) with an in-memory reproduction of the CLI's CredentialsHelper (./credentialsHelper.js,
 * n8n 2.41.1 semantics). Nothing on n8n's request path is mocked.
 *
 *   const { createEngine } = require('./harness');
 *   const engine = createEngine();
 *   const id = engine.setCredential('edgeIqApi', { baseUrl, email, password });
 *   const result = await engine.run({
 *     nodeType: 'edgeIq',
 *     parameters: { resource: 'session', operation: 'getCurrentUser' },
 *     credentials: { edgeIqApi: id },
 *     items: [{}, {}, {}],
 *   });
 *   result.items; result.errors; result.error;
 *
 * One engine = one simulated n8n process: its own copy of n8n-core, n8n-workflow and the package's
 * dist modules (so module-level state such as the package's token cache is per engine), plus an
 * in-memory credentials "database" that survives `engine.restartProcess()`.
 *
 * How the modules are isolated: under jest, `jest.isolateModules` gives each process a fresh module
 * registry (n8n-core, n8n-workflow and dist loaded together, so `instanceof` checks inside n8n keep
 * working). Outside jest, the entries of node_modules/{n8n-core,n8n-workflow,@n8n/*} and dist are
 * dropped from `require.cache` before loading. Consequence: objects and error classes of an engine
 * come from the ENGINE's n8n-workflow, not the one a test file requires — use `engine.n8n.workflow`
 * (e.g. `engine.n8n.workflow.NodeApiError`) and `engine.dist('nodes/shared/token/lifecycle.js')` to
 * reach the engine's own instances.
 *
 * API (see each method for details):
 *   createEngine({ dist?, mode?, packageJsonPath? })            → Engine (one simulated n8n process)
 *   engine.setCredential(type, data, { id?, name? })            → id (string)
 *   engine.getCredential(id)                                    → stored data (fresh copy, no defaults)
 *   engine.updateCredential(id, patch | (data) => data)         → user edit, not counted as a write
 *   engine.getDecryptedCredential(id)                           → what a node receives (defaults applied)
 *   engine.stats()                                              → { credentialWrites, credentialWriteLog, executions, processes }
 *   engine.resetStats()
 *   engine.run({ nodeType, parameters?, credentials?, items?, inputItems?, continueOnFail?, onError?, typeVersion?, nodeName?, mode? })
 *     → { status, items: json[], errors: (Error|undefined)[], error?, executionError?, errorItems?, outputItems, run }
 *       With continueOnFail a failed item is `{ error: message }` in `items` (as n8n normalises it)
 *       and the error object in `errors[i]`; without it `error` is the error the node threw.
 *   engine.runConcurrently(n, runArgs | (i) => runArgs)         → result[]
 *   engine.credentialTest(type, id, { forcePreAuthentication = true }?) → { status: 'OK'|'Error', message }
 *   engine.restartProcess()                                     → engine (fresh modules, same credentials)
 *   engine.n8n.{core,workflow}, engine.dist(relPath), engine.nodeType(type), engine.credentialType(name),
 *   engine.nodeTypeNames(), engine.credentialTypeNames()
 *   describeError(error) → { name, message, description, httpCode, itemIndex }
 *
 * Plain CommonJS on purpose: the repo's lint rules forbid process/timers/node built-ins in .ts files.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');

const { CredentialStore, defineCredentialsHelper, N8N_VERSION_REPRODUCED } = require('./credentialsHelper');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_DIST = path.join(REPO_ROOT, 'dist');

if (!process.env.N8N_USER_FOLDER) {
	// setup.js does this for jest; plain `node` users of the harness get the same isolation.
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-engine-harness-'));
}

const NOOP_TYPE = 'n8n-nodes-base.noOp';
const HTTP_REQUEST_TYPE = 'n8n-nodes-base.httpRequest';

/**
 * A stand-in for n8n's HTTP Request node (n8n-nodes-base is not a dependency here), reduced to
 * what matters for credentials: with "Predefined Credential Type" it starts every item's request
 * at once through n8n-core's (legacy) requestWithAuthentication, then waits for all of them, as
 * HttpRequestV3 does. The node type name gives it n8n's full credential access, like the real one.
 * Parameters: nodeCredentialType, url, method (default GET).
 */
function httpRequestStandIn() {
	return {
		description: {
			displayName: 'HTTP Request (stand-in)',
			name: 'httpRequest',
			group: ['output'],
			version: 1,
			description: 'requestWithAuthentication for every item at once',
			defaults: { name: 'HTTP Request' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{ displayName: 'Credential Type', name: 'nodeCredentialType', type: 'string', default: '' },
				{ displayName: 'URL', name: 'url', type: 'string', default: '' },
				{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			],
		},
		async execute() {
			const items = this.getInputData();
			const credentialType = this.getNodeParameter('nodeCredentialType', 0);
			const requests = items.map((_, i) =>
				this.helpers.requestWithAuthentication.call(
					this,
					credentialType,
					{ method: this.getNodeParameter('method', i), uri: this.getNodeParameter('url', i), json: true, headers: {} },
					undefined,
					i,
				),
			);
			const settled = await Promise.allSettled(requests);
			return [
				settled.map((outcome, i) => {
					if (outcome.status === 'fulfilled') return { json: outcome.value, pairedItem: { item: i } };
					if (this.continueOnFail()) return { json: { error: outcome.reason.message }, pairedItem: { item: i } };
					throw outcome.reason;
				}),
			];
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Loading a "process"

function listJsFiles(dir) {
	const out = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) out.push(...listJsFiles(full));
		else if (entry.name.endsWith('.js')) out.push(full);
	}
	return out.sort();
}

/** Where a package.json `n8n` path ("dist/nodes/X/X.node.js") lives under the given dist folder. */
function distRelative(packagePath) {
	const normalized = packagePath.replace(/\\/g, '/');
	if (!normalized.startsWith('dist/')) throw new Error(`package.json n8n path "${packagePath}" is not under dist/`);
	return normalized.slice('dist/'.length);
}

function dropFromRequireCache(distDir) {
	const prefixes = [distDir + path.sep];
	const nodeModules = path.join(REPO_ROOT, 'node_modules') + path.sep;
	const reloaded = /node_modules[\\/](n8n-core|n8n-workflow|@n8n)[\\/]/;
	for (const key of Object.keys(require.cache)) {
		if (prefixes.some((p) => key.startsWith(p)) || (key.startsWith(nodeModules) && reloaded.test(key))) {
			delete require.cache[key];
		}
	}
}

/**
 * Loads n8n-core, n8n-workflow and the package (node + credential types as n8n's own
 * `DirectoryLoader` does: codex, icon paths, declarative "requestOptions" parameters) into a fresh
 * module registry. Synchronous on purpose: jest.isolateModules only isolates synchronous requires.
 */
function loadProcess({ distDir, packageJson }) {
	let loaded;
	const load = () => {
		const core = require('n8n-core');
		const workflow = require('n8n-workflow');
		const di = require('@n8n/di');
		const distModules = {};
		for (const file of listJsFiles(distDir)) {
			distModules[path.relative(distDir, file).replace(/\\/g, '/')] = require(file);
		}
		const loader = new (defineLoader(core))(distDir, packageJson);
		loader.loadAllSync();
		loaded = { core, workflow, di, distModules, loader };
	};
	if (typeof jest !== 'undefined' && typeof jest.isolateModules === 'function') {
		jest.isolateModules(load);
	} else {
		dropFromRequireCache(distDir);
		load();
	}
	return loaded;
}

/** n8n-core's DirectoryLoader reading the package.json `n8n` block, with paths relative to `dist`. */
function defineLoader(core) {
	return class HarnessPackageLoader extends core.DirectoryLoader {
		constructor(distDir, packageJson) {
			super(distDir);
			this.packageJson = packageJson;
			this.packageName = packageJson.name;
		}

		loadAllSync() {
			const { n8n = {}, version } = this.packageJson;
			for (const nodePath of n8n.nodes ?? []) this.loadNodeFromFile(distRelative(nodePath), version);
			for (const credentialPath of n8n.credentials ?? []) this.loadCredentialFromFile(distRelative(credentialPath));
			core.PackageDirectoryLoader.prototype.inferSupportedNodes.call(this);
		}

		async loadAll() {
			this.loadAllSync();
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Node and credential types as the CLI exposes them

/** The error a node threw, per execution (keyed by its additionalData): n8n only records a plain copy. */
const thrownErrors = new WeakMap();

function createTypeRegistries(proc, packageName) {
	const { core, workflow: n8nWorkflow, loader } = proc;
	const { NodeHelpers, injectDomainRestrictionFields } = n8nWorkflow;

	// The CLI (LoadNodesAndCredentials.postProcessLoaders) adds the domain-restriction fields.
	for (const name of Object.keys(loader.credentialTypes)) {
		const credentialType = loader.credentialTypes[name].type;
		credentialType.properties = injectDomainRestrictionFields(credentialType);
	}

	// Stand-ins for the few n8n-nodes-base types n8n itself uses around a package node.
	const builtIns = {
		[HTTP_REQUEST_TYPE]: httpRequestStandIn(),
		[NOOP_TYPE]: {
			description: {
				displayName: 'No Operation, do nothing',
				// The real NoOp class says 'noOp'; see credentialTest() for why this matters.
				name: 'noOp',
				group: ['organization'],
				version: 1,
				description: 'No Operation',
				defaults: { name: 'No Operation, do nothing' },
				inputs: ['main'],
				outputs: ['main'],
				properties: [],
			},
			async execute() {
				return [this.getInputData()];
			},
		},
	};

	const fullName = (type) => (type.includes('.') ? type : `${packageName}.${type}`);

	function lookup(type) {
		const full = fullName(type);
		if (builtIns[full]) return builtIns[full];
		const [pkg, short] = full.split('.');
		if (pkg !== packageName || !(short in loader.nodeTypes)) {
			throw new core.UnrecognizedNodeTypeError(pkg, short);
		}
		return loader.nodeTypes[short].type;
	}

	// Mirrors the CLI's NodeTypes.getByNameAndVersion: a declarative node gets an `execute` that
	// runs RoutingNode, so WorkflowExecute runs it through ExecuteContext exactly like n8n does.
	const shouldAssignExecuteMethod = (nodeType) => {
		const isDeclarativeNode = nodeType?.description?.requestDefaults !== undefined;
		return (
			!nodeType.execute &&
			!nodeType.supplyData &&
			!nodeType.poll &&
			!nodeType.trigger &&
			(!nodeType.webhook || isDeclarativeNode) &&
			(!nodeType.methods || isDeclarativeNode)
		);
	};

	const nodeTypes = {
		getByName: (type) => lookup(type),
		getByNameAndVersion(type, version) {
			const versioned = NodeHelpers.getVersionedNodeType(lookup(type), version);
			if (shouldAssignExecuteMethod(versioned)) {
				versioned.execute = async function () {
					const routingNode = new core.RoutingNode(this, versioned);
					try {
						const data = await routingNode.runNode();
						return data ?? [];
					} catch (error) {
						// Observation only (the error is rethrown untouched): keep the thrown object for result.error.
						if (this.additionalData) thrownErrors.set(this.additionalData, error);
						throw error;
					}
				};
			}
			return versioned;
		},
		getKnownTypes: () => {
			const known = {};
			for (const [name, entry] of Object.entries(loader.known.nodes)) known[`${packageName}.${name}`] = entry;
			return known;
		},
	};

	const credentialTypes = {
		getByName(name) {
			if (!(name in loader.credentialTypes)) throw new core.UnrecognizedCredentialTypeError(name);
			return loader.credentialTypes[name].type;
		},
		recognizes: (name) => name in loader.credentialTypes,
		getSupportedNodes: (name) => (loader.known.credentials[name]?.supportedNodes ?? []).map((n) => `${packageName}.${n}`),
		getParentTypes(name) {
			const extendsArr = loader.known.credentials[name]?.extends ?? [];
			if (extendsArr.length === 0) return [];
			const copy = [...extendsArr];
			for (const type of copy) copy.push(...this.getParentTypes(type));
			return copy;
		},
	};

	return { nodeTypes, credentialTypes, fullName, lookup };
}

// ---------------------------------------------------------------------------------------------
// The engine

let engineCounter = 0;

class Engine {
	constructor({ dist = DEFAULT_DIST, mode = 'trigger', packageJsonPath } = {}) {
		this.distDir = path.resolve(dist);
		const pkgPath = packageJsonPath ?? path.join(path.dirname(this.distDir), 'package.json');
		this.packageJson = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
		this.packageName = this.packageJson.name;
		this.mode = mode;
		this.store = new CredentialStore();
		this.engineId = ++engineCounter;
		this.executionCounter = 0;
		this.processCount = 0;
		this.n8nVersionReproduced = N8N_VERSION_REPRODUCED;
		this._boot();
	}

	_boot() {
		const proc = loadProcess({ distDir: this.distDir, packageJson: this.packageJson });
		const registries = createTypeRegistries(proc, this.packageName);
		const CredentialsHelper = defineCredentialsHelper({ workflow: proc.workflow, core: proc.core });
		this.proc = {
			...proc,
			...registries,
			credentialsHelper: new CredentialsHelper({ credentialTypes: registries.credentialTypes, store: this.store }),
		};
		this.processCount += 1;
	}

	/** The n8n modules of the current simulated process: { core, workflow }. */
	get n8n() {
		return { core: this.proc.core, workflow: this.proc.workflow };
	}

	/** A module of the package as loaded in the current process, e.g. dist('nodes/shared/token/lifecycle.js'). */
	dist(relativePath) {
		const key = relativePath.replace(/\\/g, '/').replace(/^\.?\/?(dist\/)?/, '');
		const mod = this.proc.distModules[key] ?? this.proc.distModules[`${key}.js`];
		if (!mod) throw new Error(`dist module "${relativePath}" is not part of the build in ${this.distDir}`);
		return mod;
	}

	/** Full type names of the loaded package nodes ("n8n-nodes-token-auth.edgeIq", ...). */
	nodeTypeNames() {
		return Object.keys(this.proc.loader.nodeTypes).map((n) => `${this.packageName}.${n}`);
	}

	credentialTypeNames() {
		return Object.keys(this.proc.loader.credentialTypes);
	}

	/** The loaded node type object (description, ...) as n8n sees it. */
	nodeType(type, version) {
		return this.proc.nodeTypes.getByNameAndVersion(type, version);
	}

	credentialType(name) {
		return this.proc.credentialTypes.getByName(name);
	}

	// ----- credentials ("database")

	setCredential(type, data, { id, name } = {}) {
		this.credentialType(type); // throws for an unknown type
		return this.store.insert(type, data, { id, name });
	}

	/** A fresh copy of what is stored, as the DB holds it (no defaults applied). */
	getCredential(id) {
		return this.store.read(id);
	}

	/** Edits a stored credential like a user saving the form (not counted as a credential write). */
	updateCredential(id, dataOrFn) {
		const current = this.store.read(id);
		const next = typeof dataOrFn === 'function' ? dataOrFn(current) : { ...current, ...dataOrFn };
		this.store.write(id, next, { count: false });
	}

	/** What getDecrypted hands a node: stored data + property defaults, expressions resolved. */
	async getDecryptedCredential(id) {
		const row = this.store.find(id);
		if (!row) throw new Error(`No credential with id "${id}"`);
		return await this.proc.credentialsHelper.getDecrypted(
			this._additionalData({ executionId: 'decrypt' }),
			{ id: row.id, name: row.name },
			row.type,
			'internal',
		);
	}

	stats() {
		return {
			credentialWrites: this.store.writes,
			credentialWriteLog: this.store.writeLog.map((w) => ({ ...w })),
			executions: this.executionCounter,
			processes: this.processCount,
		};
	}

	resetStats() {
		this.store.writes = 0;
		this.store.writeLog = [];
	}

	/**
	 * Simulates restarting n8n: fresh n8n-core/n8n-workflow/package modules (so every module-level
	 * cache of the package is gone), same stored credentials.
	 */
	restartProcess() {
		this._boot();
		return this;
	}

	// ----- executions

	_additionalData({ executionId, workflowId, hooks, currentNodeParameters, credentialsHelper }) {
		const base = 'http://localhost:5678';
		return {
			currentNodeExecutionIndex: 0,
			credentialsHelper: credentialsHelper ?? this.proc.credentialsHelper,
			executeWorkflow: async () => {
				throw new Error('engine harness: sub-workflow execution is not supported');
			},
			restApiUrl: `${base}/rest`,
			instanceBaseUrl: `${base}/`,
			formWaitingBaseUrl: `${base}/form-waiting`,
			formBaseUrl: `${base}/form`,
			formTestBaseUrl: `${base}/form-test`,
			webhookBaseUrl: `${base}/webhook`,
			webhookWaitingBaseUrl: `${base}/webhook-waiting`,
			webhookTestBaseUrl: `${base}/webhook-test`,
			mcpBaseUrl: `${base}/mcp`,
			mcpTestBaseUrl: `${base}/mcp-test`,
			currentNodeParameters,
			userId: 'harness-user',
			workflowId,
			projectId: 'harness-project',
			executionId,
			setExecutionStatus: () => {},
			variables: {},
			externalSecretsProxy: this.proc.externalSecretsProxy ?? (this.proc.externalSecretsProxy = new this.proc.core.ExternalSecretsProxy()),
			logAiEvent: () => {},
			logHitlResponse: () => {},
			getRunnerStatus: () => ({ available: false, reason: 'engine harness' }),
			startRunnerTask: async () => {
				throw new Error('engine harness: task runners are not available');
			},
			hooks,
		};
	}

	/**
	 * Runs one node of this package (or a full type name) on the given input items, as one n8n
	 * execution of a one-node workflow whose node receives `items` as its input.
	 *
	 * @param {object} args
	 * @param {string} args.nodeType      'edgeIq' or 'n8n-nodes-token-auth.edgeIq'
	 * @param {object} [args.parameters]  node parameters (defaults applied by n8n)
	 * @param {Record<string, string | {id: string, name?: string}>} [args.credentials]  type → stored id
	 * @param {object[]} [args.items]     the `json` of each input item (default: one empty item)
	 * @param {object[]} [args.inputItems] full input items ({ json, binary?, pairedItem? }) instead of `items`
	 * @param {boolean} [args.continueOnFail]  node setting "On Error: Continue" (onError 'continueRegularOutput')
	 * @param {string} [args.onError]     'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput'
	 * @param {number} [args.typeVersion] default: the node's latest version
	 * @param {string} [args.nodeName]    default 'Node'
	 * @param {string} [args.mode]        execution mode, default the engine's ('trigger')
	 */
	async run(args) {
		const { workflow: n8nWorkflow, core } = this.proc;
		const {
			nodeType,
			parameters = {},
			credentials = {},
			items,
			inputItems,
			continueOnFail = false,
			onError,
			typeVersion,
			nodeName = 'Node',
			mode = this.mode,
		} = args;
		const executionNumber = ++this.executionCounter;
		const executionId = `${this.engineId}-${executionNumber}`;
		const workflowId = `harness-wf-${this.engineId}-${executionNumber}`;
		const type = this.proc.fullName(nodeType);
		const described = this.proc.nodeTypes.getByName(type);
		const latest = n8nWorkflow.NodeHelpers.getVersionedNodeType(described).description.version;
		const version = typeVersion ?? (Array.isArray(latest) ? latest[latest.length - 1] : latest);

		const nodeCredentials = {};
		for (const [credentialType, ref] of Object.entries(credentials)) {
			const id = typeof ref === 'object' && ref !== null ? String(ref.id) : String(ref);
			const row = this.store.find(id);
			nodeCredentials[credentialType] = { id, name: (typeof ref === 'object' && ref?.name) || row?.name || credentialType };
		}
		const node = {
			id: `node-${executionId}`,
			name: nodeName,
			type,
			typeVersion: version,
			position: [0, 0],
			parameters: JSON.parse(JSON.stringify(parameters)),
			credentials: nodeCredentials,
			...(onError ? { onError } : continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		};
		const input = (inputItems ?? (items ?? [{}]).map((json) => ({ json }))).map((item, index) => ({
			pairedItem: { item: index },
			...item,
		}));

		const workflow = new n8nWorkflow.Workflow({
			id: workflowId,
			name: `harness ${nodeName}`,
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: this.proc.nodeTypes,
			settings: { executionOrder: 'v1' },
		});
		const workflowData = { id: workflowId, name: workflow.name, nodes: [node], connections: {}, active: false, settings: {} };
		const hooks = new core.ExecutionLifecycleHooks(mode, executionId, workflowData);
		const additionalData = this._additionalData({ executionId, workflowId, hooks });
		const execute = new core.WorkflowExecute(additionalData, mode);
		const startNode = workflow.getNode(nodeName);
		const fullRun = await execute.run({
			workflow,
			startNode,
			triggerToStartFrom: { name: nodeName, data: { data: { main: [input] } } },
		});
		return summarize(fullRun, nodeName, thrownErrors.get(additionalData));
	}

	/** Starts `n` executions at once (same args, or args(i)), resolves with all their results. */
	async runConcurrently(n, runArgs) {
		return await Promise.all(Array.from({ length: n }, (_, i) => this.run(typeof runArgs === 'function' ? runArgs(i) : runArgs)));
	}

	/**
	 * The credential's "Test" button, as n8n 2.41.1's CredentialsTester runs it for a saved
	 * credential: stored data with defaults applied, then the credential's `test.request` as a
	 * declarative request of a temporary node through RoutingNode + httpRequestWithAuthentication
	 * (so preAuthentication and authenticate run as in a real test; a token it gets is persisted).
	 *
	 * `forcePreAuthentication` (default true): n8n's helper forces preAuthentication when the test
	 * node's type is 'n8n-nodes-base.noOp'. In the published 2.41.1 the tester names the node after
	 * `description.name` of the loaded NoOp class, which is 'noOp', so that branch does not match
	 * and preAuthentication only runs when the token is '' or after a 401. `true` gives the
	 * documented behaviour ("a test always logs in first"), `false` the literal 2.41.1 code path.
	 *
	 * @returns {Promise<{ status: 'OK' | 'Error', message: string }>}
	 */
	async credentialTest(type, id, { forcePreAuthentication = true } = {}) {
		const { workflow: n8nWorkflow, core } = this.proc;
		const row = this.store.find(id, type);
		if (!row) return { status: 'Error', message: `Credential with ID "${id}" does not exist for type "${type}".` };
		const credentialType = this.credentialType(type);
		const credentialsDecrypted = { id: row.id, name: row.name, type, data: this.store.read(row.id) };

		let testFunction;
		if (credentialType.test) {
			testFunction = { testRequest: credentialType.test };
		} else {
			for (const nodeName of this.proc.credentialTypes.getSupportedNodes(type)) {
				const nodeType = this.proc.nodeTypes.getByNameAndVersion(nodeName);
				const entry = (nodeType.description.credentials ?? []).find((c) => c.name === type && c.testedBy);
				if (!entry) continue;
				testFunction =
					typeof entry.testedBy === 'string' ? nodeType.methods?.credentialTest?.[entry.testedBy] : { nodeType, testRequest: entry.testedBy };
				break;
			}
		}
		if (testFunction === undefined) return { status: 'Error', message: 'No testing function found for this credential.' };

		const baseAdditionalData = this._additionalData({ executionId: `test-${row.id}` });
		try {
			credentialsDecrypted.data = await this.proc.credentialsHelper.applyDefaultsAndOverwrites(
				baseAdditionalData,
				credentialsDecrypted.data,
				type,
				'internal',
			);
		} catch (error) {
			return { status: 'Error', message: String(error.message) };
		}
		if (typeof testFunction === 'function') {
			return await testFunction.call(new core.CredentialTestContext(baseAdditionalData), credentialsDecrypted);
		}

		const baseNodeType = testFunction.nodeType ?? this.proc.nodeTypes.getByNameAndVersion(NOOP_TYPE);
		const testNodeTypeName = testFunction.nodeType ? baseNodeType.description.name : forcePreAuthentication ? NOOP_TYPE : 'noOp';
		const node = {
			id: 'temp',
			parameters: {},
			name: 'Temp-Node',
			type: testNodeTypeName,
			typeVersion: Array.isArray(baseNodeType.description.version)
				? baseNodeType.description.version.slice(-1)[0]
				: baseNodeType.description.version,
			position: [0, 0],
			credentials: { [type]: { id: row.id, name: row.name } },
		};
		const nodeTypeCopy = {
			description: {
				...baseNodeType.description,
				name: testNodeTypeName,
				credentials: [{ name: type, required: true }],
				properties: [
					{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testFunction.testRequest.request }, default: '' },
				],
			},
		};
		const testNodeTypes = {
			getKnownTypes: () => ({}),
			getByName: (name) => (name === testNodeTypeName ? nodeTypeCopy : undefined),
			getByNameAndVersion: (name) => {
				if (name !== testNodeTypeName) throw new n8nWorkflow.UnexpectedError('Unknown node type', { tags: { nodeType: name } });
				return nodeTypeCopy;
			},
		};
		const workflow = new n8nWorkflow.Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: testNodeTypes });
		const storedHelper = this.proc.credentialsHelper;
		const getDecrypted = async (data, nodeCredentials, credType, mode, executeData, raw, ...rest) =>
			raw
				? await storedHelper.getDecrypted(data, nodeCredentials, credType, mode, executeData, raw, ...rest)
				: (credentialsDecrypted.data ?? {});
		const credentialsHelper = new Proxy(storedHelper, {
			get(target, prop) {
				if (prop === 'getDecrypted') return getDecrypted;
				const value = Reflect.get(target, prop);
				return typeof value === 'function' ? value.bind(target) : value;
			},
		});
		const additionalData = this._additionalData({
			executionId: `test-${row.id}`,
			currentNodeParameters: node.parameters,
			credentialsHelper,
		});
		const runExecutionData = n8nWorkflow.createEmptyRunExecutionData();
		const executeData = { node, data: {}, source: null };
		const context = new core.ExecuteContext(workflow, node, additionalData, 'internal', runExecutionData, 0, [], { main: [[{ json: {} }]] }, executeData, []);
		const routingNode = new core.RoutingNode(context, nodeTypeCopy, credentialsDecrypted);
		const rules = testFunction.testRequest.rules;
		let response;
		try {
			await workflow.expression.acquireIsolate();
			response = await routingNode.runNode();
		} catch (error) {
			if (error.cause?.response) {
				const statusCode = error.cause.response.status;
				for (const rule of Array.isArray(rules) ? rules : []) {
					if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
						return { status: 'Error', message: rule.properties.message };
					}
				}
				if (statusCode < 199 || statusCode > 299) {
					return { status: 'Error', message: error.cause.response.statusText || `Received HTTP status code: ${statusCode}` };
				}
			} else if (error.cause?.code) {
				return { status: 'Error', message: error.cause.code };
			}
			return { status: 'Error', message: String(error.message) };
		} finally {
			await workflow.expression.releaseIsolate();
		}
		for (const rule of Array.isArray(rules) ? rules : []) {
			if (rule.type === 'responseSuccessBody') {
				const responseData = response[0][0].json;
				if (getPath(responseData, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
		return { status: 'OK', message: 'Connection successful!' };
	}
}

function getPath(object, key) {
	return String(key)
		.split('.')
		.reduce((value, part) => (value === null || value === undefined ? undefined : value[part]), object);
}

function summarize(fullRun, nodeName, thrown) {
	const resultData = fullRun?.data?.resultData ?? {};
	const taskData = resultData.runData?.[nodeName]?.[0];
	const outputItems = taskData?.data?.main?.[0] ?? [];
	const errorOutput = taskData?.data?.main?.[1];
	const executionError = resultData.error ?? taskData?.error;
	return {
		status: fullRun?.status,
		items: outputItems.map((item) => item.json),
		errors: outputItems.map((item) => item.error),
		errorItems: errorOutput ? errorOutput.map((item) => item.json) : undefined,
		outputItems,
		// The error object the node threw (NodeApiError/NodeOperationError of the engine's n8n-workflow);
		// falls back to n8n's recorded copy when the failure happened outside the node.
		error: executionError ? (thrown ?? executionError) : undefined,
		// What n8n records in the execution: a plain-object copy ({ ...error, message, stack }).
		executionError,
		run: fullRun,
	};
}

/** Short, assertion-friendly view of an n8n node error. */
function describeError(error) {
	if (!error) return undefined;
	return {
		name: error.name,
		message: error.message,
		description: error.description,
		httpCode: error.httpCode,
		itemIndex: error.context?.itemIndex,
	};
}

/**
 * @param {{ dist?: string, mode?: string, packageJsonPath?: string }} [options]
 * @returns {Engine}
 */
function createEngine(options) {
	return new Engine(options);
}

module.exports = { createEngine, Engine, describeError, DEFAULT_DIST, N8N_VERSION_REPRODUCED };
