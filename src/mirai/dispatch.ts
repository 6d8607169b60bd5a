/** Placeholder — owned by the HTTP/command work. */
import type { ContactDirectory, ExecuteRequest, MiraiModel } from './types';

export function createExecutor(_model: MiraiModel, _directory: ContactDirectory): (req: ExecuteRequest) => Promise<Record<string, unknown>> {
  return async () => ({ code: 500, msg: 'not implemented' });
}
