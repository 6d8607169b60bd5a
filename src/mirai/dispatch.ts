/**
 * The one mirai dispatch, shared by every transport: find the command, resolve the session,
 * drop nulls, validate, run the handler, shape the reply; any failure becomes a StateCode.
 */
import { paramsCopy } from '../core/action-core';
import { BridgeError, isBridgeError } from '../errors';
import type { StateCode } from './state-code';
import { SUCCESS, toStateCode } from './state-code';
import { createSchemas, type Schemas } from '../schemas';
import type { BoundSession, CommandSpec, ExecuteRequest, MiraiModel, ReplyShape } from './types';

export const schemaIdOf = (c: CommandSpec) => c.schema ?? (c.subCommand ? `mirai/${c.name}.${c.subCommand}` : `mirai/${c.name}`);

const REPLY: Record<ReplyShape, (data: unknown) => Record<string, unknown>> = {
  state: () => ({ ...SUCCESS }),
  restful: (data) => ({ code: 0, msg: '', data: data === undefined ? null : data }),
  bare: (data) => data as Record<string, unknown>,
  send: (data) => ({ code: 0, msg: 'success', messageId: data }),
  raw: (data) => data as Record<string, unknown>,
};

/** MAH's wording for a body that lacks fields; any other validation failure is "无效参数". */
function validationState(e: BridgeError): StateCode {
  const missing = (e.data as { missing?: string[] } | undefined)?.missing ?? [];
  if (missing.length) return { code: 400, msg: `参数错误，缺少字段: ${[...new Set(missing)].join(', ')}` };
  return { code: 400, msg: '无效参数' };
}

let sharedSchemas: Schemas | undefined;

export function createExecutor(model: MiraiModel, schemas: Schemas = (sharedSchemas ??= createSchemas())): (req: ExecuteRequest) => Promise<Record<string, unknown>> {
  const log = model.logger.child({ component: 'mirai-dispatch' });

  const sessionFor = (cmd: CommandSpec, req: ExecuteRequest): { session: BoundSession | null; botId: number } => {
    const auth = cmd.auth ?? 'session';
    if (auth === 'session') {
      // A webhook reply acts for the bot that received the event, with no session.
      if (req.transport === 'webhook' && req.botId !== undefined) return { session: null, botId: req.botId };
      const session = model.sessions.authed(req.sessionKey);
      return { session, botId: session.botId };
    }
    return { session: null, botId: req.botId ?? model.core.bots()[0] ?? 0 };
  };

  return async function execute(req) {
    const cmd = model.findCommand(req.command, req.subCommand);
    if (!cmd) return toStateCode(new BridgeError('unknown_action', `unknown command ${req.command}`));
    const started = Date.now();
    try {
      const { session, botId } = sessionFor(cmd, req);
      const content = paramsCopy(req.content); // a copy: the handler may change it freely
      // verify/bind/release read the key themselves: give them the one the transport found.
      if (cmd.auth === 'self' && content.sessionKey === undefined && req.sessionKey !== undefined) content.sessionKey = req.sessionKey;
      let params: Record<string, unknown>;
      try {
        params = schemas.validate(schemaIdOf(cmd), content);
      } catch (e) {
        if (isBridgeError(e) && e.kind === 'bad_params') return validationState(e);
        throw e;
      }
      const data = await cmd.handler(
        { mirai: model, core: model.core, directory: model.directory, session, botId, transport: req.transport, files: req.files ?? [], logger: log },
        params,
      );
      log.debug('command', { command: cmd.name, subCommand: cmd.subCommand, transport: req.transport, ms: Date.now() - started });
      return REPLY[cmd.reply](data);
    } catch (e) {
      const state = toStateCode(e);
      if (!isBridgeError(e) || e.kind === 'internal') log.error('command failed', { command: cmd.name, err: (e as Error)?.stack ?? String(e) });
      else log.debug('command refused', { command: cmd.name, transport: req.transport, code: state.code, reason: e.message });
      return state;
    }
  };
}
