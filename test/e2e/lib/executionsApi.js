'use strict';
/**
 * n8n's own execution list and retry, over the REST API the editor uses (n8n 2.41):
 * GET /rest/executions?filter=… → { data: { results: [{ id, status, startedAt, … }] } } and
 * POST /rest/executions/:id/retry { loadWorkflow } → { data: { id, status, retryOf, data, … } }, answered
 * once the retry has finished (in queue mode it runs on a worker).
 */
const { setupOwner } = require('./n8n');

async function ownerApi(url) {
	const { cookie } = await setupOwner(url);
	return { url, cookie };
}

async function call(api, method, path, body) {
	const res = await fetch(`${api.url}${path}`, {
		method,
		headers: { 'content-type': 'application/json', cookie: api.cookie },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(120_000),
	});
	const text = await res.text();
	if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
	return JSON.parse(text).data;
}

/** The newest execution's id (0 when there is none): executions after it are a test's own. */
async function latestExecutionId(api) {
	const data = await call(api, 'GET', '/rest/executions?limit=1');
	return data.results.length ? Number(data.results[0].id) : 0;
}

/** Executions newer than `afterId` with one of `statuses` (a job that never started has no startedAt). */
async function executionsWithStatus(api, statuses, { afterId = 0 } = {}) {
	const filter = encodeURIComponent(JSON.stringify({ status: statuses }));
	const data = await call(api, 'GET', `/rest/executions?filter=${filter}&limit=100`);
	return data.results.filter((e) => Number(e.id) > afterId);
}

/**
 * Retries an execution the way the editor's "Retry" does; resolves with the retry's id, status and
 * the nodes it ran (none when n8n had nothing left to run, e.g. a crashed execution without data).
 */
async function retryExecution(api, id) {
	const retry = await call(api, 'POST', `/rest/executions/${id}/retry`, { loadWorkflow: false });
	return { id: retry.id, status: retry.status, retryOf: retry.retryOf, ranNodes: Object.keys(retry.data?.resultData?.runData ?? {}) };
}

module.exports = { ownerApi, latestExecutionId, executionsWithStatus, retryExecution };
