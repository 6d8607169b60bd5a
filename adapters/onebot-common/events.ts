import type { ActionCore } from '../../src/core/action-core';
import type { OneBotConfig } from '../../src/config';
import { segmentsToCq } from '../../src/core/cq-code';
import type { OneBotEvent, Segment } from '../../src/core/types';

/** Whether an event of the core's stream goes out on a OneBot face. */
export const shouldPush = (ev: OneBotEvent, config: OneBotConfig): boolean =>
  ev.post_type !== 'message_sent' || config.reportSelfMessage;

/** The core's event (array format) as the face emits it: `message` as a CQ string when so configured. */
export function oneBotEventToWire(ev: OneBotEvent, config: OneBotConfig): OneBotEvent {
  if (config.messageFormat !== 'string' || !Array.isArray(ev.message)) return ev;
  const out: OneBotEvent = { ...ev, message: segmentsToCq(ev.message as Segment[]) };
  if ('message_format' in ev) out.message_format = 'string';
  return out;
}

const now = () => Math.floor(Date.now() / 1000);

export const lifecycleEvent = (selfId: number, subType: 'connect' | 'enable' | 'disable'): OneBotEvent => ({
  time: now(),
  self_id: selfId,
  post_type: 'meta_event',
  meta_event_type: 'lifecycle',
  sub_type: subType,
});

export const heartbeatEvent = (selfId: number, status: unknown, interval: number): OneBotEvent => ({
  time: now(),
  self_id: selfId,
  post_type: 'meta_event',
  meta_event_type: 'heartbeat',
  status,
  interval,
});

/** A heartbeat's `status`: get_status's data for the bot when the action runs here (0: the default bot). */
export async function heartbeatStatus(core: ActionCore, selfId: number): Promise<unknown> {
  if (!core.supportedActions().includes('get_status')) return { online: true, good: true };
  return core.call('get_status', {}, selfId ? { selfId } : {}).catch(() => ({ online: false, good: false }));
}

/**
 * Every `interval` ms, one heartbeat per bot that `wants` one, handed to `send`; a slow get_status
 * never lets two beats overlap. The timer is unref'd; the face clears it when it stops.
 */
export function startHeartbeat(
  core: ActionCore,
  hb: { enable: boolean; interval: number },
  bots: () => Iterable<number>,
  send: (ev: OneBotEvent, botId: number) => void,
  wants: (botId: number) => boolean = () => true,
): NodeJS.Timeout | undefined {
  if (!hb.enable || hb.interval <= 0) return undefined;
  let beating = false;
  const beat = async () => {
    if (beating) return;
    beating = true;
    try {
      for (const id of bots()) if (wants(id)) send(heartbeatEvent(id, await heartbeatStatus(core, id), hb.interval), id);
    } finally {
      beating = false;
    }
  };
  const timer = setInterval(() => void beat(), hb.interval);
  timer.unref();
  return timer;
}
