/**
 * Files the bridge writes for a caller to pick up by path (download_file): kept in one private
 * folder under the OS temp folder, each for a TTL (node-cache expiry), at most `maxFiles` at once
 * (the oldest goes first), so disk use stays bounded. `stop()` deletes every file and the folder.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import NodeCache from 'node-cache';
import { BoundedMap } from './bounded';
import { BridgeError } from './errors';
import type { Logger } from './log';

export const TEMP_FILES_DEFAULTS = { ttlSeconds: 3600, maxFiles: 64 };

export interface TempFilesOptions {
  /** Name prefix of the folder made under the OS temp folder (a random suffix follows). */
  prefix: string;
  /** How long a file is kept, in seconds (fractions allowed). */
  ttlSeconds?: number;
  /** Files kept at most; past that the oldest is deleted. */
  maxFiles?: number;
  /** How often expiry is checked, in seconds (default: the TTL, at most 60). */
  checkPeriodSeconds?: number;
  logger?: Logger;
}

export interface TempFiles {
  /** Write `bytes` as `name` (a bare file name) and keep it for the TTL; returns its absolute path. */
  write(name: string, bytes: Buffer): Promise<string>;
  /** The folder, once a write has made it (until stop). */
  dir(): Promise<string | undefined>;
  /** `expired` and `evicted` count files deleted by the TTL and by the bound, since creation. */
  stats(): { files: number; expired: number; evicted: number };
  /** Delete every file and the folder. A later write starts a new folder. */
  stop(): Promise<void>;
}

/** One folder's lifetime: made by the first write, ended by stop. */
interface Generation {
  dir: Promise<string>;
  /** TTLs: the expiry timer deletes the file. */
  ttl: NodeCache;
  /** Age order and the bound: eviction deletes the file. */
  files: BoundedMap<string, true>;
}

export function createTempFiles(opts: TempFilesOptions): TempFiles {
  const ttlSeconds = opts.ttlSeconds ?? TEMP_FILES_DEFAULTS.ttlSeconds;
  const maxFiles = opts.maxFiles ?? TEMP_FILES_DEFAULTS.maxFiles;
  const checkperiod = opts.checkPeriodSeconds ?? Math.min(60, ttlSeconds);
  const log = opts.logger?.child({ component: 'temp-files' });
  let current: Generation | undefined;
  let expired = 0;
  let evicted = 0;

  const remove = (file: string) =>
    fs.rm(file, { force: true }).catch((e: NodeJS.ErrnoException) => log?.warn('cannot delete a temp file', { file, err: e.code ?? e.message }));

  function open(): Generation {
    // node-cache unrefs its check timer: an idle store never holds the process open.
    const ttl = new NodeCache({ stdTTL: ttlSeconds, checkperiod, useClones: false });
    const g: Generation = {
      dir: fs.mkdtemp(path.join(os.tmpdir(), opts.prefix)),
      ttl,
      files: new BoundedMap<string, true>({
        capacity: maxFiles,
        onEvict: (file) => {
          evicted++;
          ttl.del(file);
          void remove(file);
        },
      }),
    };
    ttl.on('expired', (file: string) => {
      expired++;
      g.files.delete(file);
      void remove(file);
    });
    // A failed mkdtemp must not poison later writes.
    g.dir.catch(() => current === g && (current = undefined));
    return g;
  }

  return {
    async write(name, bytes) {
      const g = (current ??= open());
      const dir = await g.dir;
      const file = path.join(dir, path.basename(name));
      // Registered before the write, so neither expiry nor the bound can take it half-written.
      g.ttl.set(file, true);
      g.files.set(file, true);
      try {
        await fs.writeFile(file, bytes);
      } catch (e) {
        g.ttl.del(file);
        g.files.delete(file);
        void remove(file);
        throw current === g ? e : new BridgeError('rejected', 'the bridge is stopping');
      }
      if (current !== g) {
        await remove(file);
        throw new BridgeError('rejected', 'the bridge is stopping');
      }
      return file;
    },
    async dir() {
      return current?.dir.catch(() => undefined);
    },
    stats: () => ({ files: current?.files.size ?? 0, expired, evicted }),
    async stop() {
      const g = current;
      if (!g) return;
      current = undefined;
      g.ttl.flushAll();
      g.ttl.close(); // after flushAll, which restarts the check timer
      const dir = await g.dir.catch(() => undefined);
      if (dir) await fs.rm(dir, { recursive: true, force: true }).catch((e: NodeJS.ErrnoException) => log?.warn('cannot delete the temp folder', { dir, err: e.code ?? e.message }));
    },
  };
}
