/** Group announcements ("群公告") on the sandbox: admins publish and delete, members read. */
import { randomBytes } from 'node:crypto';
import { notFound } from '../../../errors';
import type { Handler } from '../context';
import { now, type Notice } from '../world';
import { groupOf, requireAdmin } from './group-common';
import { readSource } from './group-source';

interface SendParams {
  group_id: number; content: string; image?: string; pinned: boolean; confirm_required: boolean;
  is_show_edit_card: boolean; tip_window_type: boolean; send_new_member: boolean;
}

const flag = (b: boolean | undefined) => (b ? 1 : 0);

const noticeToOneBot = (n: Notice) => ({
  notice_id: n.notice_id,
  sender_id: n.sender_id,
  publish_time: n.publish_time,
  message: { text: n.text, images: n.images },
  read_num: n.read_num,
  settings: { is_show_edit_card: flag(n.show_edit_card), remind_ts: 0, tip_window_type: flag(n.tip_window), confirm_required: flag(n.confirm_required) },
});

export const NOTICE_HANDLERS: Record<string, Handler> = {
  async send_group_notice(ctx, p: SendParams) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    const images = p.image ? [{ id: (await readSource(p.image)).md5.toLowerCase(), width: 0, height: 0 }] : [];
    // QQ's notice ids are opaque hex strings.
    const n: Notice = {
      notice_id: randomBytes(16).toString('hex'), sender_id: ctx.selfId, publish_time: now(), text: p.content, images,
      pinned: p.pinned, confirm_required: p.confirm_required, read_num: 0,
      show_edit_card: p.is_show_edit_card, tip_window: p.tip_window_type, send_new_member: p.send_new_member,
    };
    g.notices.push(n);
  },
  get_group_notice(ctx, p: { group_id: number }) {
    return [...groupOf(ctx, p.group_id).notices].sort((a, b) => b.publish_time - a.publish_time).map(noticeToOneBot);
  },
  del_group_notice(ctx, p: { group_id: number; notice_id: string }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    if (!g.notices.some((n) => n.notice_id === p.notice_id)) throw notFound(`notice ${p.notice_id} not found in group ${g.group_id}`);
    g.notices = g.notices.filter((n) => n.notice_id !== p.notice_id);
  },
};
