'use strict';
/**
 * `ws`: the `ws` package (a devDependency) over a Unix socket (`ws+unix:`) or TCP loopback, the
 * way users compare it with node-ipc: JSON text frames `{type, data}`, one `send` per message,
 * dispatch by `type`. Raw lanes send binary frames (one 64-byte buffer per frame).
 * No compression on either side (ws's server default; said explicitly for the client).
 */
const http = require('node:http');
const { WebSocket, WebSocketServer } = require('ws');

function onMessage(handlers, rawHandlers, conn) {
  return (message, isBinary) => {
    if (isBinary) {
      for (const fn of rawHandlers) fn(message, conn);
      return;
    }
    const parsed = JSON.parse(message.toString('utf8'));
    const fn = handlers.get(parsed.type);
    if (fn !== undefined) fn(parsed.data, conn);
  };
}

exports.createServer = function createServer(opts) {
  const handlers = new Map();
  const rawHandlers = [];
  const conns = [];
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    conns.push(ws);
    ws.on('message', onMessage(handlers, rawHandlers, ws));
    ws.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => resolve({
      address: opts.transport === 'unix' ? { path: opts.path } : { host: '127.0.0.1', port: server.address().port },
      on(type, fn) { handlers.set(type, fn); },
      onData(fn) { rawHandlers.push(fn); },
      emit(ws, type, data) { ws.send(JSON.stringify({ type, data })); },
      emitRaw(ws, bytes) { ws.send(bytes); },
      broadcast(type, data) {
        const text = JSON.stringify({ type, data });
        for (let i = 0; i < conns.length; i++) conns[i].send(text);
      },
    });
    if (opts.transport === 'unix') server.listen(opts.path, done);
    else server.listen(opts.port, '127.0.0.1', done);
  });
};

exports.createClient = function createClient(opts) {
  const handlers = new Map();
  const rawHandlers = [];
  const url = opts.transport === 'unix' ? `ws+unix://${opts.path}` : `ws://${opts.host}:${opts.port}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.on('message', onMessage(handlers, rawHandlers, ws));
    ws.once('open', () => resolve({
      on(type, fn) { handlers.set(type, fn); },
      onData(fn) { rawHandlers.push(fn); },
      emit(type, data) { ws.send(JSON.stringify({ type, data })); },
      emitRaw(bytes) { ws.send(bytes); },
    }));
  });
};
