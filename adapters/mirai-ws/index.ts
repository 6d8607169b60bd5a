/** Placeholder — owned by the mirai WS work. */
import type { BridgeConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { MiraiModel } from '../../src/mirai/types';
import type { UpgradeHandler } from '../types';

export function createMiraiWs(_deps: { mirai: MiraiModel; config: BridgeConfig; logger: Logger }): UpgradeHandler {
  return { handleUpgrade: () => false, stop: async () => {} };
}
