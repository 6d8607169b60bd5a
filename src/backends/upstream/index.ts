/** Placeholder — owned by the upstream work. */
import type { UpstreamConfig } from '../../config';
import type { Backend } from '../../core/types';
import type { Logger } from '../../log';

export function createUpstream(_deps: { config: UpstreamConfig; logger: Logger }): Backend {
  throw new Error('the onebot upstream backend is not implemented yet');
}
