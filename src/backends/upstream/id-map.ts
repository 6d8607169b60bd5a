/**
 * Our message ids ↔ an upstream's opaque ids (one map per upstream account).
 *
 * Every id the bridge shows is a positive int32. A positive int32 from the upstream passes through
 * unchanged (NapCat, go-cqhttp, Lagrange); anything else — icqq's base64url strings, LLOneBot's
 * negative numbers — gets an id allocated here. Ids are treated as opaque JSON values: never parsed,
 * handed back exactly as received. The map is bounded (least recently used entries are evicted and
 * counted); the peer each id was seen with is kept, as some upstream actions need it.
 */
import { createBoundedMap } from '../../bounded';

export interface IdEntry {
  /** The upstream's id, exactly as received. */
  upstream: unknown;
  /** `group:<id>` or `private:<id>` when known. */
  peer?: string;
}
const INT32_MAX = 0x7fffffff;
const isPassThrough = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= INT32_MAX;
const keyOf = (v: unknown) => (typeof v === 'string' ? `s:${v}` : `j:${JSON.stringify(v)}`);

export interface IdMap {
  /** Upstream id → our int32 id (allocating one when needed). */
  toOurs(upstream: unknown, peer?: string): number;
  /** Our id → what the upstream knows it by; undefined when the id never came from it (or was evicted). */
  toUpstream(ours: number): IdEntry | undefined;
  readonly size: number;
  readonly evicted: number;
}

export function createIdMap(capacity = 100_000): IdMap {
  const byUpstream = new Map<string, number>();
  // Least recently used first: a lookup either way refreshes an entry.
  const byOurs = createBoundedMap<number, IdEntry>({ capacity, lru: true, onEvict: (_, e) => byUpstream.delete(keyOf(e.upstream)) });
  let next = INT32_MAX;

  // Allocated ids count down from INT32_MAX, skipping any id in use (passed-through ids are in the map too).
  const allocate = () => {
    do {
      next = next <= 1 ? INT32_MAX : next - 1;
    } while (byOurs.has(next));
    return next;
  };

  return {
    toOurs(upstream, peer) {
      const key = keyOf(upstream);
      const known = byUpstream.get(key);
      if (known !== undefined) {
        const entry = byOurs.get(known) as IdEntry;
        if (peer && !entry.peer) entry.peer = peer;
        return known;
      }
      // A pass-through id keeps its value unless an allocated id already took it.
      const ours = isPassThrough(upstream) && !byOurs.has(upstream) ? upstream : allocate();
      byUpstream.set(key, ours);
      byOurs.set(ours, { upstream, peer });
      return ours;
    },
    toUpstream: (ours) => byOurs.get(ours),
    get size() {
      return byOurs.size;
    },
    get evicted() {
      return byOurs.evicted;
    },
  };
}
