import type { IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { toNodeError } from '../../shared/transport';
import { checkEmail, inputError } from '../../shared/validation';

/** Sends the credential's email and password, which only the Email & Password mode has. */
export async function withCredentialLogin(this: IExecuteSingleFunctions, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const credentials = await this.getCredentials('edgeIqApi');
	try {
		if (credentials.authMode === 'apiToken') {
			throw inputError(
				'This operation uses the Email and Password of the credential: switch the EdgeIQ credential to Email & Password',
			);
		}
		const email = checkEmail(credentials.email, 'EdgeIQ credential: Email');
		if (!credentials.password) throw inputError('EdgeIQ credential: Password is empty');
		return { ...options, body: { ...(options.body as object), email, password: credentials.password } };
	} catch (error) {
		throw toNodeError(this, error);
	}
}
