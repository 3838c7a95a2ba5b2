'use strict';
// UDP: a UDP client is a UDP server too (it needs its own port to hear replies). It sends
// three messages to the world server, prints the answers, then says bye.
// Run both ends with `npm run example -- UDPSocket/basic` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, clientPort, deadline } = require('../../settings');

deadline('client');
ipc.config.id = 'hello';
ipc.config.silent = true;

const COUNT = 3;
let replies = 0;

ipc.serveNet(clientPort(8001), 'udp4', () => {
  const world = { address: '127.0.0.1', port: port() };
  console.log(`client bound to ${ipc.server.path}:${ipc.server.port}, talking to ${world.address}:${world.port}`);
  ipc.server.on('app.message', (data) => {
    console.log(`client got app.message ${JSON.stringify(data)}`);
    if (++replies === COUNT) ipc.server.emit(world, 'app.bye', { id: ipc.config.id });
  });
  ipc.server.on('app.bye', () => {
    console.log(`client done after ${replies} replies`);
    ipc.server.stop();
  });
  for (let i = 1; i <= COUNT; i++) {
    const message = { id: ipc.config.id, message: `hello #${i}` };
    console.log(`client sends app.message ${JSON.stringify(message)}`);
    ipc.server.emit(world, 'app.message', message);
  }
});
ipc.server.on('error', (err) => console.log(`client error ${err.code}: ${err.message}`));
ipc.server.start();
