/** What an account needs from a link to its upstream, whichever way it is carried. */
import type { EventEmitter } from 'node:events';
import type { Params } from '../../core/types';

/** A OneBot response envelope as received (nothing in it is trusted yet). */
export interface Envelope {
  status?: unknown;
  retcode?: unknown;
  data?: unknown;
  message?: unknown;
  wording?: unknown;
  msg?: unknown;
  echo?: unknown;
}

export interface TransportStats {
  calls: number;
  timeouts: number;
  /** Responses whose echo matches no call of ours (late answers after a timeout, or strangers). */
  unknownEchoes: number;
  /** Frames or bodies that were not JSON objects. */
  garbage: number;
  reconnects: number;
}

/**
 * Emits 'up' when the link becomes usable, 'down' (reason) when it is lost, and 'event' (a raw
 * upstream event object) for everything the upstream pushes.
 */
export interface Transport extends EventEmitter {
  readonly kind: 'ws' | 'http' | 'reverse-ws';
  readonly connected: boolean;
  /** Where the upstream is (for logs), without credentials. */
  readonly where: string;
  /** Send one action; resolves with the envelope, throws BridgeError('upstream') on transport failure or timeout. */
  call(action: string, params: Params, timeoutMs: number): Promise<Envelope>;
  /** Resolves once the first connection attempt has settled (success or failure), never waiting longer. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The link is considered dead (e.g. its heartbeats stopped): close it and reconnect. */
  drop(reason: string): void;
  stats(): TransportStats;
}

export const emptyStats = (): TransportStats => ({ calls: 0, timeouts: 0, unknownEchoes: 0, garbage: 0, reconnects: 0 });
