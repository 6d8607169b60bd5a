import type { OneBotEvent } from '../../core/types';
import type { Logger } from '../../log';
import type { TempFiles } from '../../temp-files';
import type { World } from './world';

/** What a sandbox handler sees: the world, and a way to emit the OneBot events its change causes. */
export interface SandboxContext {
  world: World;
  selfId: number;
  logger: Logger;
  /** Where download_file writes: files expire and are bounded; the sandbox's stop deletes them. */
  downloads: TempFiles;
  /** Emit an event; `time` and `self_id` are filled in when absent. */
  emit(ev: Omit<OneBotEvent, 'time' | 'self_id'> & { time?: number; self_id?: number }): void;
}

/** A sandbox implementation of one OneBot action (params already validated by the core). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (ctx: SandboxContext, params: any) => unknown | Promise<unknown>;

/** A control-surface operation: plays "the other people" (`POST|GET /sandbox/<name>` on the OneBot port). */
export interface ControlOp {
  method: 'GET' | 'POST';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run: (ctx: SandboxContext, params: any) => unknown | Promise<unknown>;
}
