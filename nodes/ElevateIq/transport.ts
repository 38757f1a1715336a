import { tokenTransport } from '../shared/transport';
import { elevateIqProfile } from './profile';

export const elevateIq = tokenTransport(elevateIqProfile);
