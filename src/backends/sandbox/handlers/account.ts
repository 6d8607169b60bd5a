import type { ControlOp, Handler } from '../context';

export const ACCOUNT_HANDLERS: Record<string, Handler> = {};
export const ACCOUNT_CONTROL: Record<string, ControlOp> = {};
