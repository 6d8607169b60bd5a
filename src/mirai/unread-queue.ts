/**
 * The HTTP unread queue of one mirai session: a bounded FIFO of converted events.
 * When full, NEW events are dropped (old ones are kept, as MAH does) and counted.
 */
import type { MiraiEvent, UnreadQueue } from './types';

export function createUnreadQueue(capacity: number, onDrop?: () => void): UnreadQueue {
  const cap = Math.max(0, Math.floor(capacity));
  // Ring buffer grown on demand up to `cap`, so an idle session costs nothing.
  let buf: (MiraiEvent | undefined)[] = [];
  let head = 0;
  let size = 0;
  let dropped = 0;

  const at = (i: number) => buf[(head + i) % buf.length] as MiraiEvent;
  const grow = () => {
    const next = new Array<MiraiEvent | undefined>(Math.min(cap, Math.max(8, buf.length * 2)));
    for (let i = 0; i < size; i++) next[i] = at(i);
    buf = next;
    head = 0;
  };
  const take = (n: number) => Math.max(0, Math.min(size, Math.floor(n)));
  const oldest = (k: number) => Array.from({ length: k }, (_, i) => at(i));
  const newest = (k: number) => Array.from({ length: k }, (_, i) => at(size - 1 - i));

  return {
    capacity: cap,
    get dropped() {
      return dropped;
    },
    push(ev) {
      if (size >= cap) {
        dropped++;
        onDrop?.();
        return;
      }
      if (size === buf.length) grow();
      buf[(head + size) % buf.length] = ev;
      size++;
    },
    count: () => size,
    peek: (n) => oldest(take(n)),
    peekLatest: (n) => newest(take(n)),
    fetch(n) {
      const k = take(n);
      const out = oldest(k);
      for (let i = 0; i < k; i++) buf[(head + i) % buf.length] = undefined;
      if (k) head = (head + k) % buf.length;
      size -= k;
      return out;
    },
    fetchLatest(n) {
      const k = take(n);
      const out = newest(k);
      for (let i = 0; i < k; i++) buf[(head + size - 1 - i) % buf.length] = undefined;
      size -= k;
      return out;
    },
  };
}
