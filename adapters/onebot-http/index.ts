/** Placeholder — owned by the OneBot faces work. */
import express from 'express';
import type { ActionCore } from '../../src/core/action-core';
import type { BridgeConfig } from '../../src/config';
import type { Logger } from '../../src/log';

export function createOneBotHttp(_deps: { core: ActionCore; config: BridgeConfig; logger: Logger }): express.Router {
  return express.Router();
}
