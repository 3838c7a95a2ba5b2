'use strict';
// A Unix socket in sync mode: with config.sync the client queues five messages at once and
// sends the next only when the server has answered the previous one.
// Run both ends with `npm run example -- unixWindowsSocket/basicSync` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { socketRoot, deadline } = require('../../settings');

deadline('client');
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.sync = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.socketRoot = socketRoot();

const COUNT = 5;
let replies = 0;

ipc.connectTo('world', () => {
  const world = ipc.of.world;
  world.on('connect', () => {
    console.log('client connected to world');
    for (let i = 1; i <= COUNT; i++) {
      console.log(`client queues message #${i}`);
      world.emit('app.message', { id: ipc.config.id, message: `message #${i}` });
    }
  });
  world.on('app.message', (data) => {
    console.log(`client got app.message ${JSON.stringify(data)}`);
    if (++replies === COUNT) ipc.disconnect('world');
  });
  world.on('error', (err) => console.log(`client error ${err.code}: ${err.message}`));
  world.on('destroy', () => console.log(`client done after ${replies} replies`));
});
