'use strict';
// TLS in sync mode: with config.sync the client queues five messages at once and
// sends the next only when the server has answered the previous one.
// Run both ends with `npm run example -- TLSSocket/basicSync` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { join } = require('node:path');
const { certs, port, deadline } = require('../../settings');

deadline('client');
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.sync = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.networkPort = port();
// The client only talks to a server whose certificate was issued by a trusted CA.
ipc.config.tls = {
  trustedConnections: [join(certs, 'ca.pem')],
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2',
};

const COUNT = 5;
let replies = 0;

ipc.connectToNet('world', () => {
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
