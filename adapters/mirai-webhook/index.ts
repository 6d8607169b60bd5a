/** Placeholder — owned by the mirai WS work. */
import type { BridgeConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { MiraiModel } from '../../src/mirai/types';
import type { OutboundFace } from '../types';

export function createMiraiWebhook(_deps: { mirai: MiraiModel; config: BridgeConfig; logger: Logger }): OutboundFace {
  return { start: async () => {}, stop: async () => {} };
}
