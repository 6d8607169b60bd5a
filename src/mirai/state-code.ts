/** BridgeError kind → mirai StateCode: the one table every mirai face answers errors with. */
import { type BridgeError, type ErrorKind, toBridgeError } from '../errors';

export type StateCode = { code: number; msg: string };

/**
 * `own`: the error's message is the client-facing text (MAH does the same for 400/500 and for
 * the path in "file missing"); otherwise MAH's fixed text is sent.
 */
export const STATE_CODES: Record<ErrorKind, StateCode & { own?: boolean }> = {
  auth_key: { code: 1, msg: 'Auth Key错误' },
  no_bot: { code: 2, msg: '指定Bot不存在' },
  bad_session: { code: 3, msg: 'Session失效或不存在' },
  unbound_session: { code: 4, msg: 'Session未认证' },
  not_found: { code: 5, msg: '指定对象不存在' },
  unknown_action: { code: 6, msg: '指定操作不支持' },
  unsupported: { code: 6, msg: '指定操作不支持' },
  file_missing: { code: 6, msg: '文件不存在', own: true },
  permission: { code: 10, msg: '无操作权限' },
  muted: { code: 20, msg: 'Bot被禁言' },
  too_long: { code: 30, msg: '消息过长' },
  bad_params: { code: 400, msg: '无效参数', own: true },
  rejected: { code: 500, msg: '操作失败', own: true },
  upstream: { code: 500, msg: '上游连接失败', own: true },
  // Our bug: the stack goes to the log, the client gets a generic text.
  internal: { code: 500, msg: 'internal error' },
};

export function toStateCode(e: unknown): StateCode {
  const err: BridgeError = toBridgeError(e);
  const row = STATE_CODES[err.kind];
  return { code: row.code, msg: row.own && err.message ? err.message : row.msg };
}

export const SUCCESS: StateCode = Object.freeze({ code: 0, msg: 'success' });
