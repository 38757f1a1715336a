import { tokenTransport } from '../shared/transport';
import { eConnectProfile } from './profile';

export const eConnect = tokenTransport(eConnectProfile);
