'use strict';
// TCP: with config.rawBuffer there is no JSON and no framing, only bytes.
// Run both ends with `npm run example -- TCPSocket/rawBuffer` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.rawBuffer = true;
ipc.config.encoding = 'ascii';
ipc.config.networkPort = port();

ipc.serveNet(() => {
  console.log(`server listening on ${ipc.server.path}:${ipc.server.port}`);
  // Raw bytes arrive on 'data' in whatever chunks the stream delivers.
  ipc.server.on('data', (bytes, socket) => {
    console.log(`server got data ${JSON.stringify(bytes.toString('ascii'))}`);
    ipc.server.emit(socket, 'goodbye');
  });
  ipc.server.on('socket.disconnected', () => {
    console.log('server: client disconnected, stopping');
    ipc.server.stop();
  });
});
ipc.server.on('error', (err) => console.log(`server error ${err.code}: ${err.message}`));
ipc.server.start();
