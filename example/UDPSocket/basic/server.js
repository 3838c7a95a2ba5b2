'use strict';
// UDP: the server answers each message of its peer; UDP has no connections, so the client
// says "app.bye" when it is done and the server stops after acknowledging it.
// Run both ends with `npm run example -- UDPSocket/basic` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.networkPort = port();

ipc.serveNet('udp4', () => {
  console.log(`server listening on ${ipc.server.path}:${ipc.server.port}`);
  // A UDP "socket" is the peer's {address, port}: emit() takes it back to reply.
  ipc.server.on('app.message', (data, peer) => {
    console.log(`server got app.message ${JSON.stringify(data)}`);
    ipc.server.emit(peer, 'app.message', { id: ipc.config.id, message: `${data.message} world!` });
  });
  ipc.server.on('app.bye', (data, peer) => {
    console.log(`server: ${data.id} says bye, stopping`);
    ipc.server.emit(peer, 'app.bye', { id: ipc.config.id });
    ipc.server.stop(); // what was emitted still goes out
  });
});
ipc.server.on('error', (err) => console.log(`server error ${err.code}: ${err.message}`));
ipc.server.start();
