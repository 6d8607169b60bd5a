/** The command line: flags, the YAML config file, and the process lifecycle (spawned for real). */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCli, usage, UsageError } from '../src/cli';
import { ConfigError, loadConfig, parseConfigText, validateConfig } from '../src/config-file';
import { defaultConfig } from '../src/config';
import { projectRoot } from '../src/project-root';
import { until, within } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mah-bridge-cli-'));
const writeTmp = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};

/** The compiled entry when the tests run compiled, else the TypeScript source through tsx. */
const entry = __filename.endsWith('.js') ? [path.join(__dirname, '..', 'src', 'main.js')] : ['--import', 'tsx', path.join(projectRoot, 'src', 'main.ts')];

/** Generous: a child process started through tsx on a loaded box takes seconds to come up. */
const START_LIMIT_MS = 60_000;

interface Run {
  child: ChildProcess;
  out: string;
  err: string;
  exit: Promise<number | null>;
}
const children: ChildProcess[] = [];

function run(args: string[]): Run {
  const child = spawn(process.execPath, [...entry, ...args], { cwd: projectRoot, env: { ...process.env, MAH_BRIDGE_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Bounded: a process that never exits fails its test (and is killed in `after`) instead of hanging the run.
  const r: Run = { child, out: '', err: '', get exit() { return within(exited, `mah-bridge ${args.join(' ')} to exit`, START_LIMIT_MS); } };
  child.stdout!.on('data', (d) => (r.out += d));
  child.stderr!.on('data', (d) => (r.err += d));
  return r;
}

/** Wait until the process has logged `count` "listening" lines; returns the ports in order. */
async function listening(r: Run, count: number): Promise<number[]> {
  const ports = () => [...r.out.matchAll(/listening on http:\/\/[^\s:]+:(\d+)/g)].map((m) => Number(m[1]));
  await until(() => {
    if (r.child.exitCode !== null || r.child.signalCode !== null) assert.fail(`exited before listening:\n${r.out}\n${r.err}`);
    return ports().length >= count;
  }, `${count} "listening" lines`, START_LIMIT_MS);
  return ports();
}

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('mah-bridge process', () => {
  test('starts on the defaults with ports from flags, serves OneBot, and exits 0 on SIGTERM', async () => {
    const r = run(['--onebot-port', '0', '--mirai-port', '0']);
    const [onebotPort, miraiPort] = await listening(r, 2);
    assert.match(r.out, /OneBot v11 HTTP\+WS listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.out, /mirai-api-http .*listening on http:\/\/127\.0\.0\.1:\d+/);
    const res = await fetch(`http://127.0.0.1:${onebotPort}/get_login_info`);
    const body = (await res.json()) as { retcode: number; data: { user_id: number } };
    assert.equal(body.retcode, 0);
    assert.equal(body.data.user_id, 10000);
    assert.equal((await fetch(`http://127.0.0.1:${miraiPort}/about`)).status, 200);
    r.child.kill('SIGTERM');
    assert.equal(await r.exit, 0);
  });

  test('reads the config file, lets flags override it, and exits 0 on SIGINT', async () => {
    const file = writeTmp('ok.yml', ['onebot:', '  port: 1', '  accessToken: from-file', 'mirai:', '  adapters: []', ''].join('\n'));
    const r = run(['--config', file, '--onebot-port=0', '--log-level', 'info']);
    const [port] = await listening(r, 1);
    assert.doesNotMatch(r.out, /mirai-api-http/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/get_login_info`)).status, 401);
    const authed = await fetch(`http://127.0.0.1:${port}/get_login_info`, { headers: { authorization: 'Bearer from-file' } });
    assert.equal(((await authed.json()) as { retcode: number }).retcode, 0);
    r.child.kill('SIGINT');
    assert.equal(await r.exit, 0);
  });

  test('--help lists every flag and exits 0', async () => {
    const r = run(['--help']);
    assert.equal(await r.exit, 0);
    for (const flag of ['--config', '--host', '--onebot-port', '--mirai-port', '--verify-key', '--access-token', '--backend', '--upstream', '--log-level', '--onebot-reverse-ws', '--onebot-http-post', '--world', '--help']) {
      assert.ok(r.out.includes(flag), `help lists ${flag}`);
    }
  });

  test('an unknown flag exits 2 naming it', async () => {
    const r = run(['--onebot-prot', '0']);
    assert.equal(await r.exit, 2);
    assert.match(r.err, /unknown flag --onebot-prot/);
  });

  test('a bad config file exits non-zero naming the bad key', async () => {
    const file = writeTmp('bad.yml', 'onebot:\n  port: fifty\n');
    const r = run(['--config', file]);
    const code = await r.exit;
    assert.notEqual(code, 0);
    assert.match(r.err, /config: \/onebot\/port must be integer/);
  });
});

describe('flags', () => {
  test('map onto the config, in both --flag value and --flag=value forms', () => {
    const o = parseCli(['--host', '0.0.0.0', '--onebot-port=0', '--mirai-port', '9000', '--verify-key', 'k', '--access-token', 't', '--log-level', 'debug', '--world', 'w.yml'], {});
    assert.deepEqual(o.overrides, {
      host: '0.0.0.0',
      onebot: { host: '0.0.0.0', port: 0, accessToken: 't' },
      mirai: { adapterSettings: { http: { host: '0.0.0.0', port: 9000 }, ws: { host: '0.0.0.0' } }, verifyKey: 'k' },
      upstream: { listen: { host: '0.0.0.0' } },
      logLevel: 'debug',
      sandbox: { world: 'w.yml' },
    });
  });

  test('--upstream implies the onebot backend unless --backend says otherwise', () => {
    assert.equal(parseCli(['--upstream', 'ws://127.0.0.1:3001'], {}).overrides.backend, 'onebot');
    assert.equal(parseCli(['--upstream', 'ws://x', '--backend', 'sandbox'], {}).overrides.backend, 'sandbox');
  });

  test('--onebot-reverse-ws and --onebot-http-post repeat, each adding one target; a bad url fails validation naming the key', () => {
    const o = parseCli(['--onebot-reverse-ws', 'ws://127.0.0.1:8080/onebot/v11/ws', '--onebot-http-post=http://a/hook', '--onebot-reverse-ws', 'ws://b/ws'], {});
    assert.deepEqual(o.overrides.onebot, {
      reverseWs: [{ url: 'ws://127.0.0.1:8080/onebot/v11/ws' }, { url: 'ws://b/ws' }],
      httpPost: [{ url: 'http://a/hook' }],
    });
    assert.deepEqual(loadConfig(undefined, o.overrides).onebot.reverseWs, [{ url: 'ws://127.0.0.1:8080/onebot/v11/ws' }, { url: 'ws://b/ws' }]);
    assert.throws(() => loadConfig(undefined, parseCli(['--onebot-reverse-ws', 'http://not-ws'], {}).overrides), /reverseWs/);
  });

  test('the config file comes from --config, else from MAH_BRIDGE_CONFIG', () => {
    assert.equal(parseCli(['-c', 'a.yml'], { MAH_BRIDGE_CONFIG: 'b.yml' }).configFile, 'a.yml');
    assert.equal(parseCli([], { MAH_BRIDGE_CONFIG: 'b.yml' }).configFile, 'b.yml');
    assert.equal(parseCli([], {}).configFile, undefined);
  });

  test('bad values, missing values and stray arguments are usage errors', () => {
    for (const argv of [['--onebot-port', 'x'], ['--onebot-port', '70000'], ['--backend', 'mirai'], ['--log-level', 'loud'], ['--host'], ['--host', '--help'], ['stray'], ['--help=yes']]) {
      assert.throws(() => parseCli(argv, {}), UsageError, argv.join(' '));
    }
  });

  test('usage lists each flag once', () => {
    const text = usage();
    assert.equal(text.match(/--onebot-port/g)?.length, 1);
  });
});

describe('config file', () => {
  test('no file means the built-in defaults', () => {
    assert.deepEqual(loadConfig(undefined), defaultConfig());
  });

  test("a mirai-api-http setting.yml pastes in under mirai, numbers read as strings where MAH does", () => {
    const text = [
      'mirai:',
      '  adapters: [http, ws]',
      '  enableVerify: true',
      '  verifyKey: 01234567890123456789',
      '  debug: false',
      '  singleMode: false',
      '  cacheSize: 4096',
      '  persistenceFactory: built-in',
      '  adapterSettings:',
      '    http: {host: localhost, port: 8080, cors: ["*"], unreadQueueMaxSize: 100}',
      '    ws: {host: localhost, port: 8080, reservedSyncId: -1}',
      '    reverse-ws:',
      '      destinations:',
      '        - {host: localhost, port: 8080, path: /, protocol: ws, method: GET, extraParameters: {}, extraHeaders: {}, reconnectInterval: 5000}',
      '      extraParameters: {}',
      '      extraHeaders: {}',
      '      reservedSyncId: -1',
      '    webhook:',
      '      destinations: ["http://localhost:9999/hook"]',
      '      extraHeaders: {Authorization: "Bearer xxx"}',
      '      timeout: {requestTimeoutMillis: 10000, connectTimeoutMillis: 10000, socketTimeoutMillis: 10000}',
      '',
    ].join('\n');
    const config = loadConfig(writeTmp('setting.yml', text));
    assert.equal(config.mirai.verifyKey, '01234567890123456789');
    assert.equal(config.mirai.adapterSettings.ws.reservedSyncId, '-1');
    assert.equal(config.mirai.adapterSettings['reverse-ws'].destinations[0].protocol, 'ws');
    assert.equal(config.mirai.adapterSettings.http.host, 'localhost');
    assert.equal(config.onebot.port, 5700); // untouched sections keep their defaults
  });

  test('flags override the file', () => {
    const file = writeTmp('port.yml', 'onebot:\n  port: 6000\n  heartbeat: {interval: 5000}\n');
    const config = loadConfig(file, { onebot: { port: 7000 } });
    assert.equal(config.onebot.port, 7000);
    assert.equal(config.onebot.heartbeat.interval, 5000);
    assert.equal(config.onebot.heartbeat.enable, true);
  });

  test('a relative sandbox world is taken from the config file folder', () => {
    const config = loadConfig(writeTmp('world.yml', 'sandbox:\n  world: worlds/mine.yml\n'));
    assert.equal(config.sandbox.world, path.join(tmp, 'worlds', 'mine.yml'));
  });

  test('errors name the bad key: unknown keys, wrong types, bad enums', () => {
    const cases: [string, RegExp][] = [
      ['onebot:\n  prot: 1\n', /\/onebot\/prot is not a known key/],
      ['onebot:\n  port: 70000\n', /\/onebot\/port must be <= 65535/],
      ['backend: mirai\n', /\/backend must be one of sandbox, onebot/],
      ['mirai:\n  adapters: [http, wx]\n', /\/mirai\/adapters\/1 must be one of/],
      ['mirai:\n  adapterSettings:\n    reverse-ws:\n      destinations: [{host: a}]\n', /destinations\/0\/protocol is required/],
      ['colour: blue\n', /\/colour is not a known key/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(() => validateConfig(parseConfigText(text)), (e: Error) => e instanceof ConfigError && expected.test(e.message), text);
    }
  });

  test('YAML syntax errors, non-mapping files and missing files are config errors', () => {
    assert.throws(() => parseConfigText('onebot: [\n'), ConfigError);
    assert.throws(() => parseConfigText('- a\n- b\n'), /top level must be a mapping/);
    assert.throws(() => parseConfigText('a: 1\na: 2\n'), ConfigError);
    assert.deepEqual(parseConfigText(''), {});
    assert.throws(() => loadConfig(path.join(tmp, 'absent.yml')), /cannot read/);
  });
});
