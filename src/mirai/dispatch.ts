/** Placeholder — owned by the HTTP/command work. */
import type { ExecuteRequest, MiraiModel } from './types';

export function createExecutor(_model: MiraiModel): (req: ExecuteRequest) => Promise<Record<string, unknown>> {
  return async () => ({ code: 500, msg: 'not implemented' });
}
