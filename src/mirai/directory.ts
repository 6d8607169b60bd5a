/**
 * Contacts as mirai objects, cached per bot from the core so events and commands can read them
 * synchronously. Friends and groups are warmed at start; member lists are fetched per group on
 * demand (`ensure`) and bounded (least recently loaded group lists are dropped first).
 */
import type { ActionCore } from '../core/action-core';
import { createBoundedMap, type BoundedMap } from '../bounded';
import { isBridgeError } from '../errors';
import type { Logger } from '../log';
import { oneBotFriendToMirai, oneBotGroupToMirai, oneBotMemberToMirai } from './translate/contacts';
import { int, isRecord, str } from './translate/util';
import type { ContactDirectory, MiraiFriend, MiraiGroup, MiraiMember } from './types';

/** Member lists kept per bot; a large account's groups beyond this are refetched when needed. */
const MAX_MEMBER_LISTS = 256;
/** A "muted" member record of the bot older than this is fetched again before it refuses a send. */
const MUTE_RECHECK_SECONDS = 60;
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** Parallel calls while warming a bot's groups (the bot's role in each). */
const WARM_CONCURRENCY = 8;

interface BotContacts {
  nickname: string;
  nicknameLoaded: boolean;
  friends: Map<number, MiraiFriend>;
  friendsLoaded: boolean;
  groups: Map<number, MiraiGroup>;
  /** groupId → until when the bot is muted there (its member record's shut_up_timestamp), noted at. */
  selfMute: Map<number, { until: number; at: number }>;
  /** groupId → when a whole-group mute was noted (a notice, or group info's group_all_shut). */
  wholeBan: Map<number, number>;
  /** groupId → members; the least recently loaded lists are dropped first. */
  members: BoundedMap<number, Map<number, MiraiMember>>;
}

const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

export function createContactDirectory(deps: { core: ActionCore; logger: Logger; muteRecheckSeconds?: number }): ContactDirectory & {
  stats(): { bots: number; friends: number; groups: number; memberLists: number; evictedMemberLists: number };
} {
  const { core } = deps;
  const log = deps.logger.child({ component: 'mirai-directory' });
  const bots = new Map<number, BotContacts>();
  /** In-flight fetches, so concurrent ensures share one call. */
  const inflight = new Map<string, Promise<void>>();
  let evictedMemberLists = 0;
  let stopped = false;

  const state = (botId: number): BotContacts => {
    let s = bots.get(botId);
    if (!s) {
      const members = createBoundedMap<number, Map<number, MiraiMember>>({ capacity: MAX_MEMBER_LISTS, onEvict: () => evictedMemberLists++ });
      s = { nickname: '', nicknameLoaded: false, friends: new Map(), friendsLoaded: false, groups: new Map(), selfMute: new Map(), wholeBan: new Map(), members };
      bots.set(botId, s);
    }
    return s;
  };
  const call = (botId: number, action: string, params: Record<string, unknown> = {}) => core.call(action, params, { selfId: botId });

  /**
   * Run a fetch once per key at a time. A refusal (no such group, …) is logged and leaves the entry
   * missing; a transport failure is thrown, so a command answers 500 rather than "no such target".
   */
  function once(key: string, what: string, run: () => Promise<void>, level: 'warn' | 'debug' = 'warn'): Promise<void> {
    const running = inflight.get(key);
    if (running) return running;
    const p = run()
      .catch((e: unknown) => {
        log.log(level, `could not fetch ${what}`, { key, error: e instanceof Error ? e.message : String(e) });
        if (isBridgeError(e) && e.kind === 'upstream') throw e;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  }

  const loadLogin = (botId: number) =>
    once(`${botId}:login`, 'login info', async () => {
      const info = await call(botId, 'get_login_info');
      if (isRecord(info)) Object.assign(state(botId), { nickname: str(info.nickname), nicknameLoaded: true });
    });

  const loadFriends = (botId: number) =>
    once(`${botId}:friends`, 'friend list', async () => {
      const list = records(await call(botId, 'get_friend_list'));
      const s = state(botId);
      s.friends = new Map(list.map((f) => { const m = oneBotFriendToMirai(f); return [m.id, m]; }));
      s.friendsLoaded = true;
    });

  /** Every record of the bot's own membership says whether it is muted there. */
  const noteSelf = (botId: number, groupId: number, m: Record<string, unknown>) => {
    const until = int(m.shut_up_timestamp);
    if (until > 0) state(botId).selfMute.set(groupId, { until, at: nowSeconds() });
    else state(botId).selfMute.delete(groupId);
  };

  const setWholeBan = (botId: number, groupId: number, on: boolean) => {
    if (on) state(botId).wholeBan.set(groupId, nowSeconds());
    else state(botId).wholeBan.delete(groupId);
  };

  /** A whole-group mute silences a plain member; one noted long ago is checked again (or forgotten if nothing can say). */
  const stale = (notedAt: number) => nowSeconds() - notedAt > (deps.muteRecheckSeconds ?? MUTE_RECHECK_SECONDS);

  async function wholeBanSilences(s: BotContacts, botId: number, groupId: number): Promise<boolean> {
    const at = s.wholeBan.get(groupId);
    if (at === undefined || s.groups.get(groupId)?.permission !== 'MEMBER') return false;
    if (stale(at)) {
      s.wholeBan.delete(groupId);
      s.groups.delete(groupId);
      await loadGroup(botId, groupId);
    }
    return s.wholeBan.has(groupId) && s.groups.get(groupId)?.permission === 'MEMBER';
  }

  async function individuallyOrWholly(s: BotContacts, botId: number, groupId: number): Promise<boolean> {
    const noted = s.selfMute.get(groupId);
    if (!noted || noted.until <= nowSeconds()) return wholeBanSilences(s, botId, groupId);
    if (stale(noted.at)) {
      s.members.get(groupId)?.delete(botId);
      await loadMember(botId, groupId, botId);
    }
    return (s.selfMute.get(groupId)?.until ?? 0) > nowSeconds() || wholeBanSilences(s, botId, groupId);
  }

  async function botRole(botId: number, groupId: number): Promise<string | undefined> {
    const own = state(botId).members.get(groupId)?.get(botId);
    if (own) return { OWNER: 'owner', ADMINISTRATOR: 'admin', MEMBER: 'member' }[own.permission];
    try {
      const info = await call(botId, 'get_group_member_info', { group_id: groupId, user_id: botId });
      if (!isRecord(info)) return undefined;
      noteSelf(botId, groupId, info);
      return str(info.role);
    } catch {
      return undefined;
    }
  }

  async function putGroup(botId: number, g: Record<string, unknown>): Promise<void> {
    const id = int(g.group_id);
    if (!id) return;
    // Only some upstreams say (group_all_shut); where none does, only notices tell.
    if (g.group_all_shut !== undefined) setWholeBan(botId, id, int(g.group_all_shut) !== 0);
    state(botId).groups.set(id, oneBotGroupToMirai(g, await botRole(botId, id)));
  }

  const loadGroups = (botId: number) =>
    once(`${botId}:groups`, 'group list', async () => {
      const list = records(await call(botId, 'get_group_list'));
      const s = state(botId);
      const keep = new Set(list.map((g) => int(g.group_id)));
      for (const id of [...s.groups.keys()]) if (!keep.has(id)) s.groups.delete(id);
      for (let i = 0; i < list.length; i += WARM_CONCURRENCY) {
        await Promise.all(list.slice(i, i + WARM_CONCURRENCY).map((g) => putGroup(botId, g)));
      }
    });

  const loadGroup = (botId: number, groupId: number) =>
    once(`${botId}:group:${groupId}`, 'group info', async () => {
      const g = await call(botId, 'get_group_info', { group_id: groupId });
      if (isRecord(g)) await putGroup(botId, { ...g, group_id: int(g.group_id) || groupId });
    });

  const loadMembers = (botId: number, groupId: number) =>
    once(`${botId}:members:${groupId}`, 'member list', async () => {
      const list = records(await call(botId, 'get_group_member_list', { group_id: groupId }));
      const s = state(botId);
      const group = s.groups.get(groupId);
      if (!group) return;
      const now = Math.floor(Date.now() / 1000);
      const members = new Map(list.map((m) => { const mm = oneBotMemberToMirai(m, group, now); return [mm.id, mm]; }));
      const selfRecord = list.find((m) => int(m.user_id) === botId);
      if (selfRecord) noteSelf(botId, groupId, selfRecord);
      s.members.set(groupId, members);
      // The bot's own role, as the member list says, is the group's permission.
      const self = members.get(botId);
      if (self && self.permission !== group.permission) s.groups.set(groupId, { ...group, permission: self.permission });
    });

  const loadMember = (botId: number, groupId: number, userId: number) =>
    once(`${botId}:member:${groupId}:${userId}`, 'member info', async () => {
      const m = await call(botId, 'get_group_member_info', { group_id: groupId, user_id: userId, no_cache: true });
      const s = state(botId);
      const group = s.groups.get(groupId);
      const list = s.members.get(groupId);
      if (!isRecord(m) || !group) return;
      if (userId === botId) noteSelf(botId, groupId, m);
      const mm = oneBotMemberToMirai(m, group);
      if (list) list.set(userId, mm);
      else s.members.set(groupId, new Map([[userId, mm]]));
    }, 'debug'); // a member who just left is expected to be missing

  return {
    friend: (botId, id) => bots.get(botId)?.friends.get(id),
    group: (botId, id) => bots.get(botId)?.groups.get(id),
    member(botId, groupId, id) {
      const s = bots.get(botId);
      const m = s?.members.get(groupId)?.get(id);
      if (!m) return undefined;
      // Members keep a snapshot of their group: give the current one (name and bot permission change).
      const group = s!.groups.get(groupId);
      return group && group !== m.group ? { ...m, group } : m;
    },
    botNickname: (botId) => bots.get(botId)?.nickname ?? '',
    botMuted(botId, groupId) {
      const s = bots.get(botId);
      if (!s || (!s.selfMute.has(groupId) && !s.wholeBan.has(groupId))) return false;
      return individuallyOrWholly(s, botId, groupId);
    },
    noteWholeBan: (botId, groupId, on) => setWholeBan(botId, groupId, on),

    async ensure(botId, q) {
      if (stopped) return;
      const s = state(botId);
      if (!s.nicknameLoaded) await loadLogin(botId);
      const { groupId, userId } = q;
      if (groupId) {
        if (!s.groups.has(groupId)) await loadGroup(botId, groupId);
        if (!s.groups.has(groupId)) return;
        if (userId !== undefined && !s.members.get(groupId)?.has(userId)) {
          if (!s.members.has(groupId)) await loadMembers(botId, groupId);
          if (!s.members.get(groupId)?.has(userId)) await loadMember(botId, groupId, userId);
        }
      } else if (userId !== undefined && !s.friends.has(userId) && !s.friendsLoaded) {
        await loadFriends(botId);
      }
    },

    invalidate(botId, q) {
      const s = bots.get(botId);
      if (!s) return;
      const { groupId, userId } = q;
      if (groupId && userId !== undefined) {
        s.members.get(groupId)?.delete(userId);
        // The bot's own change (role, membership) changes the group object too.
        if (userId === botId) s.groups.delete(groupId);
      } else if (groupId) {
        s.groups.delete(groupId);
        s.members.delete(groupId);
      } else if (userId !== undefined) {
        s.friends.delete(userId);
        s.friendsLoaded = false;
      }
    },

    async start() {
      stopped = false;
      let ids: number[] = [];
      try {
        ids = core.bots();
      } catch (e) {
        log.warn('could not list bots', { error: e instanceof Error ? e.message : String(e) });
      }
      // Warming is best effort: an upstream that is down now is fetched from again on first use.
      await Promise.all(ids.map((botId) => Promise.all([loadLogin(botId), loadFriends(botId), loadGroups(botId)]).catch(() => undefined)));
      log.debug('contacts warmed', { bots: ids.length });
    },
    stop() {
      stopped = true;
      bots.clear();
    },
    stats() {
      let friends = 0, groups = 0, memberLists = 0;
      for (const s of bots.values()) { friends += s.friends.size; groups += s.groups.size; memberLists += s.members.size; }
      return { bots: bots.size, friends, groups, memberLists, evictedMemberLists };
    },
  };
}
