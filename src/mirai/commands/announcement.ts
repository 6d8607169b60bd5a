/** Group announcements: MAH's Announcement objects over the core's group notices. */
import fs from 'node:fs';
import path from 'node:path';
import { BridgeError } from '../../errors';
import type { CommandContext, CommandSpec, MiraiGroup } from '../types';
import { asNumber, callFirst, type Data, requireGroup } from './util';

function announcement(n: Data, group: MiraiGroup): Data {
  const message = (n.message ?? {}) as Data;
  return {
    group,
    content: String(message.text ?? n.content ?? ''),
    senderId: asNumber(n.sender_id),
    fid: String(n.notice_id ?? ''),
    allConfirmed: false,
    confirmedMembersCount: asNumber(n.read_num),
    publicationTime: asNumber(n.publish_time),
  };
}

const list = (ctx: CommandContext, groupId: number) =>
  callFirst<Data[]>(ctx, [['get_group_notice', { group_id: groupId }], ['_get_group_notice', { group_id: groupId }]]).then((l) => l ?? []);

/** imageUrl, imagePath, imageBase64: the first non-blank one, as a OneBot file source. */
function imageSource(p: { imageUrl?: string; imagePath?: string; imageBase64?: string }): string | undefined {
  if (p.imageUrl?.trim()) return p.imageUrl.trim();
  if (p.imagePath?.trim()) {
    const abs = path.resolve(p.imagePath.trim());
    if (!fs.existsSync(abs)) throw new BridgeError('file_missing', `文件不存在：${abs}`);
    return `base64://${fs.readFileSync(abs).toString('base64')}`;
  }
  if (p.imageBase64?.trim()) return `base64://${p.imageBase64.trim().replace(/^base64:\/\//, '')}`;
  return undefined;
}

interface PublishParams {
  target: number; content: string; sendToNewMember: boolean; pinned: boolean; showEditCard: boolean; showPopup: boolean;
  requireConfirmation: boolean; imageUrl?: string; imagePath?: string; imageBase64?: string;
}

export const ANNOUNCEMENT_COMMANDS: CommandSpec[] = [
  {
    name: 'anno_list',
    http: { method: 'GET', path: '/anno/list' },
    webhook: true,
    reply: 'restful',
    handler: async (ctx, p: { id: number; offset: number; size?: number }) => {
      const g = await requireGroup(ctx, p.id);
      const all = (await list(ctx, g.id)).map((n) => announcement(n, g));
      const from = Math.max(0, p.offset);
      return all.slice(from, p.size !== undefined && p.size > 0 ? from + p.size : undefined);
    },
  },
  {
    name: 'anno_publish',
    http: { method: 'POST', path: '/anno/publish' },
    webhook: true,
    reply: 'restful',
    handler: async (ctx, p: PublishParams) => {
      const g = await requireGroup(ctx, p.target);
      const image = imageSource(p);
      const params = {
        group_id: g.id, content: p.content, ...(image ? { image } : {}), pinned: p.pinned, confirm_required: p.requireConfirmation,
        is_show_edit_card: p.showEditCard, tip_window_type: p.showPopup, send_new_member: p.sendToNewMember,
      };
      const before = new Set((await list(ctx, g.id)).map((n) => String(n.notice_id)));
      await callFirst(ctx, [['send_group_notice', params], ['_send_group_notice', params]]);
      // The notice actions return nothing: the new one is the listed notice that was not there before.
      const after = await list(ctx, g.id);
      const made = after.find((n) => !before.has(String(n.notice_id)) && String((n.message as Data | undefined)?.text ?? '') === p.content)
        ?? after.find((n) => !before.has(String(n.notice_id)));
      return made
        ? announcement(made, g)
        : { group: g, content: p.content, senderId: ctx.botId, fid: '', allConfirmed: false, confirmedMembersCount: 0, publicationTime: Math.floor(Date.now() / 1000) };
    },
  },
  {
    name: 'anno_delete',
    http: { method: 'POST', path: '/anno/delete' },
    webhook: true,
    reply: 'state',
    handler: async (ctx, p: { id: number; fid: string }) => {
      const g = await requireGroup(ctx, p.id);
      const params = { group_id: g.id, notice_id: p.fid };
      await callFirst(ctx, [['del_group_notice', params], ['_del_group_notice', params]]);
    },
  },
];
