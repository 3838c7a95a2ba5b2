'use strict';
// The async API, client side: ready(), request(), handle(), messages(), close().
// Run both ends with `npm run example -- async` (after `npm run build`), or each by hand.
const { IPCModule } = require('../..'); // node-ipc-ts: the package root, built into dist/
const { socketRoot, deadline } = require('../settings');

deadline('client');
const ipc = new IPCModule();
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.socketRoot = socketRoot();

async function main() {
  ipc.connectTo('world');
  const world = ipc.of.world;
  world.handle('whoami', () => ({ id: ipc.config.id, pid: 'hidden' }));
  const news = world.messages('news');
  await world.ready({ timeout: 5000 });
  console.log('client connected to world');

  const sum = await world.request('add', { a: 1, b: 2 }, { timeout: 2000 });
  console.log(`client: 1 + 2 = ${sum}`);
  try {
    await world.request('divide', { n: 1, by: 0 });
  } catch (err) {
    console.log(`client: divide failed with ${err.code} (${err.remote.name} ${err.remote.code}: ${err.remote.message})`);
  }
  try {
    await world.request('multiply', { a: 2, b: 3 });
  } catch (err) {
    console.log(`client: multiply failed with ${err.code}`);
  }

  const { value } = await news.next();
  console.log(`client got news ${JSON.stringify(value)}`);
  await news.return();

  world.emit('log', { text: 'first' });
  world.emit('log', { text: 'last', last: true });
  await world.close(); // everything emitted before is written first
  console.log(`client closed; ipc.of.world is ${ipc.of.world}`);
}

main().catch((err) => {
  console.log(`client failed: ${err.code} ${err.message}`);
  process.exit(1);
});
