/** Memory scenarios, each in a fresh process started with --expose-gc. */
import { startBridge } from '../../src/app';
import { createMessageCache } from '../../src/mirai/message-cache';
import { serveChild } from '../lib/child';

const gc = () => { (global as unknown as { gc?: () => void }).gc?.(); };
const rss = () => { gc(); gc(); return process.memoryUsage().rss; };
const tick = () => new Promise((r) => setImmediate(r));

async function cacheScenario(count: number): Promise<Record<string, number>> {
  const before = rss();
  const cache = createMessageCache({ capacity: count });
  for (let i = 1; i <= count; i++) {
    cache.record({
      botId: 10000, messageId: i, contextId: 20001, kind: 'group', senderId: 10001, targetId: 20001, groupId: 20001,
      time: 1_700_000_000 + i, self: false,
      chain: [
        { type: 'Plain', text: `message number ${i}: a line of ordinary chat text` },
        { type: 'At', target: 10002, display: '' },
        { type: 'Face', faceId: 14, name: '微笑', isSuperFace: false },
      ],
    });
  }
  const after = rss();
  const size = cache.stats().size;
  cache.stop();
  return { before, after, added: after - before, size };
}

async function unreadScenario(count: number): Promise<Record<string, number | number[]>> {
  const bridge = await startBridge({
    logLevel: 'silent',
    onebot: { port: 0, heartbeat: { enable: false, interval: 15000 } },
    mirai: { enableVerify: false, adapters: ['http'], adapterSettings: { http: { port: 0, unreadQueueMaxSize: 100 } } },
  });
  const sessions = bridge.mirai!.sessions;
  const key = sessions.verify('any');
  sessions.bind(key, bridge.core.bots()[0]);
  const ctx = bridge.sandbox!.ctx;
  const samples: number[] = [rss()];
  const batch = 5000;
  for (let i = 0; i < count; i += batch) {
    for (let j = 0; j < batch; j++) {
      const id = 1_000_000 + i + j;
      ctx.emit({
        post_type: 'message', message_type: 'group', sub_type: 'normal', message_id: id, real_id: id, message_seq: id,
        group_id: 20001, user_id: 10001, target_id: 20001, font: 0, raw_message: 'x',
        message: [{ type: 'text', data: { text: `event ${i + j}` } }],
        sender: { user_id: 10001, nickname: 'Alice', card: '', role: 'admin', sex: 'female', age: 24, area: '', level: '32', title: '' },
      });
    }
    // Let the hub drain between batches, as a steady stream would.
    for (let k = 0; k < 20; k++) await tick();
    if ((i + batch) % 100_000 === 0) samples.push(rss());
  }
  const queued = sessions.get(key)?.queue?.count() ?? -1;
  const dropped = sessions.get(key)?.queue?.dropped ?? -1;
  await bridge.stop();
  return { samples, queued, dropped };
}

serveChild({}, {
  cache: (n) => cacheScenario(Number(n)),
  unread: (n) => unreadScenario(Number(n)),
});
