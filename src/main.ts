#!/usr/bin/env node
/** CLI entry: `npm start [-- --config FILE --flags…]`. */
import { startBridge } from './app';

async function main(): Promise<void> {
  const bridge = await startBridge({});
  const shutdown = () => void bridge.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
