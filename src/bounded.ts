/**
 * A Map that holds at most `capacity` entries and drops the oldest past that, counting what it drops.
 * Setting a key (new or not) makes it the youngest; with `lru`, reading it with `get` does too.
 * Being a Map, it iterates, deletes and types like one, so it serves wherever a Map did.
 */

export interface BoundedMapOptions<K, V> {
  /** Entries kept at most (at least 1). */
  capacity: number;
  /** Evict the least recently used rather than the least recently set: `get` refreshes an entry. */
  lru?: boolean;
  /** Called with each evicted entry, after it left the map (not for `delete` or `clear`). */
  onEvict?: (key: K, value: V) => void;
}

export class BoundedMap<K, V> extends Map<K, V> {
  readonly capacity: number;
  /** Entries dropped to stay within capacity, since creation. */
  evicted = 0;
  private readonly lru: boolean;
  private readonly onEvict?: (key: K, value: V) => void;
  /**
   * Walks the keys oldest first and keeps its place. A fresh `keys().next()` per eviction would
   * step over every slot deleted at the front of the hash table: O(size) per insert under churn.
   * Every key behind it has been evicted, so the next one it yields is always the oldest live key.
   */
  private oldest?: Iterator<K>;

  constructor(opts: BoundedMapOptions<K, V>) {
    super();
    this.capacity = Math.max(1, Math.floor(opts.capacity) || 1);
    this.lru = opts.lru ?? false;
    this.onEvict = opts.onEvict;
  }

  override get(key: K): V | undefined {
    const value = super.get(key);
    if (this.lru && value !== undefined) {
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }

  override set(key: K, value: V): this {
    super.delete(key); // a key set again moves to the young end
    super.set(key, value);
    if (this.size > this.capacity) this.evict();
    return this;
  }

  private evict(): void {
    this.oldest ??= super.keys();
    while (this.size > this.capacity) {
      const key = this.oldest.next().value as K;
      const value = this.onEvict && (super.get(key) as V);
      super.delete(key);
      this.evicted++;
      this.onEvict?.(key, value as V);
    }
  }
}

export function createBoundedMap<K, V>(opts: BoundedMapOptions<K, V>): BoundedMap<K, V> {
  return new BoundedMap(opts);
}
