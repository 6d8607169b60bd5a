import type { ControlOp, Handler } from '../context';
import { MESSAGE_HANDLERS, MESSAGE_CONTROL } from './message';
import { GROUP_HANDLERS, GROUP_CONTROL } from './group';
import { ACCOUNT_HANDLERS, ACCOUNT_CONTROL } from './account';
import { WORKS_OFFLINE } from './offline';

function merge<T>(parts: Record<string, T>[], what: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const part of parts) for (const [k, v] of Object.entries(part)) {
    if (out.has(k)) throw new Error(`duplicate sandbox ${what} ${k}`);
    out.set(k, v);
  }
  return out;
}

export const SANDBOX_HANDLERS: Map<string, Handler> = merge([MESSAGE_HANDLERS, GROUP_HANDLERS, ACCOUNT_HANDLERS], 'handler');
export const SANDBOX_CONTROL: Map<string, ControlOp> = merge([MESSAGE_CONTROL, GROUP_CONTROL, ACCOUNT_CONTROL], 'control op');

// A misspelt name in the offline table would silently refuse a local read: fail at boot instead.
for (const name of WORKS_OFFLINE) if (!SANDBOX_HANDLERS.has(name)) throw new Error(`sandbox offline table names unknown action ${name}`);
export { WORKS_OFFLINE, OFFLINE_MESSAGE } from './offline';
