/** Contracts between the parts of the mirai model (sessions, cache, translation, command table). */
import type { EventEmitter } from 'node:events';
import type { ActionCore } from '../core/action-core';
import type { MiraiConfig } from '../config';
import type { Logger } from '../log';
import type { SendsInFlight } from './sends-in-flight';

/** A mirai message element (`{type:'Plain',text}` …) or event object (`{type:'GroupMessage',…}`). */
export interface MiraiObject { type: string; [key: string]: unknown }
export type MessageChain = MiraiObject[];
export type MiraiEvent = MiraiObject;

export type Permission = 'OWNER' | 'ADMINISTRATOR' | 'MEMBER';
export interface MiraiFriend { id: number; nickname: string; remark: string }
export interface MiraiGroup { id: number; name: string; permission: Permission }
export interface MiraiMember {
  id: number; memberName: string; specialTitle: string; permission: Permission;
  joinTimestamp: number; lastSpeakTimestamp: number; muteTimeRemaining: number;
  group: MiraiGroup; active: null | { rank: number; point: number; honors: string[]; temperature: number };
}

/** HTTP unread queue of one session (bounded; counts what it drops). */
export interface UnreadQueue {
  readonly capacity: number;
  readonly dropped: number;
  push(ev: MiraiEvent): void;
  count(): number;
  fetch(n: number): MiraiEvent[];
  fetchLatest(n: number): MiraiEvent[];
  peek(n: number): MiraiEvent[];
  peekLatest(n: number): MiraiEvent[];
}

export interface Session {
  readonly key: string;
  /** null until bound. */
  botId: number | null;
  /** HTTP /bind and every attached socket hold one reference. */
  refs: number;
  /** Present for sessions bound through HTTP (or the single session). */
  queue: UnreadQueue | null;
  readonly createdAt: number;
}
export type BoundSession = Session & { botId: number };

export interface HandshakeParams { verifyKey?: unknown; qq?: unknown; sessionKey?: unknown }

export interface SessionManager {
  /** The effective verifyKey (generated at start when not configured). */
  readonly verifyKey: string;
  /** POST /verify: returns a new (temporary) session key; throws BridgeError('auth_key'). */
  verify(verifyKey: unknown): string;
  /** POST /bind. */
  bind(key: string, qq: number): void;
  /** POST /release. */
  release(key: string, qq: number): void;
  /** Look up the session of a request; throws 'bad_session' (3) or 'unbound_session' (4). */
  authed(key: string | undefined): BoundSession;
  get(key: string): Session | undefined;
  /** WS / reverse-WS handshake: new session via qq, or attach (ref++) to an existing bound one. */
  connect(p: HandshakeParams): BoundSession;
  /** Socket closed: ref--, closing the session at 0 (an HTTP-bound session keeps its /bind ref). */
  disconnect(session: Session): void;
  /** Every bound session of a bot (event fan-out). */
  sessionsOf(botId: number): BoundSession[];
  stats(): { sessions: number; bound: number; maxSessions: number; dropped: number };
  start(): void;
  stop(): void;
}

/** A message remembered for messageFromId / Quote / recall / setEssence / forward references. */
export interface CachedMessage {
  botId: number;
  messageId: number;
  /** Context: group id for group messages, the other party for friend/temp/stranger ones. */
  contextId: number;
  kind: 'friend' | 'group' | 'temp' | 'stranger';
  senderId: number;
  /** Receiver: group id for group messages, user id otherwise. */
  targetId: number;
  /** Group id (group and temp messages), else 0. */
  groupId: number;
  time: number;
  /** The chain without its Source element. */
  chain: MessageChain;
  /** The full mirai packet as pushed (GroupMessage/FriendMessage/…); built on demand when absent. */
  packet?: MiraiEvent;
  /** Sent by the bot. */
  self: boolean;
}

export interface MessageCache {
  record(m: CachedMessage): void;
  /** contextId absent: any context. */
  get(botId: number, messageId: number, contextId?: number): CachedMessage | undefined;
  stats(): { size: number; capacity: number; evicted: number };
  stop(): void;
}

export type Transport = 'http' | 'ws' | 'reverse-ws' | 'webhook';

export type ReplyShape =
  | 'state' // {code, msg}
  | 'restful' // {code:0, msg:"", data}
  | 'bare' // the object itself
  | 'send' // {code:0, msg:"success", messageId}
  | 'raw'; // handler returns the whole reply (verify's {code,session})

export interface UploadedFile { field: string; filename: string; mimeType: string; data: Buffer }

/** Contacts as mirai objects, cached from the core (events and commands read it synchronously). */
export interface ContactDirectory {
  friend(botId: number, id: number): MiraiFriend | undefined;
  group(botId: number, id: number): MiraiGroup | undefined;
  member(botId: number, groupId: number, id: number): MiraiMember | undefined;
  botNickname(botId: number): string;
  /**
   * Whether the bot is muted in the group, as its member record says (shut_up_timestamp). A record
   * that says muted and is older than a minute is fetched again first: a missed unmute notice must
   * not silence the bot for the rest of the mute. `false` at once when no mute is noted (every send asks).
   */
  botMuted(botId: number, groupId: number): false | Promise<boolean>;
  /** A whole-group mute came or went (notice `group_ban` for user 0); it silences the bot unless it is admin or owner. */
  noteWholeBan(botId: number, groupId: number, on: boolean): void;
  /** Fetch what the cache lacks (group/member/friend) from the core; throws only when the backend is unreachable ('upstream'). */
  ensure(botId: number, q: { groupId?: number; userId?: number }): Promise<void>;
  /** Forget cached data an event touched (card/role/title/membership), so the next read refetches. */
  invalidate(botId: number, q: { groupId?: number; userId?: number }): void;
  start(): Promise<void>;
  stop(): void;
}

/** Media ids (imageId/voiceId/videoId) seen in received messages or uploaded, mapped to a OneBot file source. */
export interface MediaRegistry {
  /** Remember `id` → `source` (an http(s) URL, `base64://…` or `file://…`, as a OneBot `file` value). */
  remember(kind: 'image' | 'voice' | 'video', id: string, source: string): void;
  resolve(kind: 'image' | 'voice' | 'video', id: string): string | undefined;
  stats(): { size: number; capacity: number; evicted: number };
}

/** mirai request `eventId` (Long) ↔ OneBot request `flag` (string), per bot. */
export interface PendingMiraiRequest { flag: string; kind: 'friend' | 'join' | 'invite'; fromId: number; groupId: number }
export interface RequestRegistry {
  /** The eventId for a flag (stable: the same flag gives the same id). */
  idFor(botId: number, req: PendingMiraiRequest): number;
  lookup(botId: number, eventId: number): PendingMiraiRequest | undefined;
}

export interface CommandContext {
  mirai: MiraiModel;
  core: ActionCore;
  directory: ContactDirectory;
  /** The caller's session (null for commands with auth 'none'). */
  session: BoundSession | null;
  /** The bot the command acts for. */
  botId: number;
  transport: Transport;
  /** Multipart file parts (HTTP uploads only). */
  files: UploadedFile[];
  logger: Logger;
}

/** One mirai command, declared once: HTTP route, WS name/subCommand, schema, reply shape, handler. */
export interface CommandSpec {
  /** WS/webhook command name (`sendFriendMessage`, `file_list`, `groupConfig`). */
  name: string;
  subCommand?: 'get' | 'update';
  /** HTTP route; absent = not served over HTTP. */
  http?: { method: 'GET' | 'POST'; path: string; multipart?: boolean };
  /** Served over WS / reverse-WS (default true). */
  ws?: boolean;
  /** Executable from a webhook reply body (MAH §5.2 list). */
  webhook?: boolean;
  /** 'none' (about, botList), 'session' (default), 'self' (verify/bind/release: the handler reads keys itself). */
  auth?: 'none' | 'session' | 'self';
  /** Schema id under schemas/ (default `mirai/<name>` or `mirai/<name>.<subCommand>`). */
  schema?: string;
  reply: ReplyShape;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler: (ctx: CommandContext, params: any) => Promise<unknown> | unknown;
}

export interface ExecuteRequest {
  command: string;
  subCommand?: string | null;
  content: Record<string, unknown>;
  transport: Transport;
  /** Session key as found by the transport (HTTP: headers/body/query; WS: the connection's). */
  sessionKey?: string;
  /** Webhook replies act for this bot with a one-off session. */
  botId?: number;
  files?: UploadedFile[];
}

export interface MiraiModel {
  readonly config: MiraiConfig;
  readonly core: ActionCore;
  readonly sessions: SessionManager;
  readonly cache: MessageCache;
  readonly directory: ContactDirectory;
  readonly media: MediaRegistry;
  readonly requests: RequestRegistry;
  /** Sends under way, so an early echo of one is still known as ours. */
  readonly sends: SendsInFlight;
  readonly commands: CommandSpec[];
  /** Find the command a transport names (WS name + subCommand, or HTTP method + path). */
  findCommand(name: string, subCommand?: string | null): CommandSpec | undefined;
  findRoute(method: string, path: string): CommandSpec | undefined;
  /**
   * The one dispatch every mirai face uses: session check, validation, handler, reply shape.
   * Never throws: errors come back as `{code, msg}` (MAH's StateCode).
   */
  execute(req: ExecuteRequest): Promise<Record<string, unknown>>;
  /** 'event' (botId: number, event: MiraiEvent): every converted event, after it is cached. */
  readonly events: EventEmitter;
  readonly logger: Logger;
  start(): Promise<void>;
  stop(): Promise<void>;
}
