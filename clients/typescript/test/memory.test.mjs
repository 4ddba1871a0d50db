// The client against one TestHost, in memory.
import { defineClientSuite } from './support/suite.mjs';
import { startHost } from './support/servers.mjs';

defineClientSuite('one server in memory', async () => {
  const host = await startHost({ historyMaxMessages: 20 });
  return { servers: [host], stop: () => host.stop() };
});
