import { tokenTransport } from '../shared/transport';
import { edgeIqProfile } from './profile';

export const edgeIq = tokenTransport(edgeIqProfile);
