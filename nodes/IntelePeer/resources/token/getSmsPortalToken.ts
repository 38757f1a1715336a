import { mapJson, toPath } from '../../../shared/descriptions';

/** Same body as the login (username and password), sent to the SMS portal's token endpoint. */
export const toSmsPortal = toPath('/app/sms/authenticate/get_portal_auth_token');

export const smsPortalTokenOutput = mapJson((answer) => ({ token: answer.token }));
