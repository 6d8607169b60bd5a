/**
 * Upstreams that report the account's own messages (message_sent) also report what a mirai client
 * just sent through the bridge; MAH never echoes those back as *SyncMessage, so neither do we.
 * Messages the account sent from elsewhere still arrive as GroupSyncMessage.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openMirai, SELF, LOBBY } from './helpers';

test('our own sends reported back by the backend are not pushed as GroupSyncMessage; others are', async () => {
  const m = await openMirai();
  after(() => m.stop());
  const sent = await m.post('/sendGroupMessage', { target: LOBBY, messageChain: [{ type: 'Plain', text: 'from a mirai client' }] });
  assert.equal(sent.code, 0);
  const report = (message_id: number, text: string) => m.bridge.sandbox!.ctx.emit({
    post_type: 'message_sent', message_type: 'group', sub_type: 'normal', message_id, real_id: message_id, message_seq: message_id,
    group_id: LOBBY, user_id: SELF, target_id: LOBBY, font: 0, raw_message: text,
    message: [{ type: 'text', data: { text } }],
    sender: { user_id: SELF, nickname: 'MahBot', card: '', role: 'owner', sex: 'unknown', age: 0, area: '', level: '1', title: '' },
  });
  report(sent.messageId, 'from a mirai client');
  // Sent from another device of the account: a real sync message, after the echo in event order.
  const other = (await m.sandbox('self_message', { group_id: LOBBY, message: 'from the phone' })).message_id as number;
  const events = await m.drain(1);
  assert.deepEqual(events.map((e: { type: string }) => e.type), ['GroupSyncMessage']);
  assert.equal(events[0].messageChain[0].id, other);
});
