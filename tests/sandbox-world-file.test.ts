/**
 * A world file replaces the seed world: given as `--world FILE` or `sandbox.world` in the config
 * (relative to the config file), YAML or JSON, checked at start so a bad one names its bad key.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBridge, type Bridge } from '../src/app';
import { parseCli } from '../src/cli';
import { loadConfig } from '../src/config-file';
import { projectRoot } from '../src/project-root';
import { loadWorldFile, WorldFileError } from '../src/backends/sandbox';
import { within } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mah-bridge-world-'));
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

const WORLD_YAML = `
self: { user_id: 90000, nickname: WorldBot, long_nick: from a file }
people:
  - { user_id: 90001, nickname: Ann, sex: female, age: 31 }
  - { user_id: "90002", nickname: Ben }
categories:
  - { category_id: 0, category_name: Default }
  - { category_id: 5, category_name: Crew }
friends:
  - { user_id: 90001, remark: ann, category_id: 5 }
groups:
  - group_id: 91000
    group_name: File Group
    max_member_count: 50
    members:
      - { user_id: 90000, role: admin }
      - { user_id: 90001, role: owner, card: Captain }
      - { user_id: 90002, shut_up_timestamp: 4000000000 }
  - group_id: 92000
    group_name: Second
    members: [{ user_id: 90000, role: owner }]
stamps: [{ id: s1, url: "https://example.invalid/s1.png" }]
`;

const bridges: Bridge[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const b of bridges) await b.stop();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function call(b: Bridge, action: string, params: unknown = {}): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${b.ports.onebot}/${action}`, { method: 'POST', body: JSON.stringify(params) });
  const env = (await res.json()) as any;
  assert.equal(env.retcode, 0, `${action}: ${JSON.stringify(env)}`);
  return env.data;
}

describe('loading a world file', () => {
  test('sandbox.world in a config file (relative to it) is the account seen through get_login_info and get_group_list', async () => {
    write('conf/worlds/small.yaml', WORLD_YAML);
    const conf = write('conf/bridge.yaml', 'sandbox:\n  world: worlds/small.yaml\nonebot:\n  port: 0\nmirai:\n  adapters: []\nlogLevel: silent\n');
    const config = loadConfig(conf);
    assert.equal(config.sandbox.world, path.join(tmp, 'conf', 'worlds', 'small.yaml'));
    const b = await startBridge(config);
    bridges.push(b);
    assert.deepEqual(await call(b, 'get_login_info'), { user_id: 90000, nickname: 'WorldBot' });
    const groups = await call(b, 'get_group_list');
    assert.deepEqual(groups.map((g: any) => [g.group_id, g.group_name, g.member_count, g.max_member_count]), [
      [91000, 'File Group', 3, 50],
      [92000, 'Second', 1, 200],
    ]);
    const members = await call(b, 'get_group_member_list', { group_id: 91000 });
    assert.deepEqual(members.map((m: any) => [m.user_id, m.role, m.card]), [[90000, 'admin', ''], [90001, 'owner', 'Captain'], [90002, 'member', '']]);
    const ben = await call(b, 'get_group_member_info', { group_id: 91000, user_id: 90002 });
    assert.equal(ben.shut_up_timestamp, 4000000000);
    assert.deepEqual((await call(b, 'get_friend_list')).map((f: any) => [f.user_id, f.remark, f.category_id]), [[90001, 'ann', 5]]);
    assert.deepEqual(await call(b, 'get_roaming_stamp'), ['https://example.invalid/s1.png']);
    assert.equal((await call(b, 'get_stranger_info', { user_id: 90000 })).long_nick, 'from a file');
    // Nothing of the seed world is left.
    const seed = await fetch(`http://127.0.0.1:${b.ports.onebot}/get_group_info`, { method: 'POST', body: '{"group_id":20001}' });
    assert.equal(((await seed.json()) as any).retcode, 1404);
    // The loaded world is live: a control op plays a member of it.
    const played = await fetch(`http://127.0.0.1:${b.ports.onebot}/sandbox/message`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user_id: 90001, group_id: 91000, message: 'ahoy' }),
    });
    assert.equal(played.status, 200);
    const hist = await call(b, 'get_group_msg_history', { group_id: 91000 });
    assert.deepEqual(hist.messages.map((m: any) => [m.user_id, m.raw_message, m.sender.card]), [[90001, 'ahoy', 'Captain']]);
  });

  test('--world FILE (JSON too) overrides the config file, and two bridges from one file do not share state', async () => {
    const json = write('w.json', JSON.stringify({ self: { user_id: 80000, nickname: 'JsonBot' }, people: [{ user_id: 80001, nickname: 'Zed' }], groups: [{ group_id: 81000, group_name: 'J', members: [{ user_id: 80000, role: 'owner' }, { user_id: 80001 }] }] }));
    const conf = write('other.yaml', `sandbox:\n  world: ${path.join(tmp, 'conf', 'worlds', 'small.yaml')}\n`);
    const cli = parseCli(['--config', conf, '--world', json, '--onebot-port', '0', '--log-level', 'silent']);
    const config = loadConfig(cli.configFile, { ...cli.overrides, mirai: { adapters: [] } });
    assert.equal(config.sandbox.world, json);
    const one = await startBridge(config);
    const two = await startBridge(config);
    bridges.push(one, two);
    assert.deepEqual(await call(one, 'get_login_info'), { user_id: 80000, nickname: 'JsonBot' });
    assert.deepEqual((await call(one, 'get_group_list')).map((g: any) => g.group_id), [81000]);
    await call(one, 'set_group_name', { group_id: 81000, group_name: 'renamed' });
    assert.equal((await call(two, 'get_group_info', { group_id: 81000 })).group_name, 'J');
  });

  test('a bad world file stops the start with a message naming the key; the process exits 1 and says why, without a stack', async () => {
    const cases: [string, RegExp][] = [
      ['self: { user_id: 1, nickname: x }\npeople: [{ user_id: abc, nickname: y }]\n', /\/people\/0\/user_id must be integer/],
      ['self: { user_id: 1, nickname: x }\npeople: []\ngroups: [{ group_id: 5, group_name: g, members: [{ user_id: 1, role: king }] }]\n', /\/groups\/0\/members\/0\/role must be one of owner, admin, member/],
      ['self: { user_id: 1, nickname: x }\npeople: []\nfreinds: []\n', /\/freinds is not a known key/],
      ['self: { user_id: 1, nickname: x }\npeople: []\nfriends: [{ user_id: 7 }]\n', /\/friends\/0\/user_id 7 is not in people/],
      ['self: { user_id: 1, nickname: x }\npeople: [{ user_id: 2, nickname: y }]\ngroups: [{ group_id: 5, group_name: g, members: [{ user_id: 2 }] }]\n', /does not include the bot/],
      ['people: []\n', /\/self is required/],
      ['self: [unclosed\n', /sandbox world/],
    ];
    for (const [i, [text, why]] of cases.entries()) {
      const file = write(`bad-${i}.yaml`, text);
      assert.throws(() => loadWorldFile(file), (e: Error) => e instanceof WorldFileError && why.test(e.message), text);
      await assert.rejects(startBridge({ logLevel: 'silent', onebot: { port: 0 }, mirai: { adapters: [] }, sandbox: { world: file } }), why);
    }
    assert.throws(() => loadWorldFile(path.join(tmp, 'missing.yaml')), /cannot read it \(ENOENT\)/);

    const entry = __filename.endsWith('.js') ? [path.join(__dirname, '..', 'src', 'main.js')] : ['--import', 'tsx', path.join(projectRoot, 'src', 'main.ts')];
    const child = spawn(process.execPath, [...entry, '--world', path.join(tmp, 'bad-2.yaml'), '--onebot-port', '0', '--mirai-port', '0'], {
      cwd: projectRoot, env: { ...process.env, MAH_BRIDGE_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await within(new Promise((resolve) => child.once('exit', resolve)), 'mah-bridge to exit', 60_000);
    assert.equal(code, 1);
    assert.match(err, /\/freinds is not a known key/);
    assert.doesNotMatch(err, /\n\s+at /); // a message, not a stack
  });
});
