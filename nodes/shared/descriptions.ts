import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

/**
 * Every node sends JSON. The base URL is set per request by the transport from the credential it
 * already holds: as an expression here, n8n would evaluate it twice per item, which costs more
 * than everything else this package does for a request.
 */
export const apiRequestDefaults = {
	headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
};

type Shaper = (
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
) => Promise<INodeExecutionData[]>;

/** Output shaping: drops fields an operation must not pass on (e.g. a token that is not its purpose). */
export function omitFields(...names: string[]): Shaper {
	return async function (items) {
		return items.map((item) => {
			const json: IDataObject = { ...item.json };
			for (const name of names) delete json[name];
			return { ...item, json };
		});
	};
}

/** Output shaping: a new object per item built from the answer. */
export function mapJson(map: (json: IDataObject) => IDataObject): Shaper {
	return async function (items) {
		return items.map((item) => ({ ...item, json: map(item.json) }));
	};
}

/** Sends the request to another path under the base URL (after a preSend that set a full login URL). */
export function toPath(path: string) {
	return async function (this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...options, url: path };
	};
}
