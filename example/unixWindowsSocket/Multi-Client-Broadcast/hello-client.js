'use strict';
// Two clients on a Unix socket: the "hello" client says hello, prints three broadcasts, then leaves.
// Run both ends with `npm run example -- unixWindowsSocket/Multi-Client-Broadcast` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { socketRoot, deadline } = require('../../settings');

deadline('hello-client');
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.socketRoot = socketRoot();

const ROUNDS = 3;
let rounds = 0;

ipc.connectTo('world', () => {
  const world = ipc.of.world;
  world.on('connect', () => {
    console.log('hello-client connected to world');
    world.emit('app.hello', { id: ipc.config.id });
  });
  world.on('app.news', (data) => {
    console.log(`hello-client got app.news ${JSON.stringify(data)}`);
    if (++rounds === ROUNDS) ipc.disconnect('world');
  });
  world.on('error', (err) => console.log(`hello-client error ${err.code}: ${err.message}`));
  world.on('destroy', () => console.log(`hello-client done after ${rounds} broadcasts`));
});
