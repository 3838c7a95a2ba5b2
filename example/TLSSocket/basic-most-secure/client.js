'use strict';
// Mutual TLS: server and client both verified: the client sends three messages, prints the replies, then disconnects.
// Run both ends with `npm run example -- TLSSocket/basic-most-secure` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { join } = require('node:path');
const { certs, port, deadline } = require('../../settings');

deadline('client');
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.networkPort = port();
// Mutual TLS: the client shows its own certificate and checks the server's.
ipc.config.tls = {
  private: join(certs, 'client.key'),
  public: join(certs, 'client.pem'),
  trustedConnections: [join(certs, 'ca.pem')],
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2',
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
