/** A logger whose lines a test can read. */
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../src/log';

/** Lines look like `level message {json of the other fields}`. */
export function captureLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.printf((i) => `${i.level} ${String(i.message)} ${JSON.stringify({ ...i, level: undefined, message: undefined })}`),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}
