'use strict';
// TLS with a server certificate only: the client sends three messages, prints the replies, then disconnects.
// Run both ends with `npm run example -- TLSSocket/basic` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { join } = require('node:path');
const { certs, port, deadline } = require('../../settings');

deadline('client');
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.networkPort = port();
// Encrypted, but this client does not check who the server is: fine for a first try,
// never for production (see basic-more-secure).
ipc.config.tls = {
  rejectUnauthorized: false,
};

const COUNT = 3;
let replies = 0;

ipc.connectToNet('world', () => {
  const world = ipc.of.world;
  world.on('connect', () => {
    console.log('client connected to world');
    for (let i = 1; i <= COUNT; i++) {
      const message = { id: ipc.config.id, message: `hello #${i}` };
      console.log(`client sends app.message ${JSON.stringify(message)}`);
      world.emit('app.message', message);
    }
  });
  world.on('app.message', (data) => {
    console.log(`client got app.message ${JSON.stringify(data)}`);
    if (++replies === COUNT) ipc.disconnect('world');
  });
  world.on('error', (err) => console.log(`client error ${err.code}: ${err.message}`));
  world.on('destroy', () => console.log(`client done after ${replies} replies`));
});
