import { tokenTransport } from '../shared/transport';
import { elyssaProfile } from './profile';

export const elyssa = tokenTransport(elyssaProfile);
