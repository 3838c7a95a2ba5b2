'use strict';
// A node-ipc-ts peer remote-controlled over stdin/stdout, for the Python peer's interop tests
// (test_node_ipc.py). The mirror image of driver.py: same arguments, same commands, same
// report lines, so both test suites drive the other language the same way.
//
//   node node_driver.js server unix <path> | server tcp <port> | server tls <port> <certs dir>
//   node node_driver.js client unix <path> | client tcp <port> | client tls <port> <certs dir>
//
// Commands, one JSON object per stdin line:
//   {"op":"emit","type":T,"data":D,"to":ID}         (to: a server's client, by its data.id)
//   {"op":"broadcast","type":T,"data":D}
//   {"op":"seq","type":T,"count":N,"to":ID,"close":true}  emits {"i":0..N-1}, then closes in the same turn
//   {"op":"big","type":T,"bytes":N,"to":ID}          emits bigString(N), reports its sha256
//   {"op":"request","tag":X,"type":T,"data":D,"timeout":S,"to":ID}
//   {"op":"close"}                                   graceful close, reports "closed", exits
// Reports, one JSON object per stdout line: ready, connect, disconnect, socket.disconnected,
// message, sent, reply, rejected, error, closed (see report() calls).
const { createHash } = require('node:crypto');
const { join, resolve } = require('node:path');
const readline = require('node:readline');
const { IPCModule } = require(resolve(__dirname, '..', '..', 'dist'));

const [role, transport, address, certs] = process.argv.slice(2);
const MESSAGE_TYPES = ['hello', 'news', 'seq', 'big', 'last'];
/** 32 UTF-8 bytes with everything JSON escapes or frames care about: quotes, backslash, \f, U+2028, multi-byte. */
const BIG_UNIT = 'node-ipc "q" \\ \f\u2028 é€😀 ab';

function bigString(bytes) {
  const unit = Buffer.byteLength(BIG_UNIT);
  return BIG_UNIT.repeat(Math.ceil(bytes / unit));
}

function report(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function summary(data) {
  if (typeof data === 'string' && data.length > 1000) {
    return { bytes: Buffer.byteLength(data), sha256: createHash('sha256').update(data).digest('hex') };
  }
  return data === undefined ? null : data;
}

class RangeFailure extends RangeError {
  constructor(message) {
    super(message);
    this.code = 'E_X';
  }
}

const ipc = new IPCModule();
ipc.config.silent = true;
ipc.config.maxRetries = 0;
if (transport === 'tls') {
  ipc.config.tls = role === 'server'
    ? { private: join(certs, 'server.key'), public: join(certs, 'server.pem') }
    : { trustedConnections: join(certs, 'ca.pem'), rejectUnauthorized: true };
}

function install(target, server) {
  for (const type of MESSAGE_TYPES) {
    target.on(type, (data, socket) => report({ event: 'message', type, data: summary(data), ...(server ? { from: socket.id ?? null } : {}) }));
  }
  target.handle('add', ({ a, b }) => a + b);
  target.handle('status', () => ({ up: true, lang: 'node' }));
  target.handle('fail', () => { throw new RangeFailure('no'); });
  target.on('error', (err) => report({ event: 'error', code: err.code ?? err.name, message: err.message }));
}

let endpoint; // the client (ipc.of.peer) or the server
const sockets = new Set();

function target(to) {
  if (role !== 'server') return undefined;
  for (const socket of sockets) if (to === undefined || socket.id === to) return socket;
  throw new Error(`no client ${JSON.stringify(to)}`);
}

function emit(to, type, data) {
  if (role === 'server') endpoint.emit(target(to), type, data);
  else endpoint.emit(type, data);
}

async function run(command) {
  const { op } = command;
  if (op === 'emit') emit(command.to, command.type, command.data);
  else if (op === 'broadcast') endpoint.broadcast(command.type, command.data);
  else if (op === 'seq') {
    for (let i = 0; i < command.count; i++) emit(command.to, command.type, { i });
    if (command.close) await close();
  } else if (op === 'big') {
    const data = bigString(command.bytes);
    emit(command.to, command.type, data);
    report({ event: 'sent', type: command.type, ...summary(data) });
  } else if (op === 'request') {
    const options = { timeout: Math.round((command.timeout ?? 5) * 1000) };
    try {
      const reply = role === 'server'
        ? await endpoint.request(target(command.to), command.type, command.data, options)
        : await endpoint.request(command.type, command.data, options);
      report({ event: 'reply', tag: command.tag, data: reply === undefined ? null : reply });
    } catch (err) {
      report({ event: 'rejected', tag: command.tag, code: err.code, remote: err.remote ?? null });
    }
  } else if (op === 'close') await close();
  else throw new Error(`unknown op ${op}`);
}

async function close() {
  if (role === 'server') await endpoint.close();
  else await endpoint.close();
  report({ event: 'closed' });
  process.exit(0);
}

function commands() {
  let queue = Promise.resolve();
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === '') return;
    const command = JSON.parse(line);
    // Commands start in order; requests run concurrently with what follows.
    queue = queue.then(() => {
      const done = run(command).catch((err) => report({ event: 'failed', op: command.op, message: String(err && err.message) }));
      return command.op === 'request' ? undefined : done;
    });
  });
  process.stdin.on('end', () => process.exit(0));
}

if (role === 'server') {
  if (transport === 'unix') ipc.serve(address);
  else ipc.serveNet('127.0.0.1', Number(address));
  endpoint = ipc.server;
  install(endpoint, true);
  endpoint.on('connect', (socket) => { sockets.add(socket); report({ event: 'connect' }); });
  endpoint.on('socket.disconnected', (socket, id) => { sockets.delete(socket); report({ event: 'socket.disconnected', id }); });
  endpoint.on('start', () => {
    report({ event: 'ready', path: transport === 'unix' ? endpoint.path : null, port: transport === 'unix' ? null : endpoint.port });
    commands();
  });
  endpoint.start();
} else {
  if (transport === 'unix') ipc.connectTo('peer', address);
  else ipc.connectToNet('peer', transport === 'tls' ? 'localhost' : '127.0.0.1', Number(address));
  endpoint = ipc.of.peer;
  install(endpoint, false);
  let ready = false;
  endpoint.on('connect', () => {
    if (!ready) { ready = true; report({ event: 'ready' }); commands(); }
  });
  endpoint.on('disconnect', () => report({ event: 'disconnect' }));
}
