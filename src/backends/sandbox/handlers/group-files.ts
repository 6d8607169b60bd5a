/**
 * Group files ("群文件") on the sandbox. As on QQ, folders live only at the root; admins manage
 * folders and anyone's files, members manage the files they uploaded.
 */
import { randomUUID } from 'node:crypto';
import { BridgeError, notFound } from '../../../errors';
import type { Handler, SandboxContext } from '../context';
import { now, type Group, type GroupFile, type GroupFolder } from '../world';
import { ROOT, fileToOneBot, folderToOneBot, groupOf, memberOf, notice, requireAdmin } from './group-common';
import { readSource } from './group-source';

const LIMIT_COUNT = 10_000;
const TOTAL_SPACE = 10 * 1024 ** 3;
/** The bus ids QQ gives permanent and temporary group files. */
const BUSID = 102;
const TEMP_BUSID = 104;
/** How long QQ keeps a temporary group file. */
const TEMP_LIFETIME = 7 * 24 * 3600;

const fileOf = (g: Group, fileId: string): GroupFile => {
  const f = g.files.find((x) => x.file_id === fileId);
  if (!f) throw notFound(`file ${fileId} not found in group ${g.group_id}`);
  return f;
};
const folderOf = (g: Group, folderId: string): GroupFolder => {
  const f = g.folders.find((x) => x.folder_id === folderId);
  if (!f) throw notFound(`folder ${folderId} not found in group ${g.group_id}`);
  return f;
};
/** A directory id: the root, or an existing folder. */
const dirOf = (g: Group, dir: string): string => (dir === ROOT || dir === '' ? ROOT : folderOf(g, dir).folder_id);

function requireFileRights(ctx: SandboxContext, g: Group, f: GroupFile): void {
  if (f.uploader !== ctx.selfId) requireAdmin(ctx, g, ctx.selfId);
}

function requireFreeFolderName(g: Group, name: string): void {
  if (g.folders.some((f) => f.folder_name === name)) throw new BridgeError('rejected', `group ${g.group_id} already has a folder named ${name}`);
}

function listing(ctx: SandboxContext, g: Group, dir: string, count?: number) {
  const files = g.files.filter((f) => f.folder_id === dir).map((f) => fileToOneBot(ctx, g, f));
  const folders = g.folders.filter((f) => (f.parent_id || ROOT) === dir).map((f) => folderToOneBot(ctx, g, f));
  return { files: count === undefined ? files : files.slice(0, count), folders };
}

/** Put a file into the group and emit the `group_upload` notice QQ sends for it. A temporary file expires (`dead_time`). */
export function addGroupFile(
  ctx: SandboxContext, g: Group, uploader: number,
  file: { name: string; size: number; sha1: string; md5: string; folder?: string; temporary?: boolean },
): GroupFile {
  memberOf(g, uploader);
  const t = now();
  const f: GroupFile = {
    file_id: `/${randomUUID()}`, file_name: file.name, folder_id: dirOf(g, file.folder ?? ROOT), busid: file.temporary ? TEMP_BUSID : BUSID,
    file_size: file.size, upload_time: t, dead_time: file.temporary ? t + TEMP_LIFETIME : 0, modify_time: t, download_times: 0, uploader,
    sha1: file.sha1, md5: file.md5, url: '',
  };
  f.url = `http://127.0.0.1/sandbox/files/${g.group_id}${f.file_id}`;
  g.files.push(f);
  notice(ctx, 'group_upload', { group_id: g.group_id, user_id: uploader, file: { id: f.file_id, name: f.file_name, size: f.file_size, busid: f.busid } });
  return f;
}

/** A temporary file becomes permanent (a permanent one stays as it is), as QQ's "save permanently" does. */
function makePermanent(ctx: SandboxContext, p: { group_id: number; file_id: string }): void {
  const f = fileOf(groupOf(ctx, p.group_id), p.file_id);
  f.busid = BUSID;
  f.dead_time = 0;
}

interface MoveParams {
  group_id: number; file_id: string;
  target_directory?: string; target_parent_directory?: string; parent_directory?: string; parent_id?: string;
  current_parent_directory?: string;
}

/**
 * Implementations disagree on the names: the target is `target_directory` or `target_parent_directory`,
 * or `parent_id`/`parent_directory` when neither is given; beside an explicit target,
 * `parent_directory` names the current directory.
 */
function moveDirs(p: MoveParams): { target?: string; current?: string } {
  const explicit = p.target_directory ?? p.target_parent_directory;
  if (explicit !== undefined) return { target: explicit, current: p.current_parent_directory ?? p.parent_directory };
  return { target: p.parent_id ?? p.parent_directory, current: p.current_parent_directory };
}

export const FILE_HANDLERS: Record<string, Handler> = {
  get_group_file_system_info(ctx, p: { group_id: number }) {
    const g = groupOf(ctx, p.group_id);
    return { file_count: g.files.length, limit_count: LIMIT_COUNT, used_space: g.files.reduce((n, f) => n + f.file_size, 0), total_space: TOTAL_SPACE };
  },
  get_group_root_files: (ctx, p: { group_id: number; file_count?: number }) => listing(ctx, groupOf(ctx, p.group_id), ROOT, p.file_count),
  get_group_files_by_folder(ctx, p: { group_id: number; folder_id: string; file_count?: number }) {
    const g = groupOf(ctx, p.group_id);
    return listing(ctx, g, dirOf(g, p.folder_id), p.file_count);
  },
  get_group_file_url(ctx, p: { group_id: number; file_id: string }) {
    return { url: fileOf(groupOf(ctx, p.group_id), p.file_id).url };
  },
  async upload_group_file(ctx, p: { group_id: number; file: string; name?: string; folder: string }) {
    const g = groupOf(ctx, p.group_id);
    memberOf(g, ctx.selfId);
    dirOf(g, p.folder);
    const src = await readSource(p.file);
    const name = p.name || src.name;
    if (!name) throw new BridgeError('bad_params', 'missing field: name');
    return { file_id: addGroupFile(ctx, g, ctx.selfId, { ...src, name, folder: p.folder }).file_id };
  },
  delete_group_file(ctx, p: { group_id: number; file_id: string }) {
    const g = groupOf(ctx, p.group_id);
    requireFileRights(ctx, g, fileOf(g, p.file_id));
    g.files = g.files.filter((f) => f.file_id !== p.file_id);
  },
  create_group_file_folder(ctx, p: { group_id: number; name: string; parent_id: string }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    if (dirOf(g, p.parent_id) !== ROOT) throw new BridgeError('rejected', 'group folders can only be created at the root');
    requireFreeFolderName(g, p.name);
    const folder: GroupFolder = { folder_id: `/${randomUUID()}`, folder_name: p.name, parent_id: ROOT, create_time: now(), creator: ctx.selfId };
    g.folders.push(folder);
    return folderToOneBot(ctx, g, folder);
  },
  delete_group_folder(ctx, p: { group_id: number; folder_id: string }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    const folder = folderOf(g, p.folder_id);
    g.folders = g.folders.filter((f) => f !== folder);
    g.files = g.files.filter((f) => f.folder_id !== folder.folder_id);
  },
  move_group_file(ctx, p: MoveParams) {
    const g = groupOf(ctx, p.group_id);
    const f = fileOf(g, p.file_id);
    const { target, current } = moveDirs(p);
    if (target === undefined) throw new BridgeError('bad_params', 'missing field: target_directory');
    if (current !== undefined && dirOf(g, current) !== f.folder_id) throw notFound(`file ${f.file_id} is not in ${current}`);
    const dir = dirOf(g, target);
    requireFileRights(ctx, g, f);
    f.folder_id = dir;
    f.modify_time = now();
  },
  rename_group_file(ctx, p: { group_id: number; file_id: string; new_name: string; current_parent_directory?: string }) {
    const g = groupOf(ctx, p.group_id);
    const f = fileOf(g, p.file_id);
    if (p.current_parent_directory !== undefined && dirOf(g, p.current_parent_directory) !== f.folder_id) {
      throw notFound(`file ${f.file_id} is not in ${p.current_parent_directory}`);
    }
    requireFileRights(ctx, g, f);
    f.file_name = p.new_name;
    f.modify_time = now();
  },
  trans_group_file(ctx, p: { group_id: number; file_id: string }) {
    makePermanent(ctx, p);
    return { ok: true };
  },
  set_group_file_forever(ctx, p: { group_id: number; file_id: string }) {
    makePermanent(ctx, p);
    return null;
  },
  rename_group_file_folder(ctx, p: { group_id: number; folder_id: string; new_folder_name: string }) {
    const g = groupOf(ctx, p.group_id);
    requireAdmin(ctx, g, ctx.selfId);
    const folder = folderOf(g, p.folder_id);
    if (folder.folder_name === p.new_folder_name) return;
    requireFreeFolderName(g, p.new_folder_name);
    folder.folder_name = p.new_folder_name;
  },
};
