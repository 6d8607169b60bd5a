import type { ControlOp, Handler } from '../context';

export const GROUP_HANDLERS: Record<string, Handler> = {};
export const GROUP_CONTROL: Record<string, ControlOp> = {};
