/** A bridge in its own process: sandbox, or upstream mode over forward WS to another bridge. */
import { startBridge } from '../../src/app';
import { serveChild } from '../lib/child';

interface Arg { upstream?: string; queue?: number }

async function main(): Promise<void> {
  const arg = JSON.parse(process.argv[2] ?? '{}') as Arg;
  const bridge = await startBridge({
    logLevel: 'silent',
    backend: arg.upstream ? 'onebot' : 'sandbox',
    upstream: arg.upstream ? { url: arg.upstream, transport: 'ws', listen: { host: '127.0.0.1', port: 0, path: '/onebot' } } : undefined,
    onebot: { port: 0, heartbeat: { enable: false, interval: 15000 } },
    mirai: {
      enableVerify: true,
      verifyKey: 'bench-key',
      adapters: ['http', 'ws'],
      adapterSettings: { http: { port: 0, unreadQueueMaxSize: arg.queue ?? 100 } },
    },
  });
  serveChild({ onebot: bridge.ports.onebot, mirai: bridge.ports.mirai, bot: bridge.core.bots()[0] });
}

main().catch((e) => { console.error(e); process.exit(1); });
