/**
 * Bounded waits. A test that awaits something which never happens must fail with a message, not
 * hang: while it waits, its bridge stays up, and the test runner waits for the process to exit.
 * The limits are generous (a loaded CI box is slow); they bound a wait, they never time a result.
 */

/** How long a wait may take by default. */
export const WAIT_MS = 10_000;

/** Poll a condition (state that settles asynchronously) until it holds; fail naming `what` after `limitMs`. */
export async function until(cond: () => boolean | Promise<boolean>, what = 'a condition', limitMs = WAIT_MS): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** `p`, or a failure naming `what` if it has not settled after `limitMs`. */
export function within<T>(p: Promise<T>, what: string, limitMs = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${limitMs} ms waiting for ${what}`)), limitMs);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** The next emission of `event` on `emitter` whose first argument matches `pred` (bounded). */
export function nextEmit<T>(
  emitter: { on(e: string, f: (x: T) => void): unknown; off(e: string, f: (x: T) => void): unknown },
  event: string,
  pred: (x: T) => boolean = () => true,
  what = `a matching '${event}'`,
  limitMs = WAIT_MS,
): Promise<T> {
  let on!: (x: T) => void;
  const hit = new Promise<T>((resolve) => {
    on = (x: T) => {
      if (pred(x)) resolve(x);
    };
    emitter.on(event, on);
  });
  return within(hit, what, limitMs).finally(() => emitter.off(event, on));
}

/** The first `n` emissions of `event` (bounded), in order. */
export function nextEmits<T>(
  emitter: { on(e: string, f: (x: T) => void): unknown; off(e: string, f: (x: T) => void): unknown },
  event: string,
  n: number,
  what = `${n} '${event}' emissions`,
  limitMs = WAIT_MS,
): Promise<T[]> {
  const got: T[] = [];
  let on!: (x: T) => void;
  const all = new Promise<T[]>((resolve) => {
    on = (x: T) => {
      got.push(x);
      if (got.length === n) resolve(got);
    };
    emitter.on(event, on);
  });
  return within(all, what, limitMs).finally(() => emitter.off(event, on));
}
