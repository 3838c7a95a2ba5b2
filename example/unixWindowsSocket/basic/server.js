'use strict';
// A Unix socket (a named pipe on Windows): the server.
// Run both ends with `npm run example -- unixWindowsSocket/basic` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { socketRoot, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.socketRoot = socketRoot();

ipc.serve(() => {
  console.log(`server listening on ${ipc.server.path}`);
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
