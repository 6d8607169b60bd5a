/**
 * The sandbox's message history: the newest `capacity` messages by id, the oldest dropped first.
 * Ids come from one counter, so a message lives in slot `id % capacity` of a fixed ring: storing is an
 * array write (the message it replaces is the oldest), a lookup is an index and an id check, and no
 * hash table churns under a stream of sends.
 */
export class MessageStore<M extends { message_id: number }> {
  readonly capacity: number;
  /** Messages dropped to stay within capacity, since creation. */
  evicted = 0;
  private readonly slots: (M | undefined)[];
  private count = 0;
  /** Slot of the newest message: iteration starts after it, at the oldest. */
  private newest = -1;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity) || 1);
    this.slots = new Array<M | undefined>(this.capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Store a message under its id; ids must follow one another (see `nextIdAfterWrap`). */
  set(m: M): void {
    const slot = m.message_id % this.capacity;
    const old = this.slots[slot];
    if (old === undefined) this.count++;
    else if (old.message_id !== m.message_id) this.evicted++;
    this.slots[slot] = m;
    this.newest = slot;
  }

  get(id: number): M | undefined {
    if (!Number.isSafeInteger(id) || id < 0) return undefined;
    const m = this.slots[id % this.capacity];
    return m !== undefined && m.message_id === id ? m : undefined;
  }

  /** Oldest first. */
  *values(): IterableIterator<M> {
    const n = this.capacity;
    for (let i = 1; i <= n; i++) {
      const m = this.slots[(this.newest + i) % n];
      if (m !== undefined) yield m;
    }
  }

  *keys(): IterableIterator<number> {
    for (const m of this.values()) yield m.message_id;
  }

  /**
   * Where an id counter that ran out of room restarts: a small number in the same ring slot as the
   * next id would have been, so ids keep following one another around the ring.
   */
  nextIdAfterWrap(counter: number, floor: number): number {
    return floor + ((((counter - floor) % this.capacity) + this.capacity) % this.capacity);
  }
}
