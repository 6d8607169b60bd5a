#!/usr/bin/env node
/** CLI entry: `npm start [-- --config FILE --flags…]`. Exit codes: 0 stopped cleanly, 1 config or start failure, 2 bad flags. */
import fs from 'node:fs';
import path from 'node:path';
import { parseCli, usage, UsageError, type CliOptions } from './cli';
import { ConfigError, loadConfig } from './config-file';
import { projectRoot } from './project-root';
import type { Bridge } from './app';

async function main(argv: string[]): Promise<void> {
  let cli: CliOptions;
  try {
    cli = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`mah-bridge: ${e.message}\nRun with --help for the list of flags.\n`);
    process.exit(2);
  }
  if (cli.help) {
    process.stdout.write(usage());
    process.exit(0);
  }
  if (cli.version) {
    process.stdout.write(`${JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version}\n`);
    process.exit(0);
  }
  const config = loadConfig(cli.configFile, cli.overrides);
  // Loaded only now: --help and a bad flag or config answer without building the whole bridge.
  const { startBridge } = await import('./app');
  let bridge: Bridge | undefined;
  let signalled: string | undefined;
  const stop = (b: Bridge, signal: string) => {
    b.logger.child({ component: 'main' }).info(`${signal} received, stopping`);
    b.stop().then(
      () => process.exit(0),
      (e) => {
        b.logger.error('stop failed', { err: (e as Error).stack });
        process.exit(1);
      },
    );
  };
  // Installed before starting, so a signal during start-up still ends in a clean stop; a second one kills.
  const onSignal = (signal: string) => {
    if (signalled) return;
    signalled = signal;
    if (bridge) stop(bridge, signal);
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  bridge = await startBridge(config);
  if (signalled) stop(bridge, signalled);
}

main(process.argv.slice(2)).catch((e) => {
  // A config problem names its key; a start failure (a port in use) names its cause. Neither needs a stack.
  if (!(e instanceof ConfigError) && !(e as NodeJS.ErrnoException)?.code) console.error(e);
  process.stderr.write(`mah-bridge: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
