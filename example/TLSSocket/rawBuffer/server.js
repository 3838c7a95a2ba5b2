'use strict';
// Raw bytes over mutual TLS: with config.rawBuffer there is no JSON and no framing, only bytes.
// Run both ends with `npm run example -- TLSSocket/rawBuffer` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { join } = require('node:path');
const { certs, port, deadline } = require('../../settings');

deadline('server');
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.rawBuffer = true;
ipc.config.encoding = 'ascii';
ipc.config.networkPort = port();
// Mutual TLS: the server also asks every client for a certificate issued by the CA it
// trusts, and refuses clients without one.
ipc.config.tls = {
  private: join(certs, 'server.key'),
  public: join(certs, 'server.pem'),
  dhparam: join(certs, 'dhparam.pem'),
  trustedConnections: [join(certs, 'ca.pem')],
  requestCert: true,
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2',
};

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
