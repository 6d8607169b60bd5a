/** The sandbox's message actions and the message side of its control surface, gathered by area. */
import type { ControlOp, Handler } from '../context';
import { SEND_HANDLERS } from './message-send';
import { HISTORY_HANDLERS } from './message-history';
import { EXTRA_HANDLERS } from './message-extra';
import { QUICK_HANDLERS } from './message-quick';
import { MESSAGE_CONTROL_OPS } from './message-control';
import { PRIVATE_FILE_HANDLERS } from './private-files';

export const MESSAGE_HANDLERS: Record<string, Handler> = { ...SEND_HANDLERS, ...HISTORY_HANDLERS, ...EXTRA_HANDLERS, ...QUICK_HANDLERS, ...PRIVATE_FILE_HANDLERS };
export const MESSAGE_CONTROL: Record<string, ControlOp> = MESSAGE_CONTROL_OPS;
export { storedToOneBot } from './message-model';
