'use strict';
// Two clients over TLS: the "goodbye" client says hello, prints three broadcasts, then leaves.
// Run both ends with `npm run example -- TLSSocket/Multi-Client-Broadcast` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { join } = require('node:path');
const { certs, port, deadline } = require('../../settings');

deadline('goodbye-client');
ipc.config.id = 'goodbye';
ipc.config.silent = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.networkPort = port();
// The client only talks to a server whose certificate was issued by a trusted CA.
ipc.config.tls = {
  trustedConnections: [join(certs, 'ca.pem')],
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2',
};

const ROUNDS = 3;
let rounds = 0;

ipc.connectToNet('world', () => {
  const world = ipc.of.world;
  world.on('connect', () => {
    console.log('goodbye-client connected to world');
    world.emit('app.hello', { id: ipc.config.id });
  });
  world.on('app.news', (data) => {
    console.log(`goodbye-client got app.news ${JSON.stringify(data)}`);
    if (++rounds === ROUNDS) ipc.disconnect('world');
  });
  world.on('error', (err) => console.log(`goodbye-client error ${err.code}: ${err.message}`));
  world.on('destroy', () => console.log(`goodbye-client done after ${rounds} broadcasts`));
});
