'use strict';
// Two UDP peers: the "goodbye" peer says hello, prints three broadcasts, then says bye.
// Run all three with `npm run example -- UDPSocket/Multi-Client-Broadcast` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, clientPort, deadline } = require('../../settings');

deadline('goodbye-client');
ipc.config.id = 'goodbye';
ipc.config.silent = true;

const ROUNDS = 3;
let rounds = 0;

ipc.serveNet(clientPort(8002), 'udp4', () => {
  const world = { address: '127.0.0.1', port: port() };
  console.log(`goodbye-client bound to ${ipc.server.path}:${ipc.server.port}`);
  ipc.server.on('app.news', (data) => {
    console.log(`goodbye-client got app.news ${JSON.stringify(data)}`);
    if (++rounds === ROUNDS) ipc.server.emit(world, 'app.bye', { id: ipc.config.id });
  });
  ipc.server.on('app.bye', () => {
    console.log(`goodbye-client done after ${rounds} broadcasts`);
    ipc.server.stop();
  });
  ipc.server.emit(world, 'app.hello', { id: ipc.config.id });
});
ipc.server.on('error', (err) => console.log(`goodbye-client error ${err.code}: ${err.message}`));
ipc.server.start();
