import { createLog } from '../modules/kernel/log.js';

export const log = createLog('agent');
