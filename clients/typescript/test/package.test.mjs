// The package's metadata follows the repository: one version for every package, the SignalR the sample pins, exact
// tool versions (a typescript with the JS compiler API: not 7.x).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './support/servers.mjs';

const read = file => readFileSync(path.join(repoRoot, file), 'utf8');
const manifest = JSON.parse(read('clients/typescript/package.json'));

test('the npm version is the repository\'s package version (Directory.Build.props)', () => {
  const prefix = /<VersionPrefix>([^<]+)<\/VersionPrefix>/.exec(read('Directory.Build.props'))[1];
  assert.equal(manifest.version, prefix);
});

test('SignalR is the sample page\'s version, exact, as peer and dev dependency; MessagePack is an optional peer', () => {
  const sample = JSON.parse(read('samples/SampleHost/package.json')).dependencies['@microsoft/signalr'];
  assert.equal(manifest.peerDependencies['@microsoft/signalr'], sample);
  assert.equal(manifest.devDependencies['@microsoft/signalr'], sample);
  assert.equal(manifest.peerDependencies['@microsoft/signalr-protocol-msgpack'], sample);
  assert.equal(manifest.peerDependenciesMeta['@microsoft/signalr-protocol-msgpack'].optional, true);
});

test('every dependency is pinned exactly, typescript below 7, and the lock file agrees', () => {
  const lock = JSON.parse(read('clients/typescript/package-lock.json'));
  for (const [name, version] of Object.entries(manifest.devDependencies)) {
    assert.match(version, /^\d+\.\d+\.\d+$/, `${name} ${version}`);
    assert.equal(lock.packages[`node_modules/${name}`].version, version, name);
  }
  assert.ok(Number(manifest.devDependencies.typescript.split('.')[0]) < 7);
});
