/** The sandbox's group actions and the group side of its control surface, gathered by area. */
import type { ControlOp, Handler } from '../context';
import { ADMIN_HANDLERS } from './group-admin';
import { GROUP_CONTROL as CONTROL } from './group-control';
import { FILE_HANDLERS } from './group-files';
import { INFO_HANDLERS } from './group-info';
import { NOTICE_HANDLERS } from './group-notices';
import { REQUEST_HANDLERS } from './group-requests';

export const GROUP_HANDLERS: Record<string, Handler> = {
  ...INFO_HANDLERS, ...ADMIN_HANDLERS, ...FILE_HANDLERS, ...NOTICE_HANDLERS, ...REQUEST_HANDLERS,
};
export const GROUP_CONTROL: Record<string, ControlOp> = CONTROL;
