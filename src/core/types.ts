import type { EventEmitter } from 'node:events';

export type Params = Record<string, unknown>;

/** A OneBot v11 segment, array form. `data` values keep their JSON types. */
export interface Segment {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Every event inside the bridge is a standard OneBot v11 event object in array message format,
 * with numeric ids and int32 `message_id`s: the upstream backend absorbs every dialect before
 * an event reaches the core.
 */
export interface OneBotEvent {
  time: number;
  self_id: number;
  post_type: 'message' | 'message_sent' | 'notice' | 'request' | 'meta_event';
  [key: string]: unknown;
}

/** One row of the OneBot action table: the only list of actions in the bridge. */
export interface ActionSpec {
  name: string;
  aliases?: string[];
  /** Schema id under schemas/ (default `onebot/<name>`). */
  schema?: string;
  /** When set, the action is registered but answers 1404 with data.not_supported and this reason. */
  stub?: string;
  /** Param rewrites applied before validation (e.g. `longNick` → `long_nick`). */
  rename?: Record<string, string>;
  /** Long-running (file transfer): the upstream backend gives it a longer timeout. */
  slow?: boolean;
}

/** The only seam to QQ. `sandbox` simulates an account; `upstream` forwards to a OneBot server. */
export interface Backend {
  readonly kind: 'sandbox' | 'onebot';
  /** Run a canonical action with validated params for the bot `selfId` (default: the first bot). */
  invoke(action: string, params: Params, selfId?: number): Promise<unknown>;
  /** Emits 'event' (OneBotEvent) for every event of every bot. */
  readonly events: EventEmitter;
  /** The bot accounts currently known (logged in or reconnecting). */
  bots(): number[];
  /** Whether the backend implements an action (the upstream answers from its capability table). */
  supports(action: string): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface CallOptions {
  selfId?: number;
}
