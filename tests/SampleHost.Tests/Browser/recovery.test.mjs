// Unit tests of the page's recovery module (ordering, dedupe, Resume, reload), without a browser or a server.
// Run: node --test tests/SampleHost.Tests/Browser/recovery.test.mjs (RecoveryModuleTests runs it from xunit).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomSequencer } from '../../../samples/SampleHost/wwwroot/js/recovery.js';

/** Timers the test fires by hand: no waiting, no flakiness. */
function fakeTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimeout(fn) { pending.set(next, fn); return next++; },
    clearTimeout(id) { pending.delete(id); },
    get count() { return pending.size; },
    async fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const fn of due) await fn();
    },
  };
}

const env = (room, seq, epoch = 'e1', extra = {}) => ({ room, seq, epoch, type: 'updated', data: { seq }, ...extra });

function setup({ resume = async () => ({ rooms: [] }), requiredRooms } = {}) {
  const applied = [];
  const reloads = [];
  const reports = [];
  const timers = fakeTimers();
  const calls = [];
  let sequencer;
  sequencer = new RoomSequencer({
    apply: (name, e) => applied.push(`${name}:${e?.room ?? '-'}:${e?.seq ?? '-'}`),
    resume: async positions => { calls.push(positions); return resume(positions, sequencer); },
    reload: async request => { reloads.push(request); },
    onRecovery: report => reports.push(report),
    requiredRooms,
    timers,
  });
  return { sequencer, applied, reloads, reports, timers, calls };
}

test('applies in seq order and drops duplicates', () => {
  const { sequencer, applied } = setup();
  for (const seq of [1, 2, 2, 1, 3]) sequencer.receive('service-update', env('org:a', seq));
  assert.deepEqual(applied, ['service-update:org:a:1', 'service-update:org:a:2', 'service-update:org:a:3']);
  assert.equal(sequencer.stats.duplicates, 2);
});

test('the first envelope of a room is its start, whatever its seq; rooms are independent', () => {
  const { sequencer, applied } = setup();
  sequencer.receive('e', env('org:a', 41));
  sequencer.receive('e', env('tenant:a:t1', 7));
  sequencer.receive('e', env('org:a', 42));
  assert.deepEqual(applied, ['e:org:a:41', 'e:tenant:a:t1:7', 'e:org:a:42']);
  assert.deepEqual(sequencer.positions(), [{ room: 'org:a', epoch: 'e1', seq: 42 }, { room: 'tenant:a:t1', epoch: 'e1', seq: 7 }]);
});

test('envelopes without seq are applied as they come', () => {
  const { sequencer, applied } = setup();
  sequencer.receive('authenticated', { rooms: [] });
  sequencer.receive('announcement', { type: 'info' });
  assert.deepEqual(applied, ['authenticated:-:-', 'announcement:-:-']);
});

test('an envelope that skips ahead is held until the gap fills within the window', () => {
  const { sequencer, applied, timers, calls } = setup();
  sequencer.receive('e', env('r', 1));
  sequencer.receive('e', env('r', 3));
  sequencer.receive('e', env('r', 4));
  assert.deepEqual(applied, ['e:r:1']);
  assert.equal(timers.count, 1);
  sequencer.receive('e', env('r', 2));
  assert.deepEqual(applied, ['e:r:1', 'e:r:2', 'e:r:3', 'e:r:4']);
  assert.equal(timers.count, 0, 'the window timer is stopped once nothing is held');
  assert.equal(calls.length, 0);
});

test('a gap still open after the window is resumed; the replays fill it in order', async () => {
  const { sequencer, applied, timers, calls } = setup({
    // Like the hub: replays arrive as ordinary events before Resume answers.
    resume: async (positions, s) => {
      s.receive('e', env('r', 2));
      s.receive('e', env('r', 3));
      return { rooms: [{ room: 'r', recovered: true, replayed: 2 }] };
    },
  });
  sequencer.receive('e', env('r', 1));
  sequencer.receive('e', env('r', 4));
  await timers.fireAll();
  assert.deepEqual(calls, [[{ room: 'r', epoch: 'e1', seq: 1 }]]);
  assert.deepEqual(applied, ['e:r:1', 'e:r:2', 'e:r:3', 'e:r:4']);
});

test('a gap Resume cannot fill (an event nobody listens to) ends in a reload after one more window', async () => {
  const { sequencer, applied, timers, reloads, reports } = setup({
    resume: async () => ({ rooms: [{ room: 'r', recovered: true, replayed: 1 }] }),
  });
  sequencer.receive('e', env('r', 1));
  sequencer.receive('e', env('r', 3));
  await timers.fireAll();
  assert.equal(reloads.length, 0);
  await timers.fireAll();
  assert.deepEqual(reloads, [{ rooms: ['r'], reason: 'gap-not-filled' }]);
  assert.equal(reports.at(-1).reloaded, true);
  // After the reload the room starts afresh from the next envelope.
  sequencer.receive('e', env('r', 9));
  assert.deepEqual(applied, ['e:r:1', 'e:r:9']);
});

test('after a reconnect Resume replays what was missed, once, and reports how many', async () => {
  const { sequencer, applied, reports, calls } = setup({
    resume: async (positions, s) => {
      s.receive('e', env('org:a', 3)); // arrived live before the replay of 2
      s.receive('e', env('org:a', 2));
      s.receive('e', env('org:a', 3)); // the replay of 3: a duplicate
      s.receive('e', env('tenant:a:t1', 6));
      return { rooms: [{ room: 'org:a', recovered: true, replayed: 2 }, { room: 'tenant:a:t1', recovered: true, replayed: 1 }] };
    },
  });
  sequencer.receive('e', env('org:a', 1));
  sequencer.receive('e', env('tenant:a:t1', 5));
  await sequencer.resumeAll();
  assert.deepEqual(calls, [[{ room: 'org:a', epoch: 'e1', seq: 1 }, { room: 'tenant:a:t1', epoch: 'e1', seq: 5 }]]);
  assert.deepEqual(applied, ['e:org:a:1', 'e:tenant:a:t1:5', 'e:org:a:2', 'e:org:a:3', 'e:tenant:a:t1:6']);
  assert.deepEqual(reports, [{ trigger: 'reconnect', replayed: 3, reloaded: false, reason: undefined, rooms: [
    { room: 'org:a', recovered: true, replayed: 2 }, { room: 'tenant:a:t1', recovered: true, replayed: 1 }] }]);
});

test('a room not recovered is reloaded, and envelopes arriving during the reload are applied after it', async () => {
  let finishReload;
  const applied = [];
  const reports = [];
  const sequencer = new RoomSequencer({
    apply: (name, e) => applied.push(`${e.room}:${e.seq}`),
    resume: async () => ({ rooms: [{ room: 'r', recovered: false, replayed: 0 }, { room: 'gone', recovered: false, replayed: 0, error: 'forbidden' }] }),
    reload: () => new Promise(resolve => { finishReload = resolve; }),
    onRecovery: report => reports.push(report),
    timers: fakeTimers(),
  });
  sequencer.receive('e', env('r', 10));
  sequencer.receive('e', env('gone', 1));
  const resumed = sequencer.resumeAll();
  await new Promise(setImmediate);
  sequencer.receive('e', env('r', 2000, 'e1')); // during the reload: held back, then the room's new start
  sequencer.receive('e', env('r', 2001, 'e1'));
  assert.deepEqual(applied, ['r:10', 'gone:1']);
  finishReload();
  await resumed;
  assert.deepEqual(applied, ['r:10', 'gone:1', 'r:2000', 'r:2001']);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].reloaded, true);
  assert.deepEqual(sequencer.positions().map(p => p.room), ['r'], 'a forbidden room is no longer tracked');
});

test('a required room without a position cannot be resumed: reload instead', async () => {
  const { sequencer, calls, reloads, reports } = setup({ requiredRooms: () => ['org:a', 'tenant:a:t1'] });
  sequencer.receive('e', env('org:a', 1));
  await sequencer.resumeAll();
  assert.equal(calls.length, 0);
  assert.deepEqual(reloads, [{ rooms: ['org:a', 'tenant:a:t1'], reason: 'no-position' }]);
  assert.equal(reports[0].reloaded, true);
});

test('a changed epoch means the room history was lost: reload, then start from the new envelope', async () => {
  const { sequencer, applied, reloads } = setup();
  sequencer.receive('e', env('r', 5, 'old'));
  sequencer.receive('e', env('r', 1, 'new'));
  await new Promise(setImmediate);
  assert.deepEqual(reloads, [{ rooms: ['r'], reason: 'epoch-changed' }]);
  assert.deepEqual(applied, ['e:r:5', 'e:r:1']);
  assert.deepEqual(sequencer.positions(), [{ room: 'r', epoch: 'new', seq: 1 }]);
});

test('a failing handler does not stop the order', () => {
  const applied = [];
  const sequencer = new RoomSequencer({
    apply: (name, e) => { applied.push(e.seq); if (e.seq === 2) throw new Error('boom'); },
    resume: async () => null, reload: async () => {}, timers: fakeTimers(),
  });
  const error = console.error;
  console.error = () => {};
  try {
    for (const seq of [1, 3, 2]) sequencer.receive('e', env('r', seq));
  } finally {
    console.error = error;
  }
  assert.deepEqual(applied, [1, 2, 3]);
});
