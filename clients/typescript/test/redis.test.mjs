// The client against two TestHosts sharing one real Redis: it connects to one, broadcasts go through both.
import { randomUUID } from 'node:crypto';
import { defineClientSuite } from './support/suite.mjs';
import { startHost, startRedis } from './support/servers.mjs';

defineClientSuite('two servers on one Redis', async () => {
  const redis = await startRedis();
  const channelPrefix = `js-${randomUUID().slice(0, 8)}`;
  const [a, b] = await Promise.all([1, 2].map(() => startHost({ redis: redis.address, channelPrefix, historyMaxMessages: 20 })));
  return {
    servers: [a, b],
    stop: async () => { await Promise.all([a.stop(), b.stop()]); await redis.stop(); },
  };
});
