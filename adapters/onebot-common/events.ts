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
