'use strict';
// The conformance adapter of the old packages, @achrinza/node-ipc 9.2.9 and 10.1.11 (dev
// dependencies, aliased achrinza-ipc-9 and achrinza-ipc-10): what a 9/10 user writes. They
// have no request API, so `add`, `fail` and `ask` are answered and made with on/emit of the
// envelopes of docs/PROTOCOL.md §6.1/§6.2 ({request: n, data} and ipc.reply {reply: n, ...}).
//
//   node conformance/adapters/achrinza-node-ipc.js server|client 9|10
//
// See node-ipc-ts.js next to it for why the adapters live here.
const { role, target, raw, delimiter, askTimeout } = require('./target');

const version = process.argv[3];
if (version !== '9' && version !== '10') throw new Error('usage: node achrinza-node-ipc.js server|client 9|10');
const ipc = version === '9' ? new (require('achrinza-ipc-9').IPC)() : new (require('achrinza-ipc-10').IPCModule)();

const ID = 'conformance';
ipc.config.silent = true;
ipc.config.id = ID;
ipc.config.retry = 50;
ipc.config.rawBuffer = raw;
if (!raw) ipc.config.delimiter = delimiter;

const server = role === 'server';
let lastRequest = 0;
const waiting = new Map(); // request number -> function(reply data)

function install(endpoint, send) {
  // The old packages publish a bad frame as an `error` event; a listener keeps it quiet.
  endpoint.on('error', () => undefined);
  if (raw) {
    endpoint.on('data', (bytes, socket) => send(socket, bytes));
    return;
  }
  endpoint.on('echo', (data, socket) => send(socket, 'echo', data));
  endpoint.on('broadcast', (data, socket) => (server ? ipc.server.broadcast('broadcast', data) : send(socket, 'broadcast', data)));
  endpoint.on('add', ({ request, data }, socket) => send(socket, 'ipc.reply', { reply: request, data: data.a + data.b }));
  endpoint.on('fail', ({ request }, socket) => {
    send(socket, 'ipc.reply', { reply: request, error: { name: 'Error', message: 'failed on purpose', code: 'E_CONFORMANCE' } });
  });
  endpoint.on('ask', ({ type, data }, socket) => {
    const n = (lastRequest = (lastRequest % 0x7fffffff) + 1);
    const timer = setTimeout(() => {
      waiting.delete(n);
      send(socket, 'asked', { error: { code: 'ETIMEDOUT', message: `no reply to request ${n}` } });
    }, askTimeout);
    waiting.set(n, (reply) => {
      clearTimeout(timer);
      send(socket, 'asked', reply.error === undefined ? { data: reply.data } : { error: { code: reply.error.code, message: reply.error.message } });
    });
    send(socket, type, { request: n, data });
  });
  endpoint.on('ipc.reply', (reply) => {
    const settle = waiting.get(reply.reply);
    waiting.delete(reply.reply);
    if (settle !== undefined) settle(reply);
  });
  endpoint.on('farewell', (count, socket) => {
    for (let i = 1; i <= count; i++) send(socket, 'farewell', i);
    // The old packages write at once: the frames are out before the end.
    if (server) socket.end();
    else ipc.disconnect(ID);
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
