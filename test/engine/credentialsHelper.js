'use strict';

/**
 * An in-memory stand-in for the n8n CLI's `CredentialsHelper` (packages/cli/src/credentials-helper.ts),
 * which the published `n8n-core` does not contain.
 *
 * Reproduced from n8n **2.41.1** (`n8n/dist/credentials-helper.js` and
 * `n8n/dist/services/credentials-tester.service.js` of the published `n8n@2.41.1`, read from the
 * real install in `.cache/n8n-runtime`), for what matters to a credential with an expirable token:
 *
 * - `authenticate`: function form → `await type.authenticate(credentials, requestOptions)`;
 *   generic object form → every `properties.<outer>.<key>` resolved as an expression over
 *   `{ $credentials }` and assigned into `requestOptions[outer][key]` (headers defaulted to {}).
 * - `preAuthentication(helpers, credentials, typeName, node, credentialsExpired)`: only if the type
 *   has a `hidden` property with `typeOptions.expirable === true` and a `preAuthentication`
 *   function, and only when that field is exactly `''`, or `credentialsExpired` is true, or the node
 *   is the credential-test node (`node.type === 'n8n-nodes-base.noOp' && node.parameters.temp === ''`).
 *   The hook runs with `this = { helpers: { httpRequest } }`, `httpRequest` wrapped to enforce the
 *   credential's own allowed domains. If its output lacks the expirable field → `undefined`, nothing
 *   stored. Otherwise, when the node has credentials: re-read the stored (raw) data, overlay every
 *   output field (a field whose stored value is an expression is kept, except the expirable one),
 *   `updateCredentials`, and return `Object.assign(credentials, output)`. No locking, no
 *   single-flight: concurrent callers each write, last write wins.
 * - `getDecrypted`: a fresh read of the stored data (here: `JSON.parse` of the stored JSON, so every
 *   call returns a new object like a DB read), then `applyDefaultsAndOverwrites`: defaults of the
 *   credential properties applied with `NodeHelpers.getNodeParameters(props, data, true, false,
 *   null, null)` (so an absent `sessionToken` reads as `''`), `allowedHttpRequestDomains` /
 *   `allowedDomains` carried over, then expressions resolved (with the execution's expression
 *   context when given, else on a mock one-node workflow). `raw === true` returns the stored data.
 * - `updateCredentials(nodeCredentials, type, data)`: replaces the stored data (and `updatedAt`).
 * - `getParentTypes` (the `extends` chain), `isCredentialUsableByNode` (`restrictToSupportedNodes`), `getCredentialsProperties` (merging `extends`, plus
 *   `oauthTokenData` for oAuth1Api/oAuth2Api), `updateCredentialsOauthTokenData`,
 *   `runPreAuthentication`, `getCredentials`.
 *
 * Left out (not reachable from a community package's declarative node in these tests): credential
 * overwrites, external secrets, dynamic (per-user) credential resolution, AI gateway credentials,
 * policy enforcement, project/usage-scope checks, encryption at rest.
 *
 * The store outlives a simulated n8n restart (see harness.js `restartProcess`): it holds plain JSON
 * strings, never objects of one loaded n8n-workflow instance.
 */

const N8N_VERSION_REPRODUCED = '2.41.1';

/** The "database": credential rows keyed by id, data kept as JSON text. */
class CredentialStore {
	constructor() {
		/** @type {Map<string, { id: string, name: string, type: string, data: string, createdAt: Date, updatedAt: Date }>} */
		this.rows = new Map();
		this.nextId = 1;
		/** Number of `updateCredentials`/`updateCredentialsOauthTokenData` writes. */
		this.writes = 0;
		/** Every write, in order: { id, type, at, data } (data parsed). */
		this.writeLog = [];
	}

	insert(type, data, { id, name } = {}) {
		const credentialId = id !== undefined ? String(id) : String(this.nextId++);
		if (this.rows.has(credentialId)) throw new Error(`Credential id "${credentialId}" is already stored`);
		const now = new Date();
		this.rows.set(credentialId, {
			id: credentialId,
			name: name ?? `${type} ${credentialId}`,
			type,
			data: JSON.stringify(data ?? {}),
			createdAt: now,
			updatedAt: now,
		});
		return credentialId;
	}

	/** The row (a copy), or undefined. */
	find(id, type) {
		const row = this.rows.get(String(id));
		if (!row || (type !== undefined && row.type !== type)) return undefined;
		return { ...row };
	}

	/** A fresh copy of the stored data. */
	read(id) {
		const row = this.rows.get(String(id));
		if (!row) throw new Error(`No credential with id "${id}"`);
		return JSON.parse(row.data);
	}

	/** Replaces the stored data (a test may also use it to edit a credential by hand). */
	write(id, data, { count = true } = {}) {
		const row = this.rows.get(String(id));
		if (!row) throw new Error(`No credential with id "${id}"`);
		row.data = JSON.stringify(data ?? {});
		row.updatedAt = new Date();
		if (count) {
			this.writes += 1;
			this.writeLog.push({ id: row.id, type: row.type, at: row.updatedAt.getTime(), data: JSON.parse(row.data) });
		}
	}
}

/**
 * Builds the helper class on one loaded copy of n8n-workflow / n8n-core (a "process").
 * @param {{ workflow: typeof import('n8n-workflow'), core: typeof import('n8n-core') }} modules
 */
function defineCredentialsHelper({ workflow: n8nWorkflow, core: n8nCore }) {
	const { ICredentialsHelper, NodeHelpers, Workflow, UnexpectedError, UserError, isExpression, getCredentialOwnRequestAllowedDomains } =
		n8nWorkflow;

	class CredentialNotFoundError extends UserError {
		constructor(credentialId, credentialType) {
			super(
				credentialType
					? `Credential with ID "${credentialId}" does not exist for type "${credentialType}".`
					: `Credential with ID "${credentialId}" was not found.`,
			);
		}
	}

	function restrictToCredentialDomains(helpers, credentials) {
		return {
			helpers: {
				httpRequest: async (requestOptions) => {
					const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
					if (allowedDomains === undefined) {
						return await helpers.helpers.httpRequest(requestOptions);
					}
					if (requestOptions.allowedDomains !== undefined) {
						throw new UserError(
							'This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.',
						);
					}
					return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
				},
			},
		};
	}

	const mockNode = { name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };
	const mockNodeTypes = {
		getKnownTypes: () => ({}),
		getByName: (type) => (type === 'mock' ? { description: { properties: [] } } : undefined),
		getByNameAndVersion: (type) => {
			if (type !== 'mock') throw new UnexpectedError('Unknown node type', { tags: { nodeType: type } });
			return { description: { properties: [] } };
		},
	};

	class InMemoryCredentialsHelper extends ICredentialsHelper {
		/**
		 * @param {{ credentialTypes: { getByName(name: string): any, getParentTypes(name: string): string[] }, store: CredentialStore }} options
		 */
		constructor({ credentialTypes, store }) {
			super();
			this.credentialTypes = credentialTypes;
			this.store = store;
		}

		async authenticate(credentials, typeName, incomingRequestOptions, workflow, node) {
			const requestOptions = incomingRequestOptions;
			const credentialType = this.credentialTypes.getByName(typeName);
			if (credentialType.authenticate) {
				if (typeof credentialType.authenticate === 'function') {
					return await credentialType.authenticate(credentials, requestOptions);
				}
				if (typeof credentialType.authenticate === 'object') {
					if (!workflow || !node) {
						throw new UnexpectedError('Workflow and node are required for declarative credential authentication');
					}
					const { authenticate } = credentialType;
					if (requestOptions.headers === undefined) requestOptions.headers = {};
					if (authenticate.type === 'generic') {
						Object.entries(authenticate.properties).forEach(([outerKey, outerValue]) => {
							Object.entries(outerValue).forEach(([key, value]) => {
								const keyResolved = this.resolveValue(key, { $credentials: credentials }, workflow, node);
								const valueResolved = this.resolveValue(value, { $credentials: credentials }, workflow, node);
								if (!requestOptions[outerKey]) requestOptions[outerKey] = {};
								requestOptions[outerKey][keyResolved] = valueResolved;
							});
						});
					}
				}
			}
			return requestOptions;
		}

		async preAuthentication(helpers, credentials, typeName, node, credentialsExpired) {
			const credentialType = this.credentialTypes.getByName(typeName);
			const expirableProperty = credentialType.properties.find(
				(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
			);
			if (expirableProperty?.name === undefined) return undefined;
			const isTestingCredentials = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
			if (credentialType.preAuthentication && typeof credentialType.preAuthentication === 'function') {
				if (credentials[expirableProperty.name] === '' || credentialsExpired || isTestingCredentials) {
					const output = await credentialType.preAuthentication.call(restrictToCredentialDomains(helpers, credentials), credentials);
					if (output[expirableProperty.name] === undefined) return undefined;
					if (node.credentials) {
						const nodeCredentials = node.credentials[credentialType.name];
						const storedData = await (await this.getCredentials(nodeCredentials, credentialType.name)).getData();
						const dataToPersist = { ...storedData };
						for (const [key, value] of Object.entries(output)) {
							if (key === expirableProperty.name || !isExpression(storedData[key])) dataToPersist[key] = value;
						}
						await this.updateCredentials(nodeCredentials, credentialType.name, dataToPersist);
						return Object.assign(credentials, output);
					}
				}
			}
			return undefined;
		}

		async runPreAuthentication(helpers, credentials, typeName) {
			const credentialType = this.credentialTypes.getByName(typeName);
			if (typeof credentialType.preAuthentication !== 'function') return undefined;
			const output = await credentialType.preAuthentication.call(restrictToCredentialDomains(helpers, credentials), credentials);
			return output ?? undefined;
		}

		resolveValue(parameterValue, additionalKeys, workflow, node) {
			if (!isExpression(parameterValue)) return parameterValue;
			const returnValue = workflow.expression.getSimpleParameterValue(node, parameterValue, 'internal', additionalKeys, undefined, '');
			if (!returnValue) return '';
			return returnValue.toString();
		}

		getParentTypes(typeName) {
			return this.credentialTypes.getParentTypes(typeName);
		}

		isCredentialUsableByNode(credentialType, nodeType) {
			let typeDef;
			try {
				typeDef = this.credentialTypes.getByName(credentialType);
			} catch {
				return true;
			}
			if (!typeDef.restrictToSupportedNodes) return true;
			return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
		}

		/** Like the CLI: an object whose getData() decrypts — here, parses — the stored data afresh. */
		async getCredentials(nodeCredential, type) {
			const row = this.getCredentialsEntity(nodeCredential, type);
			const store = this.store;
			return {
				id: row.id,
				name: row.name,
				type: row.type,
				getData: () => store.read(row.id),
			};
		}

		getCredentialsEntity(nodeCredential, type) {
			if (!nodeCredential || !nodeCredential.id) {
				throw new UnexpectedError('Found credential with no ID.', {
					extra: { credentialName: nodeCredential?.name },
					tags: { credentialType: type },
				});
			}
			const row = this.store.find(nodeCredential.id, type);
			if (!row) throw new CredentialNotFoundError(nodeCredential.id, type);
			return row;
		}

		getCredentialsProperties(type) {
			const credentialTypeData = this.credentialTypes.getByName(type);
			if (credentialTypeData === undefined) {
				throw new UnexpectedError('Unknown credential type', { tags: { credentialType: type } });
			}
			if (credentialTypeData.extends === undefined) {
				if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
					return [
						...credentialTypeData.properties,
						{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', required: false, default: {} },
					];
				}
				return credentialTypeData.properties;
			}
			const combineProperties = [];
			for (const credentialsTypeName of credentialTypeData.extends) {
				NodeHelpers.mergeNodeProperties(combineProperties, this.getCredentialsProperties(credentialsTypeName));
			}
			NodeHelpers.mergeNodeProperties(combineProperties, credentialTypeData.properties);
			return combineProperties;
		}

		async getDecrypted(additionalData, nodeCredentials, type, mode, executeData, raw, expressionResolveValues) {
			const row = this.getCredentialsEntity(nodeCredentials, type);
			const decryptedDataOriginal = this.store.read(row.id);
			if (raw === true) return decryptedDataOriginal;
			return await this.applyDefaultsAndOverwrites(additionalData, decryptedDataOriginal, type, mode, executeData, expressionResolveValues);
		}

		async applyDefaultsAndOverwrites(additionalData, decryptedDataOriginal, type, mode, executeData, expressionResolveValues) {
			const credentialsProperties = this.getCredentialsProperties(type);
			const storedData = { ...decryptedDataOriginal };
			// (no credential overwrites in the harness)
			let decryptedData = NodeHelpers.getNodeParameters(credentialsProperties, storedData, true, false, null, null);
			if (decryptedDataOriginal.oauthTokenData !== undefined) decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
			if (decryptedData.allowedHttpRequestDomains === undefined && decryptedDataOriginal.allowedHttpRequestDomains !== undefined) {
				decryptedData.allowedHttpRequestDomains = decryptedDataOriginal.allowedHttpRequestDomains;
			}
			if (decryptedData.allowedDomains === undefined && decryptedDataOriginal.allowedDomains !== undefined) {
				decryptedData.allowedDomains = decryptedDataOriginal.allowedDomains;
			}
			const additionalKeys = n8nCore.getAdditionalKeys(additionalData, mode, null, { isCredential: true });
			if (expressionResolveValues) {
				try {
					decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
						decryptedData,
						expressionResolveValues.runExecutionData,
						expressionResolveValues.runIndex,
						expressionResolveValues.itemIndex,
						expressionResolveValues.node.name,
						expressionResolveValues.connectionInputData,
						mode,
						additionalKeys,
						executeData,
						false,
						decryptedData,
					);
				} catch (e) {
					e.message += ' [Error resolving credentials]';
					throw e;
				}
			} else {
				const workflow = new Workflow({ nodes: [{ ...mockNode }], connections: {}, active: false, nodeTypes: mockNodeTypes });
				await workflow.expression.acquireIsolate();
				try {
					decryptedData = workflow.expression.getComplexParameterValue(
						mockNode,
						decryptedData,
						mode,
						additionalKeys,
						undefined,
						undefined,
						decryptedData,
					);
				} finally {
					await workflow.expression.releaseIsolate();
				}
			}
			return decryptedData;
		}

		async updateCredentials(nodeCredentials, type, data) {
			const row = this.getCredentialsEntity(nodeCredentials, type);
			this.store.write(row.id, data);
		}

		async updateCredentialsOauthTokenData(nodeCredentials, type, data) {
			const row = this.getCredentialsEntity(nodeCredentials, type);
			const stored = this.store.read(row.id);
			this.store.write(row.id, { ...stored, oauthTokenData: data.oauthTokenData });
		}
	}

	return InMemoryCredentialsHelper;
}

module.exports = { CredentialStore, defineCredentialsHelper, N8N_VERSION_REPRODUCED };
