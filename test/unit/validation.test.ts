import { resolveApiPath } from '../../nodes/shared/customApiCall';
import { checkUrl, isLoopbackHost } from '../../nodes/shared/validation';

const base = new URL('https://api.edgeiq.io/api/v1/platform');

describe('Custom API Call paths stay under the base URL', () => {
	it.each([
		['/me', 'https://api.edgeiq.io/api/v1/platform/me'],
		['me', 'https://api.edgeiq.io/api/v1/platform/me'],
		['/devices?limit=5', 'https://api.edgeiq.io/api/v1/platform/devices?limit=5'],
		['https://api.edgeiq.io/api/v1/platform/users', 'https://api.edgeiq.io/api/v1/platform/users'],
		['users:search', 'https://api.edgeiq.io/api/v1/platform/users:search'],
		['/v1/items:batchGet', 'https://api.edgeiq.io/api/v1/platform/v1/items:batchGet'],
	])('%s → %s', (path, expected) => {
		expect(resolveApiPath(base, path).toString()).toBe(expected);
	});

	it.each([
		['', 'Path is empty'],
		['https://evil.example.com/steal', 'Path points outside the credential\'s base URL'],
		['//evil.example.com/x', 'Path starts with "//"'],
		['https://api.edgeiq.io/other/path', 'Path points outside'],
		['http://api.edgeiq.io/api/v1/platform/me', 'Path points outside'],
		['../../admin', 'must not contain "." or ".." segments'],
		['/users/%2e%2e/admin', 'must not contain "." or ".." segments'],
		['/a\\b', 'backslash'],
		['x'.repeat(3000), 'Path is too long'],
	])('refuses %j', (path, message) => {
		expect(() => resolveApiPath(base, path)).toThrow(message);
	});
});

it.each([
	['//evil.example.com/x', 'Path starts with "//"'],
	['https://api.example.com//evil.example.com/x', 'must not start with "//"'],
])('with a base URL that has no path, refuses %j', (path, message) => {
	expect(() => resolveApiPath(new URL('https://api.example.com'), path)).toThrow(message);
});

describe('base URLs', () => {
	it('allows https anywhere and http only to this machine unless opted in', () => {
		expect(checkUrl('https://api.example.com/v2', 'Base URL', false).host).toBe('api.example.com');
		expect(checkUrl('http://127.0.0.1:4101/v2', 'Base URL', false).port).toBe('4101');
		expect(checkUrl('http://localhost:4101', 'Base URL', false).hostname).toBe('localhost');
		expect(() => checkUrl('http://api.example.com', 'Base URL', false)).toThrow('plain http://');
		expect(checkUrl('http://api.example.com', 'Base URL', true).protocol).toBe('http:');
	});

	it.each([
		['', 'Base URL is empty'],
		['api.example.com/v2', 'is not a URL'],
		['ftp://api.example.com', 'must start with https://'],
		['https://user:pw@api.example.com', 'must not contain a user name or password'],
		['https://api.example.com/?x=1', 'must not contain a query'],
	])('refuses %j', (value, message) => {
		expect(() => checkUrl(value, 'Base URL', false)).toThrow(message);
	});

	it('knows loopback hosts', () => {
		expect(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]'].every(isLoopbackHost)).toBe(true);
		expect(['10.0.0.1', 'example.com', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
	});
});
