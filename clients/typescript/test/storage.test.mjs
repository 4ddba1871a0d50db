// Positions kept across a page reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionStoragePositionStore, storagePositionStore } from '../dist/index.js';
import { MemoryStorage } from './support/helpers.mjs';

test('saved positions load back; anything else stored under the key loads as nothing', () => {
  const storage = new MemoryStorage();
  const store = storagePositionStore(storage, 'k');
  assert.equal(store.load(), null);
  store.save([{ room: 'tenant:o:t', epoch: 'e', seq: 3 }]);
  assert.deepEqual(storagePositionStore(storage, 'k').load(), [{ room: 'tenant:o:t', epoch: 'e', seq: 3 }]);
  storage.setItem('k', '{not json');
  assert.equal(store.load(), null);
  storage.setItem('k', JSON.stringify([{ room: 'a', epoch: 'e', seq: 1 }, { room: 'b', seq: 'x' }, null]));
  assert.deepEqual(store.load(), [{ room: 'a', epoch: 'e', seq: 1 }], 'malformed entries are left out');
});

test('sessionStoragePositionStore needs a sessionStorage (a browser)', () => {
  assert.throws(() => sessionStoragePositionStore(), /sessionStorage is not available/);
  globalThis.sessionStorage = new MemoryStorage();
  try {
    const store = sessionStoragePositionStore('p');
    store.save([{ room: 'r', epoch: 'e', seq: 1 }]);
    assert.equal(globalThis.sessionStorage.getItem('p'), '[{"room":"r","epoch":"e","seq":1}]');
  } finally {
    delete globalThis.sessionStorage;
  }
});
