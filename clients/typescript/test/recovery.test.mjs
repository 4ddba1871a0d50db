// RoomRecovery, the ordering and dedupe core, on its own, with hand-driven timers: reorder within the window, dedupe, gaps
// resumed then reloaded, epoch changes, reload queueing, positions from the server and from storage.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RoomRecovery } from '../dist/index.js';

class ManualTimers {
  #next = 1;
  pending = new Map();
  setTimeout(callback, ms) { const id = this.#next++; this.pending.set(id, { callback, ms }); return id; }
  clearTimeout(id) { this.pending.delete(id); }
  /** Fires every pending timer (the reorder window passing). */
  fire() { const due = [...this.pending.values()]; this.pending.clear(); for (const t of due) t.callback(); }
}

const flush = () => new Promise(resolve => setImmediate(resolve));

function harness({ resume = async () => ({ rooms: [] }), reload } = {}) {
  const timers = new ManualTimers();
  const applied = [];
  const reloads = [];
  const resumes = [];
  const errors = [];
  let saves = 0;
  const recovery = new RoomRecovery({
    deliver: (eventName, envelope) => applied.push(`${envelope.room ?? '-'}#${envelope.seq ?? '-'}`),
    resume: async positions => { resumes.push(positions); return resume(positions); },
    reload: async (rooms, reason) => { reloads.push({ rooms: [...rooms], reason }); await reload?.(rooms, reason); },
    positionsChanged: () => saves++,
    log: (message, error) => errors.push(message),
    reorderWindowMs: 1000,
    timers,
  });
  const env = (seq, room = 'tenant:o:t', epoch = 'e1') => ({ type: 'updated', data: seq, timestamp: '', scope: 'tenant', room, seq, epoch });
  return { recovery, timers, applied, reloads, resumes, errors, env, saves: () => saves };
}

describe('RoomRecovery', () => {
  test('the first envelope of a room starts it; the next ones apply in seq order', () => {
    const h = harness();
    for (const seq of [5, 6, 7]) h.recovery.receive('e', h.env(seq));
    assert.deepEqual(h.applied, ['tenant:o:t#5', 'tenant:o:t#6', 'tenant:o:t#7']);
    assert.deepEqual(h.recovery.positions(), [{ room: 'tenant:o:t', epoch: 'e1', seq: 7 }]);
  });

  test('an envelope ahead of a gap is held until the gap fills within the window', () => {
    const h = harness();
    h.recovery.receive('e', h.env(1));
    h.recovery.receive('e', h.env(4));
    h.recovery.receive('e', h.env(3));
    assert.deepEqual(h.applied, ['tenant:o:t#1']);
    assert.equal(h.timers.pending.size, 1, 'the reorder window runs');
    h.recovery.receive('e', h.env(2));
    assert.deepEqual(h.applied, ['tenant:o:t#1', 'tenant:o:t#2', 'tenant:o:t#3', 'tenant:o:t#4']);
    assert.equal(h.timers.pending.size, 0, 'the window is stopped once the gap is filled');
    assert.deepEqual(h.resumes, []);
  });

  test('rooms are ordered independently', () => {
    const h = harness();
    h.recovery.receive('e', h.env(1, 'a'));
    h.recovery.receive('e', h.env(1, 'b'));
    h.recovery.receive('e', h.env(3, 'a'));
    h.recovery.receive('e', h.env(2, 'b'));
    h.recovery.receive('e', h.env(2, 'a'));
    assert.deepEqual(h.applied, ['a#1', 'b#1', 'b#2', 'a#2', 'a#3']);
  });

  test('duplicates (at or below the position, or held twice) are dropped', () => {
    const h = harness();
    for (const seq of [1, 2, 2, 1, 4, 4, 3]) h.recovery.receive('e', h.env(seq));
    assert.deepEqual(h.applied, ['tenant:o:t#1', 'tenant:o:t#2', 'tenant:o:t#3', 'tenant:o:t#4']);
    assert.equal(h.recovery.stats.duplicates, 2, 'two below the position; the second 4 was held once');
  });

  test('envelopes without a position pass straight through', () => {
    const h = harness();
    h.recovery.receive('e', { type: 'x', data: 1, timestamp: '', scope: 'all' });
    h.recovery.receive('e', { type: 'x', data: 2, timestamp: '', scope: 'all', room: null, seq: null, epoch: null });
    assert.deepEqual(h.applied, ['-#-', '-#-']);
    assert.deepEqual(h.recovery.positions(), []);
  });

  test('a gap still open after the window is resumed once; replays fill it', async () => {
    let h;
    h = harness({
      resume: async positions => {
        h.recovery.receive('e', h.env(2)); // the server replays before it answers
        return { rooms: [{ room: 'tenant:o:t', recovered: true, replayed: 1 }] };
      },
    });
    h.recovery.receive('e', h.env(1));
    h.recovery.receive('e', h.env(3));
    h.timers.fire();
    await flush();
    assert.deepEqual(h.resumes, [[{ room: 'tenant:o:t', epoch: 'e1', seq: 1 }]]);
    assert.deepEqual(h.applied, ['tenant:o:t#1', 'tenant:o:t#2', 'tenant:o:t#3']);
    assert.deepEqual(h.reloads, []);
  });

  test('a gap Resume cannot fill is reloaded after a second window; the room then starts afresh', async () => {
    const h = harness({ resume: async () => ({ rooms: [{ room: 'tenant:o:t', recovered: true, replayed: 0 }] }) });
    h.recovery.receive('e', h.env(1));
    h.recovery.receive('e', h.env(3));
    h.timers.fire();
    await flush();
    assert.equal(h.resumes.length, 1);
    h.timers.fire();
    await flush();
    assert.deepEqual(h.reloads, [{ rooms: ['tenant:o:t'], reason: 'gap-not-filled' }]);
    h.recovery.receive('e', h.env(9));
    assert.deepEqual(h.applied, ['tenant:o:t#1', 'tenant:o:t#9'], 'the held envelope is covered by the reload; 9 starts the room');
  });

  test('a gap the server answers as not recovered is reloaded at once', async () => {
    const h = harness({ resume: async () => ({ rooms: [{ room: 'tenant:o:t', recovered: false, replayed: 0 }] }) });
    h.recovery.receive('e', h.env(1));
    h.recovery.receive('e', h.env(3));
    h.timers.fire();
    await flush();
    assert.deepEqual(h.reloads, [{ rooms: ['tenant:o:t'], reason: 'not-recovered' }]);
  });

  test('another epoch means the history was lost: reload, then the envelope starts the room', async () => {
    const h = harness();
    h.recovery.receive('e', h.env(7));
    h.recovery.receive('e', h.env(1, 'tenant:o:t', 'e2'));
    await flush();
    assert.deepEqual(h.reloads, [{ rooms: ['tenant:o:t'], reason: 'epoch-changed' }]);
    assert.deepEqual(h.applied, ['tenant:o:t#7', 'tenant:o:t#1']);
    assert.deepEqual(h.recovery.positions(), [{ room: 'tenant:o:t', epoch: 'e2', seq: 1 }]);
  });

  test('envelopes that arrive while the app reloads are applied after it, in order', async () => {
    let release;
    const h = harness({ reload: () => new Promise(resolve => { release = resolve; }) });
    h.recovery.receive('e', h.env(1));
    const reloading = h.recovery.reload(['tenant:o:t'], 'not-recovered');
    h.recovery.receive('e', h.env(5));
    h.recovery.receive('e', h.env(6));
    assert.deepEqual(h.applied, ['tenant:o:t#1'], 'held while the snapshot loads');
    release();
    await reloading;
    assert.deepEqual(h.applied, ['tenant:o:t#1', 'tenant:o:t#5', 'tenant:o:t#6']);
  });

  test('resumeAll asks from every position and reloads the rooms not recovered; forbidden rooms are dropped', async () => {
    const h = harness({
      resume: async () => ({ rooms: [
        { room: 'a', recovered: true, replayed: 2 },
        { room: 'b', recovered: false, replayed: 0 },
        { room: 'c', recovered: false, replayed: 0, error: 'forbidden' },
      ] }),
    });
    h.recovery.seed([{ room: 'a', epoch: 'e', seq: 3 }, { room: 'b', epoch: 'e', seq: 4 }, { room: 'c', epoch: 'e', seq: 5 }]);
    const result = await h.recovery.resumeAll();
    assert.equal(result.rooms.length, 3);
    assert.deepEqual(h.resumes, [[{ room: 'a', epoch: 'e', seq: 3 }, { room: 'b', epoch: 'e', seq: 4 }, { room: 'c', epoch: 'e', seq: 5 }]]);
    assert.deepEqual(h.reloads.sort((x, y) => x.reason.localeCompare(y.reason)), [
      { rooms: ['c'], reason: 'forbidden' },
      { rooms: ['b'], reason: 'not-recovered' },
    ]);
    assert.deepEqual(h.recovery.positions().map(p => p.room), ['a', 'b']);
  });

  test('a Resume that fails while connected reloads; no connection (null) leaves positions for the next reconnect', async () => {
    const failing = harness({ resume: async () => { throw new Error('boom'); } });
    failing.recovery.seed([{ room: 'a', epoch: 'e', seq: 3 }]);
    assert.equal(await failing.recovery.resumeAll(), null);
    assert.deepEqual(failing.reloads, [{ rooms: ['a'], reason: 'resume-failed' }]);

    const offline = harness({ resume: async () => null });
    offline.recovery.seed([{ room: 'a', epoch: 'e', seq: 3 }]);
    assert.equal(await offline.recovery.resumeAll(), null);
    assert.deepEqual(offline.reloads, []);
    assert.deepEqual(offline.recovery.positions(), [{ room: 'a', epoch: 'e', seq: 3 }]);
  });

  test('adopt takes the server\'s position only for rooms without one', () => {
    const h = harness();
    h.recovery.receive('e', h.env(4, 'a'));
    h.recovery.adopt([{ room: 'a', epoch: 'e1', seq: 9 }, { room: 'b', epoch: 'eb', seq: 2 }]);
    assert.deepEqual(h.recovery.positions(), [{ room: 'a', epoch: 'e1', seq: 4 }, { room: 'b', epoch: 'eb', seq: 2 }]);
    h.recovery.receive('e', h.env(2, 'b', 'eb'));
    h.recovery.receive('e', h.env(3, 'b', 'eb'));
    assert.deepEqual(h.applied, ['a#4', 'b#3'], 'at or below the adopted position is a duplicate');
  });

  test('a handler that throws does not stop the room; positions are reported after each apply', () => {
    const timers = new ManualTimers();
    const errors = [];
    let saves = 0;
    const applied = [];
    const recovery = new RoomRecovery({
      deliver: (eventName, envelope) => { applied.push(envelope.seq); if (envelope.seq === 1) throw new Error('handler'); },
      resume: async () => null,
      reload: async () => {},
      positionsChanged: () => saves++,
      log: message => errors.push(message),
      reorderWindowMs: 10,
      timers,
    });
    for (const seq of [1, 2]) recovery.receive('e', { room: 'r', seq, epoch: 'e' });
    assert.deepEqual(applied, [1, 2]);
    assert.equal(errors.length, 1);
    assert.equal(saves, 2);
  });
});
