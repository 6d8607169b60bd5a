/**
 * The sandbox's simulated QQ account: plain data that every sandbox handler reads and changes.
 * A world file (JSON or YAML, shape `WorldData`) can replace the seed world.
 */
import { createBoundedMap, type BoundedMap } from '../../bounded';
import { MessageStore } from './message-store';
import type { Segment } from '../../core/types';

export type Sex = 'male' | 'female' | 'unknown';
export type Role = 'owner' | 'admin' | 'member';

export interface Person {
  user_id: number;
  nickname: string;
  sex: Sex;
  age: number;
  level: number;
  long_nick: string;
  email: string;
}
export interface FriendEntry { user_id: number; remark: string; category_id: number }
export interface Category { category_id: number; category_name: string }
export interface Member {
  user_id: number;
  card: string;
  title: string;
  title_expire_time: number;
  role: Role;
  join_time: number;
  last_sent_time: number;
  /** Unix seconds when the mute ends; 0 = not muted. */
  shut_up_timestamp: number;
  level: string;
}
export interface GroupFolder { folder_id: string; folder_name: string; parent_id: string; create_time: number; creator: number }
export interface GroupFile {
  file_id: string; file_name: string; folder_id: string; busid: number; file_size: number;
  upload_time: number; dead_time: number; modify_time: number; download_times: number; uploader: number;
  sha1: string; md5: string; url: string;
}
export interface Notice {
  notice_id: string; sender_id: number; publish_time: number; text: string; images: { id: string; width: number; height: number }[]; pinned: boolean; confirm_required: boolean; read_num: number;
  /** Publishing options QQ keeps with a notice (absent = off). */
  show_edit_card?: boolean; tip_window?: boolean; send_new_member?: boolean;
}
export type HonorType = 'talkative' | 'performer' | 'legend' | 'strong_newbie' | 'emotion';
export interface Group {
  group_id: number; group_name: string; max_member_count: number; create_time: number; level: number;
  memo: string; remark: string; whole_ban: boolean; allow_member_invite: boolean; anonymous: boolean;
  members: Map<number, Member>; folders: GroupFolder[]; files: GroupFile[]; notices: Notice[];
  /** message_ids marked as essence, with who set them and when. */
  essence: { message_id: number; operator_id: number; operator_time: number }[];
  /** Honour holders by type, current holder first (talkative: the reigning 龙王). */
  honors?: Partial<Record<HonorType, number[]>>;
  /** sha1 (hex) of the current group portrait, set by set_group_portrait. */
  portrait?: string;
  /** People kicked with reject_add_request: their join requests are refused. */
  join_blocklist?: number[];
}
export interface StoredMessage {
  message_id: number;
  message_seq: number;
  time: number;
  message_type: 'private' | 'group';
  /** private: friend | group (temp) ; group: normal */
  sub_type: string;
  /** The sender. */
  user_id: number;
  /** The peer: group id for group messages, the other person for private ones. */
  peer_id: number;
  group_id?: number;
  message: Segment[];
  recalled: boolean;
  /** Sent by the bot itself. */
  self: boolean;
}
export interface PendingRequest {
  flag: string; request_type: 'friend' | 'group'; sub_type: 'add' | 'invite';
  user_id: number; group_id: number; comment: string; time: number;
  /** Group invites: the group's name (the bot is not in it yet, so the world cannot tell). */
  group_name?: string;
}
export interface ForwardNode { user_id: number; nickname: string; time: number; content: Segment[] }

export interface World {
  self: Person & { online_status: number; ext_status: number; battery_status: number; avatar: string; personal_note: string };
  /** Everyone the account can see, friends and strangers alike (the bot excluded). */
  people: Map<number, Person>;
  friends: Map<number, FriendEntry>;
  categories: Map<number, Category>;
  groups: Map<number, Group>;
  blocked: Set<number>;
  unidirectional: { user_id: number; nickname: string; source: string }[];
  stamps: { id: string; url: string }[];
  likes: Map<number, number>;
  /** Bounded (`maxMessages` of the world data): the oldest messages are evicted first. */
  messages: MessageStore<StoredMessage>;
  forwards: BoundedMap<string, ForwardNode[]>;
  /** Pending friend and group requests; the oldest are forgotten first. */
  requests: BoundedMap<string, PendingRequest>;
  counters: { message_id: number; seq: number; file: number; notice: number; flag: number; category: number; forward: number };
}

export const now = () => Math.floor(Date.now() / 1000);

/** Forwards and pending requests kept at most; the oldest go first. */
export const MAX_FORWARDS = 10_000;
export const MAX_PENDING_REQUESTS = 1000;

/** Serializable world description (world files and the seed use this shape). */
export interface WorldData {
  self: { user_id: number; nickname: string; sex?: Sex; age?: number; level?: number; long_nick?: string; email?: string };
  people: (Partial<Person> & { user_id: number; nickname: string })[];
  categories?: Category[];
  friends?: (Partial<FriendEntry> & { user_id: number })[];
  groups?: (Partial<Omit<Group, 'members'>> & { group_id: number; group_name: string; members: (Partial<Member> & { user_id: number })[] })[];
  unidirectional?: World['unidirectional'];
  stamps?: World['stamps'];
  maxMessages?: number;
}

const T0 = 1_700_000_000;

export const SEED_WORLD: WorldData = {
  self: { user_id: 10000, nickname: 'MahBot', sex: 'unknown', age: 3, level: 64, long_nick: 'mah-bridge sandbox', email: 'bot@example.com' },
  people: [
    { user_id: 10001, nickname: 'Alice', sex: 'female', age: 24, level: 32, long_nick: 'hello', email: 'alice@example.com' },
    { user_id: 10002, nickname: 'Bob', sex: 'male', age: 30, level: 20 },
    { user_id: 10003, nickname: 'Carol', sex: 'female', age: 27, level: 12 },
    { user_id: 10004, nickname: 'Dave', sex: 'male', age: 19, level: 5 },
    { user_id: 10005, nickname: 'Eve', sex: 'unknown', age: 0, level: 1 },
  ],
  categories: [
    { category_id: 0, category_name: '我的好友' },
    { category_id: 1, category_name: '朋友' },
    { category_id: 2, category_name: '同事' },
  ],
  friends: [
    { user_id: 10001, remark: 'alice', category_id: 1 },
    { user_id: 10002, remark: '', category_id: 0 },
    { user_id: 10003, remark: 'carol (work)', category_id: 2 },
  ],
  groups: [
    {
      group_id: 20001, group_name: 'Sandbox Lobby', memo: 'welcome', max_member_count: 200, create_time: T0, level: 3,
      members: [
        { user_id: 10000, role: 'owner', card: '', join_time: T0 },
        { user_id: 10001, role: 'admin', card: 'Alice (admin)', title: 'Veteran', join_time: T0 + 60 },
        { user_id: 10002, role: 'member', card: '', join_time: T0 + 120 },
        { user_id: 10004, role: 'member', card: 'Dave', join_time: T0 + 180 },
      ],
      folders: [{ folder_id: '/folder-docs', folder_name: 'docs', parent_id: '/', create_time: T0, creator: 10000 }],
      files: [
        { file_id: '/file-readme', file_name: 'readme.txt', folder_id: '/', busid: 102, file_size: 12, upload_time: T0, dead_time: 0, modify_time: T0, download_times: 3, uploader: 10001, sha1: 'D2A84F4B8B650937EC8F73CD8BE2C74ADD5A911BA', md5: '5EB63BBBE01EEED093CB22BB8F5ACDC3', url: 'http://127.0.0.1/sandbox/files/readme.txt' },
        { file_id: '/file-guide', file_name: 'guide.pdf', folder_id: '/folder-docs', busid: 102, file_size: 2048, upload_time: T0 + 10, dead_time: 0, modify_time: T0 + 10, download_times: 0, uploader: 10000, sha1: '0000000000000000000000000000000000000001', md5: '00000000000000000000000000000001', url: 'http://127.0.0.1/sandbox/files/guide.pdf' },
      ],
      notices: [{ notice_id: 'notice-1', sender_id: 10000, publish_time: T0 + 5, text: 'Welcome to the sandbox', images: [], pinned: true, confirm_required: false, read_num: 2 }],
    },
    {
      group_id: 20002, group_name: 'Chatter', max_member_count: 500, create_time: T0 + 1000, level: 1,
      members: [
        { user_id: 10002, role: 'owner', card: 'Boss Bob', join_time: T0 },
        { user_id: 10000, role: 'admin', card: 'Bot', join_time: T0 + 10 },
        { user_id: 10001, role: 'member', card: '', join_time: T0 + 20 },
        { user_id: 10003, role: 'member', card: '', join_time: T0 + 30, shut_up_timestamp: 4_000_000_000 },
      ],
    },
    {
      group_id: 20003, group_name: 'Quiet Room', max_member_count: 100, create_time: T0 + 2000, level: 1,
      members: [
        { user_id: 10003, role: 'owner', card: '', join_time: T0 },
        { user_id: 10001, role: 'admin', card: '', join_time: T0 + 5 },
        { user_id: 10000, role: 'member', card: '', join_time: T0 + 10 },
        { user_id: 10005, role: 'member', card: 'Eve', join_time: T0 + 15 },
      ],
    },
  ],
  unidirectional: [{ user_id: 10005, nickname: 'Eve', source: '群聊' }],
  stamps: [
    { id: '1001', url: 'https://sandbox.invalid/stamps/1001.gif' },
    { id: '1002', url: 'https://sandbox.invalid/stamps/1002.png' },
  ],
};

export function createWorld(data: WorldData = SEED_WORLD): World {
  const person = (p: Partial<Person> & { user_id: number; nickname: string }): Person => ({
    sex: 'unknown', age: 0, level: 1, long_nick: '', email: '', ...p,
  });
  const groups = new Map<number, Group>();
  // Clone: handlers change groups in place, and the seed (or a loaded file) must stay pristine.
  for (const g of structuredClone(data.groups ?? [])) {
    const members = new Map<number, Member>();
    for (const m of g.members) {
      members.set(m.user_id, {
        card: '', title: '', title_expire_time: 0, role: 'member', join_time: T0, last_sent_time: 0, shut_up_timestamp: 0, level: '1', ...m,
      });
    }
    groups.set(g.group_id, {
      max_member_count: 200, create_time: T0, level: 1, memo: '', remark: '', whole_ban: false, allow_member_invite: true, anonymous: false,
      folders: [], files: [], notices: [], essence: [],
      ...g,
      members,
    } as Group);
  }
  return {
    self: { ...person(data.self), online_status: 11, ext_status: 0, battery_status: 100, avatar: '', personal_note: '' },
    people: new Map(data.people.map((p) => [p.user_id, person(p)])),
    friends: new Map((data.friends ?? []).map((f) => [f.user_id, { remark: '', category_id: 0, ...f }])),
    categories: new Map((data.categories ?? [{ category_id: 0, category_name: '我的好友' }]).map((c) => [c.category_id, { ...c }])),
    groups,
    blocked: new Set(),
    unidirectional: [...(data.unidirectional ?? [])],
    stamps: [...(data.stamps ?? [])],
    likes: new Map(),
    messages: new MessageStore<StoredMessage>(data.maxMessages ?? 100_000),
    forwards: createBoundedMap({ capacity: MAX_FORWARDS }),
    requests: createBoundedMap({ capacity: MAX_PENDING_REQUESTS }),
    counters: { message_id: 1000, seq: 1, file: 1, notice: 1, flag: 1, category: 100, forward: 1 },
  };
}

/** Store a message (allocating id and seq); the store evicts the oldest past `maxMessages`. */
export function storeMessage(world: World, msg: Omit<StoredMessage, 'message_id' | 'message_seq' | 'recalled'>): StoredMessage {
  // Built field by field: a spread that adds keys takes V8's slow object-clone path (µs per message).
  const stored: StoredMessage = {
    message_id: ++world.counters.message_id, message_seq: ++world.counters.seq, time: msg.time,
    message_type: msg.message_type, sub_type: msg.sub_type, user_id: msg.user_id, peer_id: msg.peer_id,
    message: msg.message, recalled: false, self: msg.self,
  };
  if (msg.group_id !== undefined) stored.group_id = msg.group_id;
  // message_ids stay positive int32s: wrap around long before 2^31.
  if (world.counters.message_id >= 2_000_000_000) world.counters.message_id = world.messages.nextIdAfterWrap(world.counters.message_id, 1000);
  world.messages.set(stored);
  return stored;
}
