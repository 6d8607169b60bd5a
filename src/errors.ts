/**
 * One error type for the whole bridge. Each face maps `kind` to its own wire code
 * through a Record<ErrorKind, …>, so adding a kind fails to compile until every face maps it.
 */
export type ErrorKind =
  | 'bad_params' // invalid or missing parameters
  | 'unknown_action' // no such action / command
  | 'unsupported' // known, but not supported here (stubs, backend lacks it)
  | 'not_found' // target contact / message / file / announcement does not exist
  | 'file_missing' // a local file named by the caller does not exist
  | 'permission' // the bot lacks the permission
  | 'muted' // the bot is muted in that group
  | 'too_long' // message too long
  | 'rejected' // the QQ side (or upstream) refused the operation
  | 'upstream' // transport failure or timeout talking to an upstream
  | 'auth_key' // mirai: wrong verifyKey
  | 'no_bot' // mirai: no such bot
  | 'bad_session' // mirai: unknown or expired session
  | 'unbound_session' // mirai: session not bound to a bot
  | 'internal'; // our bug

export class BridgeError extends Error {
  readonly kind: ErrorKind;
  readonly data: unknown;
  constructor(kind: ErrorKind, message: string, data?: unknown) {
    super(message);
    this.name = 'BridgeError';
    this.kind = kind;
    this.data = data;
  }
}

export const isBridgeError = (e: unknown): e is BridgeError => e instanceof BridgeError;

/** Anything thrown that is not a BridgeError is our bug: wrap it, keep the stack for the log. */
export function toBridgeError(e: unknown): BridgeError {
  if (e instanceof BridgeError) return e;
  const err = new BridgeError('internal', 'internal error');
  if (e instanceof Error) err.stack = e.stack;
  return err;
}

export const badParams = (msg: string) => new BridgeError('bad_params', msg);
export const notFound = (msg: string) => new BridgeError('not_found', msg);
