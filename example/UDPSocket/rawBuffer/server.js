'use strict';
// Raw UDP: no JSON and no framing, each datagram is bytes. The server answers one "hello"
// datagram with "goodbye" and stops.
// Run both ends with `npm run example -- UDPSocket/rawBuffer` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.rawBuffer = true;
ipc.config.encoding = 'ascii';
ipc.config.networkPort = port();

ipc.serveNet('udp4', () => {
  console.log(`server listening on ${ipc.server.path}:${ipc.server.port}`);
  ipc.server.on('data', (bytes, peer) => {
    console.log(`server got data ${JSON.stringify(bytes.toString('ascii'))} from port ${peer.port}`);
    ipc.server.emit(peer, 'goodbye');
    console.log('server stopping');
    ipc.server.stop();
  });
});
ipc.server.on('error', (err) => console.log(`server error ${err.code}: ${err.message}`));
ipc.server.start();
