/** Bench servers run in child processes, so load generator and server never share a core's event loop. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServerChild {
  info: Record<string, unknown>;
  /** Peak RSS (bytes) since the last call, sampled every 20 ms in the child. */
  peakRss(): Promise<number>;
  request<T = unknown>(cmd: string, arg?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export function startChild(script: string, arg: unknown, execArgv: string[] = []): Promise<ServerChild> {
  const child: ChildProcess = fork(path.join(__dirname, '..', 'servers', script), [JSON.stringify(arg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  let seq = 0;
  const pending = new Map<number, (v: unknown) => void>();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.on('message', (m: { id?: number; ready?: Record<string, unknown>; result?: unknown }) => {
      if (m.ready) {
        resolve({
          info: m.ready,
          peakRss: () => request('peakRss') as Promise<number>,
          request,
          stop: () => new Promise<void>((res) => { child.removeAllListeners('exit'); child.once('exit', () => res()); child.kill('SIGTERM'); }),
        });
      } else if (m.id !== undefined) {
        pending.get(m.id)?.(m.result);
        pending.delete(m.id);
      }
    });
  });
  function request<T>(cmd: string, a?: unknown): Promise<T> {
    const id = ++seq;
    return new Promise((res) => {
      pending.set(id, res as (v: unknown) => void);
      child.send({ id, cmd, arg: a });
    });
  }
}

/** The child side: report readiness and answer peakRss and custom commands. */
export function serveChild(ready: Record<string, unknown>, commands: Record<string, (arg: unknown) => unknown | Promise<unknown>> = {}): void {
  let peak = process.memoryUsage().rss;
  setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20).unref();
  process.on('message', async (m: { id: number; cmd: string; arg: unknown }) => {
    let result: unknown;
    if (m.cmd === 'peakRss') { result = Math.max(peak, process.memoryUsage().rss); peak = process.memoryUsage().rss; }
    else if (m.cmd === 'cpuMicros') { const u = process.cpuUsage(); result = u.user + u.system; }
    else result = await commands[m.cmd]?.(m.arg);
    process.send?.({ id: m.id, result });
  });
  process.on('SIGTERM', () => process.exit(0));
  // The bench died without stopping us: an orphan would skew every later run with its timers.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready });
}
