/** Placeholder — owned by the mirai HTTP work. */
import express from 'express';
import type { BridgeConfig } from '../../src/config';
import type { Logger } from '../../src/log';
import type { MiraiModel } from '../../src/mirai/types';

export function createMiraiHttp(_deps: { mirai: MiraiModel; config: BridgeConfig; logger: Logger }): express.Router {
  return express.Router();
}
