/** The bot's own account and profile: login info, profile edits, online status, likes, stamps, avatars. */
import crypto from 'node:crypto';
import { BridgeError } from '../../../errors';
import type { Handler } from '../context';
import { now } from '../world';
import { accountState, avatarUrl, groupAvatarUrl, personOf } from './account-state';
import { loadImage } from './account-image';

/** QQ caps profile likes per target per day; the seed page allows 20 per call. */
export const MAX_LIKES_PER_DAY = 20;

export const PROFILE_HANDLERS: Record<string, Handler> = {
  get_login_info: ({ world }) => ({ user_id: world.self.user_id, nickname: world.self.nickname }),

  get_stranger_info: ({ world }, p: { user_id: number }) => {
    const person = personOf(world, p.user_id);
    const isSelf = p.user_id === world.self.user_id;
    return {
      user_id: person.user_id,
      nickname: person.nickname,
      sex: person.sex,
      age: person.age,
      qid: '',
      level: person.level,
      login_days: 0, // the sandbox keeps no login history
      area: '',
      long_nick: person.long_nick,
      remark: world.friends.get(person.user_id)?.remark ?? '',
      email: person.email,
      personal_note: isSelf ? world.self.personal_note : '',
    };
  },

  set_qq_profile: ({ world }, p: { nickname?: string; personal_note?: string }) => {
    // company / email / college are accepted and, as on QQ today, have no effect.
    if (p.nickname !== undefined) world.self.nickname = p.nickname;
    if (p.personal_note !== undefined) world.self.personal_note = p.personal_note;
  },

  set_self_longnick: ({ world }, p: { long_nick: string }) => {
    world.self.long_nick = p.long_nick;
  },

  set_online_status: ({ world }, p: { status: number }) => {
    // ext_status and battery_status are accepted with no effect, as the seed page says.
    world.self.online_status = p.status;
  },

  get_user_status: ({ world }, p: { user_id: number }) => {
    const self = p.user_id === 0 || p.user_id === world.self.user_id;
    if (self) {
      const online = accountState(world).online;
      const status = online ? world.self.online_status : 0;
      return {
        user_id: world.self.user_id, status, ext_status: world.self.ext_status, battery_status: world.self.battery_status,
        online_status: status, term_type: 0, net_type: 0, term_desc: '',
      };
    }
    const person = personOf(world, p.user_id);
    return { user_id: person.user_id, status: 11, ext_status: 0, battery_status: 0, online_status: 11, term_type: 0, net_type: 0, term_desc: '' };
  },

  set_qq_avatar: async ({ world }, p: { file: string }) => {
    const bytes = await loadImage(p.file);
    world.self.avatar = crypto.createHash('sha1').update(bytes).digest('hex');
  },

  get_qq_avatar: (_ctx, p: { user_id?: number; group_id?: number }) =>
    ({ url: p.user_id !== undefined ? avatarUrl(p.user_id) : groupAvatarUrl(p.group_id as number) }),

  send_like: ({ world }, p: { user_id: number; times: number }) => {
    if (p.user_id === world.self.user_id) throw new BridgeError('rejected', 'cannot like yourself');
    personOf(world, p.user_id);
    const state = accountState(world);
    const day = Math.floor(now() / 86_400);
    if (state.likeDay !== day) {
      state.likeDay = day;
      state.likesToday.clear();
    }
    const today = state.likesToday.get(p.user_id) ?? 0;
    if (today + p.times > MAX_LIKES_PER_DAY) {
      throw new BridgeError('rejected', `daily like limit reached (${today}/${MAX_LIKES_PER_DAY} used today)`);
    }
    state.likesToday.set(p.user_id, today + p.times);
    world.likes.set(p.user_id, (world.likes.get(p.user_id) ?? 0) + p.times);
  },

  get_roaming_stamp: ({ world }, p: { count?: number }) => world.stamps.slice(0, p.count ?? world.stamps.length).map((s) => s.url),

  delete_stamp: ({ world }, p: { id: string[] }) => {
    // Unknown ids are ignored: QQ deletes what it has and reports success.
    const gone = new Set(p.id);
    world.stamps = world.stamps.filter((s) => !gone.has(s.id));
  },
};
