import type { ControlOp, Handler } from '../context';

export const MESSAGE_HANDLERS: Record<string, Handler> = {};
export const MESSAGE_CONTROL: Record<string, ControlOp> = {};
