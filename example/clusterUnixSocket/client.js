'use strict';
// Cluster: the client connects four times in a row to the shared socket path, sends the date
// each time and prints which worker answered; then it tells the cluster it is done.
// Run with `npm run example -- clusterUnixSocket` (after `npm run build`), or each end by hand.
const ipc = require('../..'); // node-ipc-ts: the package root, built into dist/
const { socketRoot, deadline } = require('../settings');

deadline('client');
const socketPath = `${socketRoot()}ipc.sock`;
ipc.config.id = 'client';
ipc.config.silent = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;

const VISITS = 4;

function visit(n) {
  ipc.connectTo('world', socketPath, () => {
    const world = ipc.of.world;
    world.on('connect', () => {
      if (n > VISITS) {
        console.log('client sends app.done');
        world.emit('app.done', { id: ipc.config.id });
        return;
      }
      world.emit('app.currentDate', { id: ipc.config.id, date: new Date().toISOString(), visit: n });
    });
    world.on('app.servedBy', (data) => {
      console.log(`client visit ${n}: served by worker ${data.worker}`);
      ipc.disconnect('world');
    });
    world.on('app.bye', () => ipc.disconnect('world'));
    world.on('destroy', () => {
      if (n <= VISITS) visit(n + 1);
      else console.log(`client done after ${VISITS} visits`);
    });
  });
}
visit(1);
