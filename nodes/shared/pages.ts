import type { IDataObject } from 'n8n-workflow';

import { ProviderError } from './errors';

/** What a page says about the whole list, when it says anything. */
export interface PageFacts {
	totalPages?: number;
	total?: number;
}

// The envelopes list APIs commonly use; the document shows only the query, not the page's shape.
const LIST_KEYS = ['data', 'items', 'results', 'records', 'content', 'rows', 'value', 'customers', 'users'];
const TOTAL_PAGES_KEYS = ['totalPages', 'total_pages', 'pageCount', 'page_count', 'lastPage', 'last_page', 'pages'];
const TOTAL_KEYS = ['total', 'totalCount', 'total_count', 'totalItems', 'total_items', 'totalRecords', 'totalElements'];
const META_KEYS = ['meta', 'pagination', 'paging', 'page'];

function isRecord(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function numberAt(source: IDataObject, keys: string[]): number | undefined {
	for (const key of keys) {
		const value = Number(source[key]);
		if (source[key] !== undefined && source[key] !== null && source[key] !== '' && Number.isInteger(value) && value >= 0) return value;
	}
	return undefined;
}

function facts(envelope: IDataObject): PageFacts {
	const sources = [envelope, ...META_KEYS.map((key) => envelope[key]).filter(isRecord)];
	const pick = (keys: string[]) => sources.map((source) => numberAt(source, keys)).find((n) => n !== undefined);
	return { totalPages: pick(TOTAL_PAGES_KEYS), total: pick(TOTAL_KEYS) };
}

/**
 * One page of a list: a bare array, or an object that wraps the array (`{data: [...], totalPages}`
 * and the like). Anything else fails: returning the wrapper as one record would look like a
 * complete, one-record list.
 */
export function readPage(provider: string, body: unknown): { records: IDataObject[]; facts: PageFacts } {
	if (Array.isArray(body)) return { records: body.map(toRecord), facts: {} };
	if (isRecord(body)) {
		const key = LIST_KEYS.find((name) => Array.isArray(body[name])) ?? soleArrayKey(body);
		if (key) return { records: (body[key] as unknown[]).map(toRecord), facts: facts(body) };
	}
	const shape = isRecord(body) ? `an object with ${Object.keys(body).slice(0, 8).join(', ') || 'no fields'}` : body === undefined ? 'an empty body' : `a ${typeof body}`;
	throw new ProviderError(
		`${provider} answered a list page with ${shape} instead of a list of records: nothing is returned rather than an incomplete list`,
		'bad-response',
		undefined,
		'The provider may have changed its API, or the Base URL points at another service.',
	);
}

function soleArrayKey(body: IDataObject): string | undefined {
	const arrays = Object.keys(body).filter((key) => Array.isArray(body[key]));
	return arrays.length === 1 ? arrays[0] : undefined;
}

function toRecord(value: unknown): IDataObject {
	return isRecord(value) ? value : { value: value as string };
}
