/**
 * One receiver's outbound queue (webhook destination, HTTP POST url): bounded, delivered one at a
 * time and in order, so a slow or dead receiver delays only itself and what does not fit is dropped
 * (the caller counts and logs it); and the reading of a receiver's reply. Shared by the faces that
 * POST events out.
 */

/** A receiver's reply as a JSON object, or undefined: an empty or non-JSON reply asks for nothing. */
export function replyObject(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
export interface DeliveryQueue<D> {
  /** Queue `d`; false when the queue is full and `d` was dropped. */
  push(d: D): boolean;
  readonly length: number;
  /** Drop what waits (the delivery under way finishes or is aborted by its owner). */
  clear(): void;
  /** Settles when the delivery loop has stopped. */
  idle(): Promise<void>;
}

export function createDeliveryQueue<D>(opts: { maxQueue: number; deliver: (d: D) => Promise<void>; running: () => boolean }): DeliveryQueue<D> {
  const maxQueue = Math.max(1, opts.maxQueue);
  const queue: D[] = [];
  let busy = false;
  let loop: Promise<void> = Promise.resolve();

  async function drain() {
    busy = true;
    try {
      // deliver() handles its own failures; a throw would only end this run of the loop.
      while (opts.running() && queue.length) await opts.deliver(queue.shift() as D).catch(() => undefined);
    } finally {
      busy = false;
    }
  }

  return {
    push(d) {
      if (queue.length >= maxQueue) return false;
      queue.push(d);
      if (!busy) loop = drain();
      return true;
    },
    get length() {
      return queue.length;
    },
    clear() {
      queue.length = 0;
    },
    idle: () => loop,
  };
}
