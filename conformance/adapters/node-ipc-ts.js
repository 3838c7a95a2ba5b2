'use strict';
// The conformance adapter of node-ipc-ts (docs/PROTOCOL.md §11.2), written with the public API
// only, as a user of the package would: events with on/emit, requests with handle/request.
//
//   node conformance/adapters/node-ipc-ts.js server|client   (the kit sets the environment)
//
// The adapters live at the top of the repository, not under spec/, because they are examples
// for people writing one for another implementation (peers/python has its own): plain
// JavaScript run as separate processes by the kit, not specs compiled into build/. The spec
// spec/cli/conformance.spec.ts runs them through the kit.
const { IPCModule } = require('node-ipc-ts'); // the built package (dist/), through its exports map
const { role, target, raw, delimiter, askTimeout } = require('./target');

const ID = 'conformance';
const ipc = new IPCModule();
ipc.config.silent = true;
ipc.config.id = ID;
ipc.config.retry = 50; // the kit closes connections on purpose: come back quickly
ipc.config.rawBuffer = raw;
if (!raw) ipc.config.delimiter = delimiter;

const server = role === 'server';

/** Installs the contract's handlers on the server or the client; `send(socket, type, data)` answers on one connection. */
function install(endpoint, send) {
  // A fault of one connection (garbage from the kit) is reported here and is not the adapter's end.
  endpoint.on('error', () => undefined);
  if (raw) {
    endpoint.on('data', (bytes, socket) => send(socket, bytes));
    return;
  }
  endpoint.on('echo', (data, socket) => send(socket, 'echo', data));
  endpoint.on('broadcast', (data, socket) => (server ? ipc.server.broadcast('broadcast', data) : send(socket, 'broadcast', data)));
  endpoint.handle('add', ({ a, b }) => a + b);
  endpoint.handle('fail', () => {
    throw Object.assign(new Error('failed on purpose'), { code: 'E_CONFORMANCE' });
  });
  endpoint.on('ask', ({ type, data }, socket) => {
    const asked = server ? ipc.server.request(socket, type, data, { timeout: askTimeout }) : endpoint.request(type, data, { timeout: askTimeout });
    asked.then(
      (result) => send(socket, 'asked', { data: result }),
      (err) => {
        const error = err.remote ?? err; // ERR_IPC_REMOTE carries the kit's error as err.remote
        send(socket, 'asked', { error: { code: error.code, message: error.message } });
      },
    );
  });
  endpoint.on('farewell', (count, socket) => {
    for (let i = 1; i <= count; i++) send(socket, 'farewell', i);
    if (server) {
      // One connection ends, the server goes on. Emits leave at the end of this tick
      // (README "Writes"), so the end of the socket waits for the next turn of the loop.
      setImmediate(() => socket.end());
    } else {
      ipc.disconnect(ID); // graceful: the three frames, then end-of-stream; nothing keeps the process alive after it
    }
  });
}

if (server) {
  const ready = () => install(ipc.server, (socket, ...args) => ipc.server.emit(socket, ...args));
  if ('path' in target) ipc.serve(target.path, ready);
  else ipc.serveNet(target.host, target.port, ready);
  ipc.server.start();
} else {
  const connected = () => {
    const client = ipc.of[ID];
    install(client, (_socket, ...args) => client.emit(...args));
    if (!raw) client.on('connect', () => client.emit('hello', { id: ID }));
  };
  if ('path' in target) ipc.connectTo(ID, target.path, connected);
  else ipc.connectToNet(ID, target.host, target.port, connected);
}
