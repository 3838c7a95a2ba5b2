'use strict';
// Two UDP peers: once both said hello, the server broadcasts three rounds of news to every
// peer it has heard from, acknowledges each "app.bye", and stops when both said bye.
// Run all three with `npm run example -- UDPSocket/Multi-Client-Broadcast` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.networkPort = port();

const CLIENTS = 2;
const ROUNDS = 3;
const greeted = new Set();
let left = 0;

ipc.serveNet('udp4', () => {
  console.log(`server listening on ${ipc.server.path}:${ipc.server.port}`);
  ipc.server.on('app.hello', (data) => {
    console.log(`server: ${data.id} says hello`);
    greeted.add(data.id);
    if (greeted.size < CLIENTS) return;
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`server broadcasts round ${round}`);
      // broadcast() reaches every peer that has sent this server a datagram.
      ipc.server.broadcast('app.news', { from: ipc.config.id, round, to: [...greeted].sort() });
    }
  });
  ipc.server.on('app.bye', (data, peer) => {
    console.log(`server: ${data.id} says bye`);
    ipc.server.emit(peer, 'app.bye', { id: ipc.config.id });
    if (++left < CLIENTS) return;
    console.log('server: everyone left, stopping');
    ipc.server.stop();
  });
});
ipc.server.on('error', (err) => console.log(`server error ${err.code}: ${err.message}`));
ipc.server.start();
