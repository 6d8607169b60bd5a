/**
 * What differs between OneBot v11 servers, as data: one row per implementation, plus the groups of
 * action names that mean the same thing. Detection uses `get_version_info` and then probes
 * (`get_supported_actions`, `app_full_name`), because icqq-rust-onebot calls itself go-cqhttp.
 */

export type DialectName = 'napcat' | 'llonebot' | 'lagrange' | 'go-cqhttp' | 'icqq' | 'generic';

export interface Dialect {
  name: DialectName;
  /** Upstream names to try first, per canonical action (then the rest of its name group). */
  prefer: Record<string, string[]>;
  /** Actions this implementation is known not to have (used when it cannot list its actions). */
  missing: string[];
  /** How `get_*_msg_history` is anchored: a real seq, a message id, or a message id sent as `message_seq`. */
  historyAnchor: 'seq' | 'id' | 'id-as-seq' | 'both';
  /** Parameter names for `move_group_file` (current and target folder). */
  fileMove: { current?: string; target: string };
  /** `set_qq_profile` fails without `nickname`. */
  profileNeedsNickname: boolean;
  /** Ids are never numbers (set at detection, or at the first string id seen). */
  stringIds: boolean;
}

/**
 * Names that mean the same operation, canonical (our action table's spelling) and upstream
 * spellings alike. The backend tries them in order and moves on when the upstream says "unknown action".
 */
export const NAME_GROUPS: string[][] = [
  ['send_group_notice', '_send_group_notice'],
  ['get_group_notice', '_get_group_notice'],
  ['del_group_notice', '_del_group_notice', '_delete_group_notice'],
  ['delete_group_folder', 'delete_group_file_folder'],
  ['set_msg_emoji_like', 'set_group_reaction'],
  ['set_group_kick_members', 'batch_delete_group_member'],
  ['get_user_status', 'nc_get_user_status'],
  ['get_rkey', 'nc_get_rkey'],
  ['send_group_sign', 'set_group_sign'],
  ['get_group_system_msg', 'get_group_requests'],
  ['handle_quick_operation', '.handle_quick_operation'],
  ['ocr_image', '.ocr_image', 'ocr'],
  ['get_word_slices', '.get_word_slices'],
  // NapCat's and LLOneBot's names for "make a temporary group file permanent" (results unified in normalise-results).
  ['trans_group_file', 'set_group_file_forever'],
];

/** One-way alternatives: an action some upstreams only offer as a variant of another. */
const ALSO: Record<string, string[]> = {
  unset_msg_emoji_like: ['set_msg_emoji_like', 'set_group_reaction'],
};

const GROUP_OF = new Map<string, string[]>();
for (const g of NAME_GROUPS) for (const n of g) GROUP_OF.set(n, g);

/** Upstream names to try for a canonical action, the dialect's preferences first. */
export function candidatesFor(action: string, dialect: Dialect): string[] {
  const group = GROUP_OF.get(action) ?? [action];
  const prefer = dialect.prefer[action] ?? group.map((n) => dialect.prefer[n]).find(Boolean) ?? [];
  return [...new Set([...prefer, action, ...group, ...(ALSO[action] ?? [])])];
}

const BASE: Dialect = {
  name: 'generic',
  prefer: {},
  missing: [],
  historyAnchor: 'both',
  fileMove: { current: 'parent_directory', target: 'target_directory' },
  profileNeedsNickname: false,
  stringIds: false,
};

/** NapCat and LLOneBot extensions that go-cqhttp and Lagrange do not have. */
const NT_EXTENSIONS = ['get_recent_contact', 'trans_group_file', 'set_group_file_forever', 'get_doubt_friends_add_request', 'set_doubt_friends_add_request'];

/** The `_`-prefixed announcement actions are what go-cqhttp, NapCat, LLOneBot and Lagrange register. */
const UNDERSCORE_NOTICES = {
  send_group_notice: ['_send_group_notice'],
  get_group_notice: ['_get_group_notice'],
  del_group_notice: ['_del_group_notice'],
};

export const DIALECTS: Record<DialectName, Dialect> = {
  generic: BASE,
  napcat: {
    ...BASE,
    name: 'napcat',
    prefer: { ...UNDERSCORE_NOTICES, get_user_status: ['nc_get_user_status'], get_rkey: ['nc_get_rkey'], set_group_file_forever: ['trans_group_file'] },
    missing: ['set_group_anonymous', 'set_group_anonymous_ban'],
    historyAnchor: 'id-as-seq',
    fileMove: { current: 'current_parent_directory', target: 'target_parent_directory' },
    profileNeedsNickname: true,
  },
  llonebot: {
    ...BASE,
    name: 'llonebot',
    prefer: {
      ...UNDERSCORE_NOTICES,
      del_group_notice: ['_delete_group_notice'],
      set_group_kick_members: ['batch_delete_group_member'],
      trans_group_file: ['set_group_file_forever'],
    },
    missing: ['set_group_anonymous', 'set_group_anonymous_ban'],
    historyAnchor: 'id-as-seq',
  },
  lagrange: {
    ...BASE,
    name: 'lagrange',
    prefer: {
      ...UNDERSCORE_NOTICES,
      delete_group_folder: ['delete_group_file_folder'],
      set_msg_emoji_like: ['set_group_reaction'],
      unset_msg_emoji_like: ['set_group_reaction'],
      get_group_system_msg: ['get_group_requests'],
    },
    missing: ['get_group_file_system_info', 'rename_group_file', 'set_group_anonymous', 'set_group_anonymous_ban', ...NT_EXTENSIONS],
    historyAnchor: 'id',
  },
  'go-cqhttp': {
    ...BASE,
    name: 'go-cqhttp',
    prefer: UNDERSCORE_NOTICES,
    missing: [
      'get_cookies', 'get_csrf_token', 'get_credentials', 'send_like', 'get_record', 'set_restart', 'clean_cache',
      'move_group_file', 'rename_group_file', 'rename_group_file_folder', 'set_msg_emoji_like', 'unset_msg_emoji_like',
      ...NT_EXTENSIONS,
    ],
    historyAnchor: 'seq',
    fileMove: { target: 'target_directory' },
  },
  icqq: {
    ...BASE,
    name: 'icqq',
    historyAnchor: 'both',
    // icqq reads `parent_directory` as an alias of the *target*: never send the current folder under it.
    fileMove: { target: 'target_directory' },
    stringIds: true,
  },
};

/** Actions only icqq-rust-onebot lists (go-cqhttp v1.2 has none of them). */
const ICQQ_ONLY = ['get_roaming_stamp', 'delete_stamp', 'add_friend_category', 'set_friend_msg_mask', 'get_clientkey'];

export interface VersionInfo {
  app_name?: unknown;
  app_full_name?: unknown;
  app_version?: unknown;
  [k: string]: unknown;
}

/** Pick a dialect from `get_version_info` and, when the upstream has it, `get_supported_actions`. */
export function detectDialect(version: VersionInfo | undefined, supported: string[] | undefined): Dialect {
  const name = String(version?.app_name ?? '').toLowerCase();
  const full = String(version?.app_full_name ?? '').toLowerCase();
  const pick = (n: DialectName) => ({ ...DIALECTS[n] });
  if (full.includes('icqq') || name.includes('icqq') || (supported && ICQQ_ONLY.some((a) => supported.includes(a)))) return pick('icqq');
  if (name.includes('napcat')) return pick('napcat');
  if (name.includes('llonebot') || name.includes('lucky') || name.includes('llbot')) return pick('llonebot');
  if (name.includes('lagrange')) return pick('lagrange');
  if (name.includes('go-cqhttp') || name.includes('gocq')) return pick('go-cqhttp');
  return pick('generic');
}
