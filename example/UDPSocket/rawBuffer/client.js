'use strict';
// Raw UDP: the client sends "hello" as one datagram and stops when "goodbye" comes back.
// Run both ends with `npm run example -- UDPSocket/rawBuffer` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, clientPort, deadline } = require('../../settings');

deadline('client');
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.rawBuffer = true;
ipc.config.encoding = 'ascii';

ipc.serveNet(clientPort(8001), 'udp4', () => {
  const world = { address: '127.0.0.1', port: port() };
  ipc.server.on('data', (bytes) => {
    console.log(`client got data ${JSON.stringify(bytes.toString('ascii'))}`, bytes);
    ipc.server.stop();
  });
  console.log('client sends "hello"');
  ipc.server.emit(world, 'hello');
});
ipc.server.on('error', (err) => console.log(`client error ${err.code}: ${err.message}`));
ipc.server.start();
