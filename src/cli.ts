/** Command-line flags: one table drives parsing and `--help`. */
import type { BridgeConfig, DeepPartial } from './config';

/** Bad command line: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliOptions {
  help: boolean;
  version: boolean;
  /** From `--config`, else the MAH_BRIDGE_CONFIG environment variable. */
  configFile?: string;
  overrides: DeepPartial<BridgeConfig>;
}

interface Flag {
  /** Placeholder shown in --help; absent for switches. */
  arg?: string;
  help: string;
  alias?: string;
  /** Config paths the value is written to. */
  paths?: string[][];
  parse?: (value: string, flag: string) => unknown;
  /** Repeatable: each use appends one entry, built from the value, to the list at `list`. */
  list?: { path: string[]; entry: (value: string) => unknown };
}

const port = (v: string, flag: string) => {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`${flag} must be a port number (0-65535), got "${v}"`);
  return Number(v);
};
const oneOf = (...allowed: string[]) => (v: string, flag: string) => {
  if (!allowed.includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v;
};

const FLAGS: Record<string, Flag> = {
  '--config': { arg: 'FILE', alias: '-c', help: 'YAML config file (default: $MAH_BRIDGE_CONFIG, else built-in defaults)' },
  '--host': { arg: 'ADDR', help: 'bind address of every face and of the upstream listener (default 127.0.0.1)', paths: [['host'], ['onebot', 'host'], ['mirai', 'adapterSettings', 'http', 'host'], ['mirai', 'adapterSettings', 'ws', 'host'], ['upstream', 'listen', 'host']] },
  '--onebot-port': { arg: 'PORT', help: 'OneBot v11 HTTP+WS port (default 5700; 0 = any free port)', paths: [['onebot', 'port']], parse: port },
  '--mirai-port': { arg: 'PORT', help: 'mirai-api-http HTTP+WS port (default 8080; 0 = any free port)', paths: [['mirai', 'adapterSettings', 'http', 'port']], parse: port },
  '--verify-key': { arg: 'KEY', help: 'mirai verifyKey (default: generated and logged once)', paths: [['mirai', 'verifyKey']] },
  '--access-token': { arg: 'TOKEN', help: 'OneBot access token required from clients', paths: [['onebot', 'accessToken']] },
  '--backend': { arg: 'sandbox|onebot', help: 'embedded sandbox account (default) or a real OneBot upstream', paths: [['backend']], parse: oneOf('sandbox', 'onebot') },
  '--upstream': { arg: 'URL', help: 'OneBot upstream (ws://, http://…); implies --backend onebot', paths: [['upstream', 'url']] },
  '--log-level': { arg: 'LEVEL', help: 'error, warn, info (default), debug or silent', paths: [['logLevel']], parse: oneOf('error', 'warn', 'info', 'debug', 'silent') },
  '--onebot-reverse-ws': { arg: 'URL', help: 'dial this OneBot bot server (reverse WS, Universal; repeatable)', list: { path: ['onebot', 'reverseWs'], entry: (url) => ({ url }) } },
  '--onebot-http-post': { arg: 'URL', help: 'POST every OneBot event to this url (repeatable)', list: { path: ['onebot', 'httpPost'], entry: (url) => ({ url }) } },
  '--world': { arg: 'FILE', help: 'sandbox world file (YAML or JSON)', paths: [['sandbox', 'world']] },
  '--version': { alias: '-v', help: 'print the version and exit' },
  '--help': { alias: '-h', help: 'print this help and exit' },
};
const ALIASES: Record<string, string> = Object.fromEntries(Object.entries(FLAGS).flatMap(([name, f]) => (f.alias ? [[f.alias, name]] : [])));

export function usage(): string {
  const rows = Object.entries(FLAGS).map(([name, f]) => [`${f.alias ? `${f.alias}, ` : '    '}${name}${f.arg ? ` ${f.arg}` : ''}`, f.help]);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    'Usage: mah-bridge [flags]',
    '',
    'Serves mirai-api-http v2 and OneBot v11 bots from one QQ account. Flags override the config file.',
    '',
    ...rows.map(([left, help]) => `  ${left.padEnd(width)}${help}`),
    '',
  ].join('\n');
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** Parse `--flag value` and `--flag=value`; an unknown flag or a missing value is a UsageError. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const opts: CliOptions = { help: false, version: false, overrides: {} };
  const over = opts.overrides as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const written = eq > 0 ? token.slice(0, eq) : token;
    const name = ALIASES[written] ?? written;
    const flag = FLAGS[name];
    if (!flag) throw new UsageError(token.startsWith('-') ? `unknown flag ${written}` : `unexpected argument ${token}`);
    if (!flag.arg) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      if (name === '--help') opts.help = true;
      if (name === '--version') opts.version = true;
      continue;
    }
    const value = eq > 0 ? token.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value (${flag.arg})`);
    if (name === '--config') {
      opts.configFile = value;
      continue;
    }
    const parsed = flag.parse ? flag.parse(value, name) : value;
    for (const p of flag.paths ?? []) setPath(over, p, parsed);
    if (flag.list) {
      const { path, entry } = flag.list;
      const parent = path.slice(0, -1).reduce((node, k) => (node[k] ??= {}) as Record<string, unknown>, over);
      ((parent[path[path.length - 1]] ??= []) as unknown[]).push(entry(value));
    }
  }
  if (opts.overrides.upstream?.url && !opts.overrides.backend) opts.overrides.backend = 'onebot';
  opts.configFile ??= env.MAH_BRIDGE_CONFIG || undefined;
  return opts;
}
