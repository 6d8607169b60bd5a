import type { ErrorKind } from '../../src/errors';
import { BridgeError } from '../../src/errors';

/** The OneBot v11 response envelope. `echo` only when the request had one. */
export interface Envelope {
  status: 'ok' | 'async' | 'failed';
  retcode: number;
  data: unknown;
  echo?: unknown;
  message?: string;
  wording?: string;
}

/** BridgeError kind → OneBot retcode. A Record, so a new kind fails to compile until it is mapped. */
export const RETCODE: Record<ErrorKind, number> = {
  bad_params: 1400,
  unknown_action: 1404,
  unsupported: 1404,
  not_found: 1404,
  file_missing: 1500,
  permission: 1500,
  muted: 1500,
  too_long: 1500,
  rejected: 1500,
  upstream: 1500,
  internal: 1500,
  // mirai-only kinds: not reachable from a OneBot face, mapped for completeness.
  auth_key: 1500,
  no_bot: 1500,
  bad_session: 1500,
  unbound_session: 1500,
};

/** Request carries an echo: copy it verbatim (any JSON type, null included). */
export interface EchoSource {
  hasEcho: boolean;
  echo?: unknown;
}

function withEcho(env: Envelope, req: EchoSource): Envelope {
  if (req.hasEcho) env.echo = req.echo;
  return env;
}

export const okEnvelope = (data: unknown, req: EchoSource): Envelope =>
  withEcho({ status: 'ok', retcode: 0, data: data === undefined ? null : data }, req);

export const asyncEnvelope = (req: EchoSource): Envelope => withEcho({ status: 'async', retcode: 1, data: null }, req);

/** `err` must already be a BridgeError; internal errors carry a generic message (the stack goes to the log). */
export function errorEnvelope(err: BridgeError, req: EchoSource): Envelope {
  const message = err.kind === 'internal' ? 'internal error' : err.message;
  const data = err.kind === 'unsupported' ? (err.data ?? { not_supported: true, message }) : null;
  return withEcho({ status: 'failed', retcode: RETCODE[err.kind], data, message, wording: message }, req);
}

/** A failure that never reached the core (bad frame, bad token): retcode given directly. */
export function failedEnvelope(retcode: number, message: string, req: EchoSource = { hasEcho: false }): Envelope {
  return withEcho({ status: 'failed', retcode, data: null, message, wording: message }, req);
}
