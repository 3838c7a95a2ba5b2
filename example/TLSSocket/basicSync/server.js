'use strict';
// TLS in sync mode: the server answers every message; the client waits for each answer.
// Run both ends with `npm run example -- TLSSocket/basicSync` (after `npm run build`), or each by hand.
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

ipc.serveNet(() => {
  console.log(`server listening on ${ipc.server.path}:${ipc.server.port}`);
  ipc.server.on('app.message', (data, socket) => {
    console.log(`server got app.message ${JSON.stringify(data)}`);
    // In sync mode the client holds its next message until this answer arrives.
    ipc.server.emit(socket, 'app.message', { id: ipc.config.id, message: `${data.message} received` });
  });
  ipc.server.on('socket.disconnected', (socket, id) => {
    console.log(`server: client ${id} disconnected, stopping`);
    ipc.server.stop();
  });
});
ipc.server.on('error', (err) => console.log(`server error ${err.code}: ${err.message}`));
ipc.server.start();
