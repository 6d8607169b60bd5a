/** Placeholder — owned by the translation work. */
import type { ActionCore } from '../core/action-core';
import type { Logger } from '../log';
import type { ContactDirectory } from './types';


export function createContactDirectory(_deps: { core: ActionCore; logger: Logger }): ContactDirectory {
  throw new Error('not implemented');
}
