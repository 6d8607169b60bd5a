/** Pokes, essence messages, emoji reactions and media look-ups. */
import { badParams, notFound } from '../../../errors';
import type { Handler, SandboxContext } from '../context';
import { now, type StoredMessage } from '../world';
import { memberOf, notice, requireAdmin } from './group-common';
import { botGroup, displayName, findMessage, requireFriend, requireGroupMessage, stateOf } from './message-model';
import { lookupMedia } from './message-media';
import { accountState } from './account-state';

/** A poke in a group: both people must be members. */
export function groupPoke(ctx: SandboxContext, groupId: number, poker: number, target: number): null {
  const { g } = botGroup(ctx, groupId);
  memberOf(g, poker);
  memberOf(g, target);
  notice(ctx, 'notify', { sub_type: 'poke', group_id: groupId, user_id: poker, target_id: target });
  return null;
}

/** A poke in the private chat with `friend` (poker and target are the friend or the bot). */
export function friendPoke(ctx: SandboxContext, friend: number, poker: number, target: number): null {
  requireFriend(ctx, friend);
  if (![friend, ctx.selfId].includes(target)) throw badParams(`user ${target} is not in the chat with ${friend}`);
  notice(ctx, 'notify', { sub_type: 'poke', user_id: poker, sender_id: poker, target_id: target });
  return null;
}

function essenceItem(ctx: SandboxContext, e: { message_id: number; operator_id: number; operator_time: number }, m: StoredMessage) {
  const g = ctx.world.groups.get(m.peer_id);
  return {
    sender_id: m.user_id,
    sender_nick: displayName(ctx, m.user_id, g),
    sender_time: m.time,
    operator_id: e.operator_id,
    operator_nick: displayName(ctx, e.operator_id, g),
    operator_time: e.operator_time,
    message_id: m.message_id,
    msg_seq: m.message_seq,
    msg_random: m.message_id,
    content: m.message,
  };
}

/** The group of an essence change, with the bot's admin rank checked. */
function essenceGroup(ctx: SandboxContext, m: StoredMessage) {
  const { g } = botGroup(ctx, requireGroupMessage(m));
  requireAdmin(ctx, g, ctx.selfId);
  return g;
}

/** Add or remove `userId`'s reaction; emits the notice only when something changed. */
export function react(ctx: SandboxContext, m: StoredMessage, userId: number, emojiId: string, add: boolean): void {
  const { likes } = stateOf(ctx.world);
  let byEmoji = likes.get(m.message_id);
  if (!byEmoji) likes.set(m.message_id, (byEmoji = new Map()));
  const who = byEmoji.get(emojiId) ?? new Set<number>();
  if (who.has(userId) === add) return;
  if (add) who.add(userId);
  else who.delete(userId);
  if (who.size) byEmoji.set(emojiId, who);
  else byEmoji.delete(emojiId);
  notice(ctx, 'group_msg_emoji_like', {
    sub_type: add ? 'add' : 'remove', is_add: add, group_id: m.peer_id, user_id: userId,
    message_id: m.message_id, message_seq: m.message_seq, likes: [{ emoji_id: emojiId, count: who.size }],
  });
}

function reactAsBot(ctx: SandboxContext, messageId: number, emojiId: string, add: boolean): null {
  const m = findMessage(ctx, messageId);
  botGroup(ctx, requireGroupMessage(m));
  react(ctx, m, ctx.selfId, emojiId, add);
  return null;
}

function mediaOf(ctx: SandboxContext, file: string, kinds: string[]) {
  const e = lookupMedia(ctx.world, file);
  if (!e || !kinds.includes(e.kind)) throw notFound(`${kinds[0]} ${file} not found`);
  return e;
}

export const EXTRA_HANDLERS: Record<string, Handler> = {
  send_poke: (ctx, p) =>
    p.group_id !== undefined
      ? groupPoke(ctx, p.group_id, ctx.selfId, p.target_id ?? p.user_id)
      : friendPoke(ctx, p.user_id, ctx.selfId, p.target_id ?? p.user_id),
  group_poke: (ctx, p) => groupPoke(ctx, p.group_id, ctx.selfId, p.user_id),
  friend_poke: (ctx, p) => friendPoke(ctx, p.user_id, ctx.selfId, p.target_id ?? p.user_id),

  set_essence_msg: (ctx, p) => {
    const m = findMessage(ctx, p.message_id);
    const g = essenceGroup(ctx, m);
    if (!g.essence.some((e) => e.message_id === m.message_id)) {
      g.essence.push({ message_id: m.message_id, operator_id: ctx.selfId, operator_time: now() });
      notice(ctx, 'essence', { sub_type: 'add', group_id: g.group_id, sender_id: m.user_id, operator_id: ctx.selfId, message_id: m.message_id });
    }
    return null;
  },
  delete_essence_msg: (ctx, p) => {
    const m = findMessage(ctx, p.message_id);
    const g = essenceGroup(ctx, m);
    const before = g.essence.length;
    g.essence = g.essence.filter((e) => e.message_id !== m.message_id);
    if (g.essence.length === before) throw notFound(`message ${m.message_id} is not an essence message`);
    notice(ctx, 'essence', { sub_type: 'delete', group_id: g.group_id, sender_id: m.user_id, operator_id: ctx.selfId, message_id: m.message_id });
    return null;
  },
  get_essence_msg_list: (ctx, p) => {
    const { g } = botGroup(ctx, p.group_id);
    return g.essence.flatMap((e) => {
      const m = ctx.world.messages.get(e.message_id);
      return m && !m.recalled ? [essenceItem(ctx, e, m)] : [];
    });
  },

  set_msg_emoji_like: (ctx, p) => reactAsBot(ctx, p.message_id, p.emoji_id, p.set !== false),
  unset_msg_emoji_like: (ctx, p) => reactAsBot(ctx, p.message_id, p.emoji_id, false),

  get_image: (ctx, p) => {
    const e = mediaOf(ctx, p.file, ['image']);
    return { file: e.path ?? e.name, filename: e.name, url: e.url, size: e.size, file_size: e.size };
  },
  get_record: (ctx, p) => {
    const e = mediaOf(ctx, p.file, ['record']);
    // The sandbox "transcodes" by renaming: the format is what the caller asked for.
    const name = p.out_format ? e.name.replace(/\.[^.]+$/, `.${p.out_format}`) : e.name;
    return { file: p.out_format ? name : (e.path ?? name), filename: name, url: e.url, size: e.size, file_size: e.size };
  },
  // The honest answer to "would a send work now": not while QQ has the bot offline.
  can_send_image: ({ world }) => ({ yes: accountState(world).online }),
  can_send_record: ({ world }) => ({ yes: accountState(world).online }),
};
