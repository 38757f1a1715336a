import { tokenTransport } from '../shared/transport';
import { intelePeerProfile } from './profile';

export const intelePeer = tokenTransport(intelePeerProfile);
