/** Reconnect delays: exponential from `minMs` to `maxMs`, with jitter so many bridges don't retry in step. */
export interface Backoff {
  next(): number;
  reset(): void;
}

export function createBackoff(opts: { minMs: number; maxMs: number }, random: () => number = Math.random): Backoff {
  let attempt = 0;
  return {
    next() {
      const base = Math.min(opts.maxMs, opts.minMs * 2 ** Math.min(attempt++, 30));
      // "Equal jitter": at least half the delay, so a flapping link is not hammered.
      return Math.round(base / 2 + (random() * base) / 2);
    },
    reset() {
      attempt = 0;
    },
  };
}
