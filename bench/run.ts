/**
 * `npm run bench`: each scenario against the bridge and against the bare baseline of its own stack,
 * interleaved over several rounds; prints one table and writes bench/results/latest.json.
 * Env: BENCH_ROUNDS (8), BENCH_SECONDS (2), BENCH_ONLY (comma-separated scenario ids).
 * Many short rounds, bridge and baseline back to back: on a shared machine whose speed drifts over
 * seconds, each pair sees the same machine, and the ratio is the median of the rounds' ratios.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type WebSocket from 'ws';
import { startChild, type ServerChild } from './lib/child';
import { fanout, httpLoad, openSockets, pairedLatency, postJson, wsPipelined, type LoadResult } from './lib/load';
import { median, sleep } from './lib/stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ONLY = process.env.BENCH_ONLY?.split(',');
/** An unmeasured run of each side first: the rounds compare steady states, not JIT warm-up. */
const WARMUP_SECONDS = Math.min(2, SECONDS);
const KEY = 'bench-key';
/** Requests each way in the sequential (one at a time) latency measurement. */
const SEQUENTIAL_N = Number(process.env.BENCH_SEQUENTIAL ?? 2000);

interface Row {
  id: string; scenario: string; unit: string;
  bridge: { rate: number; p50: number; p99: number; peakRssMB: number } | null;
  baseline: { rate: number; p50: number; p99: number; peakRssMB: number } | null;
  ratio: number | null; target: string; pass: boolean | null; note: string;
}
const rows: Row[] = [];
const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;

function summarise(rs: LoadResult[], rss: number[]) {
  return { rate: median(rs.map((r) => r.rate)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), peakRssMB: mb(Math.max(...rss)) };
}

async function miraiSession(port: number, bot: number): Promise<string> {
  const v = await postJson(`http://127.0.0.1:${port}/verify`, { verifyKey: KEY });
  await postJson(`http://127.0.0.1:${port}/bind`, { sessionKey: v.session, qq: bot });
  return String(v.session);
}

const CHAIN = [{ type: 'Plain', text: 'hello from the bench ' }, { type: 'At', target: 10001, display: '' }, { type: 'Face', faceId: 14 }];

type Run = (seconds: number) => Promise<LoadResult>;

async function interleave(bridge: ServerChild, base: ServerChild, runBridge: Run, runBase: Run) {
  const b: LoadResult[] = []; const a: LoadResult[] = []; const bRss: number[] = []; const aRss: number[] = [];
  await runBridge(WARMUP_SECONDS); await runBase(WARMUP_SECONDS);
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which side goes first, so neither always meets the machine a step later.
    const order = r % 2 ? ['base', 'bridge'] : ['bridge', 'base'];
    for (const side of order) {
      if (side === 'bridge') { await bridge.peakRss(); b.push(await runBridge(SECONDS)); bRss.push(await bridge.peakRss()); }
      else { await base.peakRss(); a.push(await runBase(SECONDS)); aRss.push(await base.peakRss()); }
    }
  }
  return { bridge: summarise(b, bRss), baseline: summarise(a, aRss), ratio: median(b.map((x, i) => x.rate / a[i].rate)), errors: b.reduce((s, x) => s + x.errors, 0) };
}

function record(id: string, scenario: string, unit: string, res: { bridge: Row['bridge']; baseline: Row['baseline']; ratio?: number; errors?: number }, min: number, extra?: (r: Row) => boolean, note = '') {
  const ratio = res.ratio ?? (res.bridge && res.baseline ? res.bridge.rate / res.baseline.rate : null);
  const row: Row = { id, scenario, unit, bridge: res.bridge, baseline: res.baseline, ratio, target: `≥ ${min.toFixed(2)}`, pass: null, note };
  row.pass = ratio !== null && ratio >= min && (extra ? extra(row) : true) && !res.errors;
  if (res.errors) row.note = `${res.errors} errors. ${note}`.trim();
  rows.push(row);
}

const scenarios: Record<string, () => Promise<void>> = {
  async 'mirai-http-send'() {
    const bridge = await startChild('bridge.js', {}); const base = await startChild('baseline.js', {});
    const port = bridge.info.mirai as number;
    const sessionKey = await miraiSession(port, bridge.info.bot as number);
    const body = { sessionKey, target: 20001, messageChain: CHAIN };
    const probe = await postJson(`http://127.0.0.1:${port}/sendGroupMessage`, body);
    if (probe.code !== 0) throw new Error(`sendGroupMessage failed: ${JSON.stringify(probe)}`);
    const res = await interleave(bridge, base,
      (secs) => httpLoad(`http://127.0.0.1:${port}/sendGroupMessage`, body, 50, secs),
      (secs) => httpLoad(`http://127.0.0.1:${base.info.port}/sendGroupMessage`, body, 50, secs));
    record('mirai-http-send', 'mirai HTTP sendGroupMessage, 50 conns', 'req/s', res, 0.6, (r) => r.bridge!.p99 <= 2 * Math.max(1, r.baseline!.p99), 'p99 ≤ 2× baseline');
    await bridge.stop(); await base.stop();
  },
  async 'onebot-http-send'() {
    const bridge = await startChild('bridge.js', {}); const base = await startChild('baseline.js', {});
    const body = { group_id: 20001, message: [{ type: 'text', data: { text: 'hello from the bench' } }] };
    const probe = await postJson(`http://127.0.0.1:${bridge.info.onebot}/send_group_msg`, body);
    if (probe.retcode !== 0) throw new Error(`send_group_msg failed: ${JSON.stringify(probe)}`);
    const res = await interleave(bridge, base,
      (secs) => httpLoad(`http://127.0.0.1:${bridge.info.onebot}/send_group_msg`, body, 50, secs),
      (secs) => httpLoad(`http://127.0.0.1:${base.info.port}/send_group_msg`, body, 50, secs));
    record('onebot-http-send', 'OneBot HTTP send_group_msg, 50 conns', 'req/s', res, 0.7);
    await bridge.stop(); await base.stop();
  },
  async 'mirai-ws-command'() {
    const bridge = await startChild('bridge.js', {}); const base = await startChild('baseline.js', {});
    const url = `ws://127.0.0.1:${bridge.info.mirai}/all?verifyKey=${KEY}&qq=${bridge.info.bot}`;
    const bs = await openSockets(url, 50); const as = await openSockets(`ws://127.0.0.1:${base.info.port}/echo`, 50);
    await sleep(200);
    const frame = (id: string) => JSON.stringify({ syncId: id, command: 'sendGroupMessage', content: { target: 20001, messageChain: CHAIN } });
    const res = await interleave(bridge, base, (secs) => wsPipelined(bs, frame, 10, secs), (secs) => wsPipelined(as, frame, 10, secs));
    record('mirai-ws-command', 'mirai WS sendGroupMessage, 50 sockets × 10 in flight', 'frames/s', res, 0.6);
    for (const ws of [...bs, ...as]) ws.terminate();
    await bridge.stop(); await base.stop();
  },
  async 'event-fanout'() {
    const bridge = await startChild('bridge.js', {}); const base = await startChild('baseline.js', {});
    const bs = await openSockets(`ws://127.0.0.1:${bridge.info.mirai}/all?verifyKey=${KEY}&qq=${bridge.info.bot}`, 100);
    const as = await openSockets(`ws://127.0.0.1:${base.info.port}/fanout`, 100);
    await sleep(300);
    const N = 300;
    // One bridge push gives the baseline its frame size.
    let sample = '';
    const grab = (raw: WebSocket.RawData) => { const t = String(raw); if (t.includes('GroupMessage')) sample = t; };
    bs[0].on('message', grab);
    await postJson(`http://127.0.0.1:${bridge.info.onebot}/sandbox/message`, { user_id: 10001, group_id: 20001, message: 'fan-out probe message' });
    for (let i = 0; i < 50 && !sample; i++) await sleep(20);
    bs[0].off('message', grab);
    if (!sample) throw new Error('no GroupMessage push received');
    await base.request('setFrame', sample);
    const res = await interleave(bridge, base,
      async () => { const r = await fanout(bs, (t) => t.includes('"GroupMessage"'), () => postJson(`http://127.0.0.1:${bridge.info.onebot}/sandbox/message`, { user_id: 10001, group_id: 20001, message: 'fan-out probe message' }), N, 10, N * 100); return { rate: r.rate, p50: NaN, p99: NaN, errors: N * 100 - r.delivered }; },
      async () => { const r = await fanout(as, (t) => t.includes('"GroupMessage"'), () => postJson(`http://127.0.0.1:${base.info.port}/broadcast`, {}), N, 10, N * 100); return { rate: r.rate, p50: NaN, p99: NaN, errors: 0 }; });
    record('event-fanout', `event fan-out to 100 mirai WS sessions (${N} messages)`, 'frames/s', res, 0.6);
    for (const ws of [...bs, ...as]) ws.terminate();
    await bridge.stop(); await base.stop();
  },
  async 'http-polling'() {
    const bridge = await startChild('bridge.js', { queue: 10_000 });
    const port = bridge.info.mirai as number;
    const keys = await Promise.all(Array.from({ length: 100 }, () => miraiSession(port, bridge.info.bot as number)));
    const N = 500;
    const seen = keys.map(() => new Map<string, number>());
    let playing = true;
    const pollers = keys.map(async (k, i) => {
      while (playing || seen[i].size < N) {
        const r = await fetch(`http://127.0.0.1:${port}/fetchMessage?sessionKey=${k}&count=100`).then((x) => x.json()) as { data: { messageChain: { type: string; text?: string }[] }[] };
        for (const ev of r.data ?? []) {
          const text = ev.messageChain?.find((e) => e.type === 'Plain')?.text ?? '';
          if (text.startsWith('poll-')) seen[i].set(text, (seen[i].get(text) ?? 0) + 1);
        }
        if (!r.data?.length) await sleep(5);
        if (!playing && Date.now() > deadline) break;
      }
    });
    let deadline = Infinity;
    const t0 = performance.now();
    await bridge.peakRss();
    for (let i = 0; i < N; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => postJson(`http://127.0.0.1:${bridge.info.onebot}/sandbox/message`, { user_id: 10001, group_id: 20001, message: `poll-${i + j}` })));
    playing = false; deadline = Date.now() + 30_000;
    await Promise.all(pollers);
    const secs = (performance.now() - t0) / 1000;
    const delivered = seen.reduce((s, m) => s + m.size, 0);
    const dups = seen.reduce((s, m) => s + [...m.values()].filter((c) => c > 1).length, 0);
    const lost = keys.length * N - delivered;
    rows.push({ id: 'http-polling', scenario: `HTTP polling, 100 sessions, ${N} events`, unit: 'events/s', bridge: { rate: delivered / secs, p50: NaN, p99: NaN, peakRssMB: mb(await bridge.peakRss()) }, baseline: null, ratio: null, target: 'no loss, no dup', pass: lost === 0 && dups === 0, note: `lost ${lost}, duplicated ${dups}` });
    await bridge.stop();
  },
  async 'upstream-hop'() {
    const sandbox = await startChild('bridge.js', {});
    const hop = await startChild('bridge.js', { upstream: `ws://127.0.0.1:${sandbox.info.onebot}/` });
    await sleep(500);
    const body = async (port: number, bot: number) => ({ sessionKey: await miraiSession(port, bot), target: 20001, messageChain: CHAIN });
    const direct = await body(sandbox.info.mirai as number, sandbox.info.bot as number);
    const via = await body(hop.info.mirai as number, (hop.info.bot as number) ?? (sandbox.info.bot as number));
    const probe = await postJson(`http://127.0.0.1:${hop.info.mirai}/sendGroupMessage`, via);
    if (probe.code !== 0) throw new Error(`send through the upstream hop failed: ${JSON.stringify(probe)}`);
    const res = await interleave(hop, sandbox,
      (secs) => httpLoad(`http://127.0.0.1:${hop.info.mirai}/sendGroupMessage`, via, 50, secs),
      (secs) => httpLoad(`http://127.0.0.1:${sandbox.info.mirai}/sendGroupMessage`, direct, 50, secs));
    // Added latency of the hop at low load, where queueing does not hide it: requests one at a time,
    // via and direct alternating, each timed to the microsecond; the median of each side.
    const seq = await pairedLatency({ url: `http://127.0.0.1:${hop.info.mirai}/sendGroupMessage`, body: via }, { url: `http://127.0.0.1:${sandbox.info.mirai}/sendGroupMessage`, body: direct }, SEQUENTIAL_N);
    const viaP50 = median(seq.a); const directP50 = median(seq.b);
    const added = viaP50 - directP50;
    // The same measurement for the bare stack: express relaying over one ws to a bare OneBot endpoint in
    // another process, against the bare route. What the hop costs before any of our code runs.
    const far = await startChild('baseline.js', {});
    const near = await startChild('baseline.js', { forward: `ws://127.0.0.1:${far.info.port}/onebot` });
    const bare = await pairedLatency({ url: `http://127.0.0.1:${near.info.port}/sendGroupMessage`, body: via }, { url: `http://127.0.0.1:${far.info.port}/sendGroupMessage`, body: via }, SEQUENTIAL_N);
    const floor = median(bare.a) - median(bare.b);
    await near.stop(); await far.stop();
    record('upstream-hop', 'mirai HTTP send through an upstream-mode bridge (forward WS)', 'req/s', res, 0.5, () => added <= 0.5,
      `added p50, ${SEQUENTIAL_N} sequential sends each way: ${added.toFixed(3)} ms (${viaP50.toFixed(3)} vs ${directP50.toFixed(3)}; ≤ 0.5); a bare two-process ws hop adds ${floor.toFixed(3)} ms`);
    await hop.stop(); await sandbox.stop();
  },
  async memory() {
    const child = await startChild('memory.js', {}, ['--expose-gc']);
    const cache = await child.request<Record<string, number>>('cache', 100_000);
    rows.push({ id: 'memory-cache', scenario: `100,000 messages in the messageId cache (${cache.size} kept)`, unit: 'MB added', bridge: { rate: mb(cache.added), p50: NaN, p99: NaN, peakRssMB: mb(cache.after) }, baseline: null, ratio: null, target: '≤ 150 MB', pass: mb(cache.added) <= 150, note: '' });
    await child.stop();
    const child2 = await startChild('memory.js', {}, ['--expose-gc']);
    const u = await child2.request<{ samples: number[]; queued: number; dropped: number }>('unread', 1_000_000);
    const growth = mb(Math.max(...u.samples.slice(2)) - u.samples[1]);
    rows.push({ id: 'memory-unread', scenario: '1,000,000 events to a session that never reads', unit: 'MB growth after 100k', bridge: { rate: growth, p50: NaN, p99: NaN, peakRssMB: mb(Math.max(...u.samples)) }, baseline: null, ratio: null, target: 'flat (≤ 20 MB)', pass: growth <= 20, note: `queued ${u.queued}, dropped ${u.dropped}; RSS MB by 100k: ${u.samples.map(mb).join(' ')}` });
    await child2.stop();
  },
  async startup() {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await startupOnce());
    const t = median(times);
    rows.push({ id: 'startup', scenario: 'process start to all faces listening', unit: 'ms', bridge: { rate: t, p50: NaN, p99: NaN, peakRssMB: NaN }, baseline: null, ratio: null, target: '≤ 1000 ms', pass: t <= 1000, note: `runs: ${times.map((x) => x.toFixed(0)).join(', ')}` });
  },
};

function startupOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js'), '--onebot-port', '0', '--mirai-port', '0', '--verify-key', KEY, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let listening: number | undefined; // ms from spawn to both faces listening
    const onData = (d: Buffer) => {
      out += String(d);
      if (listening === undefined && /OneBot[^\n]*listening/.test(out) && /mirai-api-http[^\n]*listening/.test(out)) {
        listening = performance.now() - t0;
        p.kill('SIGTERM');
      }
    };
    p.stdout.on('data', onData); p.stderr.on('data', onData);
    // One exit listener: after "listening" the exit is the kill we sent; before it, a failure.
    p.once('exit', (code) => (listening !== undefined ? resolve(listening) : reject(new Error(`bridge exited (${code}) before listening: ${out}`))));
  });
}

function fmt(n: number | undefined | null, d = 0): string { return n === undefined || n === null || Number.isNaN(n) ? '—' : n.toFixed(d); }

function table(): string {
  const head = '| scenario | unit | bridge | baseline | ratio | p50 ms (bridge/base) | p99 ms (bridge/base) | peak RSS MB (bridge/base) | target | pass | note |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map((r) => `| ${r.scenario} | ${r.unit} | ${fmt(r.bridge?.rate, 1)} | ${fmt(r.baseline?.rate, 1)} | ${fmt(r.ratio, 2)} | ${fmt(r.bridge?.p50, 2)} / ${fmt(r.baseline?.p50, 2)} | ${fmt(r.bridge?.p99, 2)} / ${fmt(r.baseline?.p99, 2)} | ${fmt(r.bridge?.peakRssMB, 1)} / ${fmt(r.baseline?.peakRssMB, 1)} | ${r.target} | ${r.pass === null ? '—' : r.pass ? 'yes' : 'NO'} | ${r.note} |`);
  return [head, sep, ...lines].join('\n');
}

async function main(): Promise<void> {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${mb(os.totalmem()) / 1024 | 0} GiB, Node ${process.version}, ${os.platform()}`;
  console.log(`mah-bridge bench — ${machine}; ${ROUNDS} rounds × ${SECONDS}s, interleaved with the baseline; ratio = median of the rounds' ratios\n`);
  for (const [id, run] of Object.entries(scenarios)) {
    if (ONLY && !ONLY.some((o) => id.startsWith(o))) continue;
    process.stdout.write(`running ${id}…\n`);
    try { await run(); } catch (e) {
      rows.push({ id, scenario: id, unit: '', bridge: null, baseline: null, ratio: null, target: '', pass: false, note: `failed: ${(e as Error).message}` });
    }
  }
  const out = table();
  console.log('\n' + out);
  const dir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), machine, rounds: ROUNDS, seconds: SECONDS, rows }, null, 2));
  fs.writeFileSync(path.join(dir, 'latest.md'), `${machine}\n\n${out}\n`);
  console.log(`\nwritten: bench/results/latest.json`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
