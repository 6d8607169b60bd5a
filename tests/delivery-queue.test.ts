/** The outbound queue behind the webhook and HTTP POST faces: bounded, one delivery at a time, in order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveryQueue, replyObject } from '../adapters/shared/delivery-queue';

/** A delivery that waits until the test lets it finish. */
function gate() {
  let open: () => void = () => undefined;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

test('delivers in order, one at a time, and refuses what does not fit while one is under way', async () => {
  const got: number[] = [];
  let inFlight = 0;
  let most = 0;
  const first = gate();
  const q = createDeliveryQueue<number>({
    maxQueue: 2,
    running: () => true,
    deliver: async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      if (n === 1) await first.p;
      got.push(n);
      inFlight--;
    },
  });
  assert.equal(q.push(1), true); // taken at once: the queue is empty again
  assert.equal(q.push(2), true);
  assert.equal(q.push(3), true);
  assert.equal(q.push(4), false, 'two wait already');
  assert.equal(q.length, 2);
  first.open();
  await q.idle();
  assert.deepEqual(got, [1, 2, 3]);
  assert.equal(most, 1);
  assert.equal(q.push(5), true, 'room again');
  await q.idle();
  assert.deepEqual(got, [1, 2, 3, 5]);
});

test('a failing delivery does not stop the ones behind it; clear and a stopped owner end the loop', async () => {
  const got: number[] = [];
  let running = true;
  const hold = gate();
  const started = gate();
  const q = createDeliveryQueue<number>({
    maxQueue: 10,
    running: () => running,
    deliver: async (n) => {
      if (n === 1) throw new Error('receiver down');
      if (n === 2) {
        started.open();
        await hold.p;
      }
      got.push(n);
    },
  });
  for (const n of [1, 2, 3, 4]) q.push(n);
  await started.p; // 1 failed, and 2 is under way
  running = false; // the owner stops
  q.clear();
  hold.open();
  await q.idle();
  assert.deepEqual(got, [2], 'the delivery under way finished; nothing after it ran');
  assert.equal(q.length, 0);
});

test('a receiver\'s reply asks for something only as a JSON object', () => {
  for (const text of ['', '  ', 'OK', '<html>', '[1,2]', '"x"', '42', 'null']) assert.equal(replyObject(text), undefined, JSON.stringify(text));
  assert.deepEqual(replyObject(' {"reply":"hi"} '), { reply: 'hi' });
  assert.deepEqual(replyObject('{}'), {});
});
