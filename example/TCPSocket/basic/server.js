'use strict';
// TCP: the server.
// Run both ends with `npm run example -- TCPSocket/basic` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.networkPort = port();

ipc.serveNet(() => {
  console.log(`server listening on ${ipc.server.path}:${ipc.server.port}`);
  ipc.server.on('app.message', (data, socket) => {
    console.log(`server got app.message ${JSON.stringify(data)}`);
    ipc.server.emit(socket, 'app.message', { id: ipc.config.id, message: `${data.message} world!` });
  });
  // The client sent its id with each message, so the server knows who left.
  ipc.server.on('socket.disconnected', (socket, id) => {
    console.log(`server: client ${id} disconnected, stopping`);
    ipc.server.stop();
  });
});
ipc.server.on('error', (err) => console.log(`server error ${err.code}: ${err.message}`));
ipc.server.start();
