/** Placeholder — owned by the OneBot faces work. */
import type { ActionCore } from '../../src/core/action-core';
import type { BridgeConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { UpgradeHandler } from '../types';

export function createOneBotWs(_deps: { core: ActionCore; config: BridgeConfig; logger: Logger }): UpgradeHandler {
  return { handleUpgrade: () => false, stop: async () => {} };
}
