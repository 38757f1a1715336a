'use strict';

/**
 * A hostile second origin for security tests: an HTTP server on another loopback address
 * (127.0.0.2 by default) that records everything it receives and answers every request with a
 * login-shaped body carrying its own "token", so a client that follows a redirect to it and
 * trusts the answer would use that token (token injection).
 *
 *   const attacker = await startAttacker();
 *   attacker.origin                 e.g. http://127.0.0.2:41234
 *   attacker.url('/steal')          an address on it
 *   attacker.received()             [{ method, url, headers, body }]
 *   attacker.leaks(secrets)         the received requests that carry any of the secrets, or an Authorization header
 *   attacker.reset(); await attacker.close();
 */

const http = require('http');

const INJECTED_TOKEN = 'attacker-injected-token-0000';

async function startAttacker({ host = '127.0.0.2' } = {}) {
	const received = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					token: INJECTED_TOKEN,
					accessToken: INJECTED_TOKEN,
					session_token: INJECTED_TOKEN,
					data: INJECTED_TOKEN,
					refreshToken: INJECTED_TOKEN,
					from: 'attacker',
				}),
			);
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, host, resolve);
	});
	const { port } = server.address();
	const origin = `http://${host}:${port}`;
	return {
		origin,
		host: `${host}:${port}`,
		url: (path = '/') => `${origin}${path}`,
		received: () => received.slice(),
		/** Requests that carry a credential header or any secret anywhere (URL, headers, body). */
		leaks(secrets) {
			const list = secrets.filter((s) => typeof s === 'string' && s.length > 0);
			return received.filter((request) => {
				if (request.headers.authorization || request.headers.cookie) return true;
				const text = `${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`;
				return list.some((secret) => text.includes(secret));
			});
		},
		reset: () => {
			received.length = 0;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startAttacker, INJECTED_TOKEN };
