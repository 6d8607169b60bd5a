/**
 * Sends under way through the bridge, per bot. An upstream that reports the account's own messages
 * may report one of ours before the send's reply gives us its id; the event hub waits for the sends
 * under way at that moment (each ends within the call timeout), then tells ours from the others.
 */
export interface SendsInFlight {
  /** Run a send (the call and its caching) as one tracked unit. */
  track<T>(botId: number, run: () => Promise<T>): Promise<T>;
  /** Settles when every send under way now for the bot has ended; undefined when there is none. */
  settled(botId: number): Promise<void> | undefined;
}

export function createSendsInFlight(): SendsInFlight {
  const byBot = new Map<number, Set<Promise<unknown>>>();
  return {
    track(botId, run) {
      const p = run();
      let set = byBot.get(botId);
      if (!set) byBot.set(botId, (set = new Set()));
      const s = set;
      s.add(p);
      const done = () => {
        s.delete(p);
        if (!s.size && byBot.get(botId) === s) byBot.delete(botId);
      };
      p.then(done, done);
      return p;
    },
    settled(botId) {
      const set = byBot.get(botId);
      return set?.size ? Promise.allSettled([...set]).then(() => undefined) : undefined;
    },
  };
}
