import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** A WebSocket face: claims the upgrades of its paths on a shared HTTP server. */
export interface UpgradeHandler {
  /** Returns false when the path is not this face's (the server then tries the next face or rejects). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  stop(): Promise<void>;
}

/** A face that connects out (reverse WS, webhook). */
export interface OutboundFace {
  start(): Promise<void>;
  stop(): Promise<void>;
}
