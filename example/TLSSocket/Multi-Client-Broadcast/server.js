'use strict';
// Two clients over TLS: once both clients said hello, the server broadcasts three
// rounds of news to everyone, and stops when both have left.
// Run both ends with `npm run example -- TLSSocket/Multi-Client-Broadcast` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { join } = require('node:path');
const { certs, port, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.networkPort = port();
// Key and certificate, Diffie-Hellman parameters, and no protocol older than TLS 1.2.
ipc.config.tls = {
  private: join(certs, 'server.key'),
  public: join(certs, 'server.pem'),
  dhparam: join(certs, 'dhparam.pem'),
  minVersion: 'TLSv1.2',
};

const CLIENTS = 2;
const ROUNDS = 3;
const greeted = new Set();
let left = 0;

ipc.serveNet(() => {
  console.log(`server listening on ${ipc.server.path}:${ipc.server.port}`);
  ipc.server.on('app.hello', (data) => {
    console.log(`server: ${data.id} says hello`);
    greeted.add(data.id);
    if (greeted.size < CLIENTS) return;
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`server broadcasts round ${round}`);
      ipc.server.broadcast('app.news', { from: ipc.config.id, round, to: [...greeted].sort() });
    }
  });
  ipc.server.on('socket.disconnected', (socket, id) => {
    console.log(`server: ${id} left`);
    if (++left < CLIENTS) return;
    console.log('server: everyone left, stopping');
    ipc.server.stop();
  });
});
ipc.server.on('error', (err) => console.log(`server error ${err.code}: ${err.message}`));
ipc.server.start();
