/** The bot's session and the bridge itself: status, version, web credentials, housekeeping. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../project-root';
import type { Handler } from '../context';
import { now, type World } from '../world';
import { accountState } from './account-state';

const VERSION: string = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version;

/** The web login token QQ pages expect (`bkn` / `g_tk`): a 31-bit hash of the skey. */
export function csrfToken(skey: string): number {
  let hash = 5381;
  for (const ch of skey) hash = (hash + (hash << 5) + ch.charCodeAt(0)) & 0x7fffffff;
  return hash;
}

function cookies(world: World, domain: string): string {
  const { skey } = accountState(world);
  const uin = `o${world.self.user_id}`;
  const parts = [`uin=${uin}`, `skey=${skey}`];
  // p_skey is issued per web domain.
  if (domain) parts.push(`p_uin=${uin}`, `p_skey=${crypto.createHash('sha256').update(`${skey}\n${domain}`).digest('base64url').slice(0, 44)}`);
  return parts.join('; ');
}

function stat(world: World) {
  let received = 0;
  let sent = 0;
  let last = 0;
  for (const m of world.messages.values()) {
    if (m.self) sent++;
    else received++;
    if (m.time > last) last = m.time;
  }
  const lost = accountState(world).offlineCount;
  return {
    packet_received: received, packet_sent: sent, packet_lost: 0,
    message_received: received, message_sent: sent,
    disconnect_times: lost, lost_times: lost, last_message_time: last,
  };
}

export const SYSTEM_HANDLERS: Record<string, Handler> = {
  get_status: ({ world }) => {
    const online = accountState(world).online;
    return { online, good: online, app_initialized: true, app_enabled: true, app_good: true, stat: stat(world) };
  },

  get_version_info: () => ({
    app_name: 'mah-bridge',
    app_version: VERSION,
    protocol_version: 'v11',
    app_full_name: `mah-bridge v${VERSION} (sandbox)`,
    runtime_version: process.version,
    runtime_os: process.platform,
    version: VERSION,
  }),

  get_cookies: ({ world }, p: { domain: string }) => ({ cookies: cookies(world, p.domain), bkn: csrfToken(accountState(world).skey) }),

  get_csrf_token: ({ world }) => ({ token: csrfToken(accountState(world).skey) }),

  get_credentials: ({ world }, p: { domain: string }) => {
    const token = csrfToken(accountState(world).skey);
    return { cookies: cookies(world, p.domain), csrf_token: token, token };
  },

  get_clientkey: ({ world }) => ({ clientkey: accountState(world).clientkey, expire_time: now() + 7200 }),

  // The sandbox has nothing to restart or clean: the world lives on.
  set_restart: () => null,
  clean_cache: () => null,

  // No other device is logged in to the simulated account.
  get_online_clients: () => ({ clients: [] }),

  check_url_safely: (_ctx, p: { url: string }) => {
    let url: URL;
    try {
      url = new URL(p.url);
    } catch {
      return { level: 2 };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { level: 2 };
    // The sandbox's stand-in for QQ's blocklist: hosts under `dangerous.invalid`.
    return { level: /(^|\.)dangerous\.invalid$/i.test(url.hostname) ? 3 : 1 };
  },
};
