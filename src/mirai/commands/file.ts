/**
 * Group files as MAH's RemoteFile tree, over the core's folder listings. Folders and files are
 * addressed by id or by name path (`/dir/a.txt`); "" and "/" are the root.
 */
import { BridgeError } from '../../errors';
import type { CommandContext, CommandSpec, MiraiGroup } from '../types';
import { asNumber, call, type Data, requireGroup } from './util';

interface Node { isFile: boolean; id: string; name: string; path: string; parent: Node | null; raw: Data }
type Selector = { id?: string; path?: string; target?: number; group?: number; qq?: number };

const ROOT_ID = '/';
const root = (): Node => ({ isFile: false, id: ROOT_ID, name: '/', path: '/', parent: null, raw: {} });
/** A tree walk never lists more folders than this (the search for an id is breadth-first). */
const MAX_LISTINGS = 64;

/** target → group; otherwise a `qq` (friend files) is not supported → 5; otherwise group. */
async function groupOfSelector(ctx: CommandContext, s: Selector): Promise<MiraiGroup> {
  if (s.target !== undefined) return requireGroup(ctx, s.target);
  if (s.qq !== undefined) throw new BridgeError('not_found', 'only group files are supported');
  if (s.group !== undefined) return requireGroup(ctx, s.group);
  throw new BridgeError('not_found', 'no group given');
}

async function children(ctx: CommandContext, groupId: number, dir: Node): Promise<Node[]> {
  const listing = dir.parent === null
    ? await call<Data>(ctx, 'get_group_root_files', { group_id: groupId })
    : await call<Data>(ctx, 'get_group_files_by_folder', { group_id: groupId, folder_id: dir.id });
  const at = (name: string) => (dir.path === '/' ? `/${name}` : `${dir.path}/${name}`);
  const folders = ((listing?.folders as Data[] | null) ?? []).map((f): Node => {
    const name = String(f.folder_name ?? f.name ?? '');
    return { isFile: false, id: String(f.folder_id ?? f.folder ?? ''), name, path: at(name), parent: dir, raw: f };
  });
  const files = ((listing?.files as Data[] | null) ?? []).map((f): Node => {
    const name = String(f.file_name ?? f.name ?? '');
    return { isFile: true, id: String(f.file_id ?? ''), name, path: at(name), parent: dir, raw: f };
  });
  return [...folders, ...files];
}

/** The node a selector names: by path when given, else by id ("" = root). Missing → 5. */
async function resolve(ctx: CommandContext, groupId: number, s: { id?: string; path?: string }): Promise<Node> {
  const missing = () => new BridgeError('not_found', 'no such file or folder');
  if (s.path !== undefined) {
    let node = root();
    for (const name of s.path.split('/').filter(Boolean)) {
      if (node.isFile) throw missing();
      const next = (await children(ctx, groupId, node)).find((c) => c.name === name);
      if (!next) throw missing();
      node = next;
    }
    return node;
  }
  const id = s.id ?? '';
  if (id === '' || id === ROOT_ID) return root();
  const queue = [root()];
  for (let listed = 0; queue.length && listed < MAX_LISTINGS; listed++) {
    const kids = await children(ctx, groupId, queue.shift()!);
    const hit = kids.find((k) => k.id === id);
    if (hit) return hit;
    queue.push(...kids.filter((k) => !k.isFile));
  }
  throw missing();
}

async function folder(ctx: CommandContext, groupId: number, s: { id?: string; path?: string }): Promise<Node> {
  const n = await resolve(ctx, groupId, s);
  if (n.isFile) throw new BridgeError('not_found', `${n.path} is not a folder`);
  return n;
}

/** MAH's RemoteFile: every field, nulls included; `parent` recursively, without download info. */
function remoteFile(n: Node, contact: MiraiGroup, downloadInfo: Data | null = null): Data {
  const r = n.raw;
  const file = n.isFile;
  const str = (v: unknown) => (v === undefined || v === null || v === '' ? null : String(v));
  const num = (v: unknown) => (v === undefined || v === null ? null : asNumber(v));
  return {
    name: n.name,
    id: n.id,
    path: n.path,
    parent: n.parent ? remoteFile(n.parent, contact) : null,
    contact,
    isFile: file,
    isDictionary: !file,
    isDirectory: !file,
    size: file ? asNumber(r.file_size ?? r.size) : 0,
    sha1: file ? str(r.sha1) : null,
    md5: file ? str(r.md5) : null,
    uploaderId: file ? num(r.uploader) : null,
    uploadTime: file ? num(r.upload_time) : null,
    lastModifyTime: file ? num(r.modify_time ?? r.upload_time) : null,
    downloadInfo,
  };
}

async function downloadInfo(ctx: CommandContext, groupId: number, n: Node): Promise<Data | null> {
  if (!n.isFile) return null;
  const r = n.raw;
  const got = await call<Data>(ctx, 'get_group_file_url', { group_id: groupId, file_id: n.id, busid: r.busid }).catch(() => null);
  return {
    sha1: r.sha1 ?? '', md5: r.md5 ?? '', downloadTimes: asNumber(r.download_times), uploaderId: asNumber(r.uploader),
    uploadTime: asNumber(r.upload_time), lastModifyTime: asNumber(r.modify_time ?? r.upload_time), url: String(got?.url ?? ''),
  };
}

const render = async (ctx: CommandContext, g: MiraiGroup, n: Node, withInfo?: boolean) => remoteFile(n, g, withInfo ? await downloadInfo(ctx, g.id, n) : null);

/** Upload a file into a group folder (named by path) and answer its RemoteFile. */
export async function uploadGroupFile(ctx: CommandContext, p: { target: number; path: string; name: string; data: Buffer }): Promise<Data> {
  const g = await requireGroup(ctx, p.target);
  const dir = await folder(ctx, g.id, { path: p.path });
  const res = await call<Data>(ctx, 'upload_group_file', { group_id: g.id, file: `base64://${p.data.toString('base64')}`, name: p.name, folder: dir.id });
  const kids = (await children(ctx, g.id, dir)).filter((k) => k.isFile);
  const made = kids.find((k) => res?.file_id !== undefined && k.id === String(res.file_id))
    ?? kids.filter((k) => k.name === p.name).sort((a, b) => asNumber(b.raw.upload_time) - asNumber(a.raw.upload_time))[0];
  if (!made) throw new BridgeError('rejected', 'the uploaded file is not in the folder');
  return remoteFile(made, g);
}

export const FILE_COMMANDS: CommandSpec[] = [
  {
    name: 'file_list',
    http: { method: 'GET', path: '/file/list' },
    reply: 'restful',
    handler: async (ctx, p: Selector & { offset: number; size?: number; withDownloadInfo: boolean }) => {
      const g = await groupOfSelector(ctx, p);
      const dir = await folder(ctx, g.id, p);
      const kids = await children(ctx, g.id, dir);
      const page = kids.slice(Math.max(0, p.offset), p.size !== undefined && p.size >= 0 ? Math.max(0, p.offset) + p.size : undefined);
      return Promise.all(page.map((k) => render(ctx, g, k, p.withDownloadInfo)));
    },
  },
  {
    name: 'file_info',
    http: { method: 'GET', path: '/file/info' },
    reply: 'restful',
    handler: async (ctx, p: Selector & { withDownloadInfo: boolean }) => {
      const g = await groupOfSelector(ctx, p);
      const n = await resolve(ctx, g.id, p);
      if (!n.parent) throw new BridgeError('not_found', 'the root folder is not a file');
      return render(ctx, g, n, p.withDownloadInfo);
    },
  },
  {
    name: 'file_mkdir',
    http: { method: 'POST', path: '/file/mkdir' },
    reply: 'restful',
    handler: async (ctx, p: Selector & { directoryName: string }) => {
      const g = await groupOfSelector(ctx, p);
      const dir = await folder(ctx, g.id, p);
      const made = await call<Data>(ctx, 'create_group_file_folder', { group_id: g.id, name: p.directoryName, parent_id: dir.id });
      const kids = (await children(ctx, g.id, dir)).filter((k) => !k.isFile);
      const node = kids.find((k) => made?.folder_id !== undefined && k.id === String(made.folder_id)) ?? kids.find((k) => k.name === p.directoryName);
      if (!node) throw new BridgeError('rejected', 'the new folder is not listed');
      return remoteFile(node, g);
    },
  },
  {
    name: 'file_delete',
    http: { method: 'POST', path: '/file/delete' },
    reply: 'state',
    handler: async (ctx, p: Selector) => {
      const g = await groupOfSelector(ctx, p);
      const n = await resolve(ctx, g.id, p);
      if (!n.parent) throw new BridgeError('permission', 'the root folder cannot be deleted');
      if (n.isFile) await call(ctx, 'delete_group_file', { group_id: g.id, file_id: n.id, busid: n.raw.busid });
      else await call(ctx, 'delete_group_folder', { group_id: g.id, folder_id: n.id });
    },
  },
  {
    name: 'file_move',
    http: { method: 'POST', path: '/file/move' },
    reply: 'state',
    handler: async (ctx, p: Selector & { moveTo?: string; moveToPath?: string }) => {
      const g = await groupOfSelector(ctx, p);
      const n = await resolve(ctx, g.id, p);
      if (!n.isFile) throw new BridgeError('unsupported', 'folders cannot be moved');
      if (p.moveToPath === undefined && p.moveTo === undefined) throw new BridgeError('not_found', 'no destination folder');
      const dest = await folder(ctx, g.id, p.moveToPath !== undefined ? { path: p.moveToPath } : { id: p.moveTo });
      await call(ctx, 'move_group_file', { group_id: g.id, file_id: n.id, parent_directory: n.parent!.id, target_directory: dest.id });
    },
  },
  {
    name: 'file_rename',
    http: { method: 'POST', path: '/file/rename' },
    reply: 'state',
    handler: async (ctx, p: Selector & { renameTo: string }) => {
      const g = await groupOfSelector(ctx, p);
      const n = await resolve(ctx, g.id, p);
      if (!n.parent) throw new BridgeError('permission', 'the root folder cannot be renamed');
      if (n.isFile) await call(ctx, 'rename_group_file', { group_id: g.id, file_id: n.id, current_parent_directory: n.parent.id, new_name: p.renameTo });
      else await call(ctx, 'rename_group_file_folder', { group_id: g.id, folder_id: n.id, new_folder_name: p.renameTo });
    },
  },
];
