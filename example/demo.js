#!/usr/bin/env node
/**
 * `npm run demo`: real servers and clients in separate child processes, over a Unix socket,
 * TCP, TLS (mutual, with the development certificates in example/certs) and UDP, in JSON
 * and raw mode, plus one leg over the async API (request/handle). Prints what flowed and exits 0 on its own (1 if any leg fails).
 *
 * Each leg forks this same file twice: once as the server, once as the client. The server
 * tells the parent its address over the fork channel; the client then connects, sends,
 * prints the replies and disconnects; the server stops when its client has gone.
 */
'use strict';
const { fork } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const LEGS = [
  { transport: 'unix', mode: 'json' },
  { transport: 'unix', mode: 'raw' },
  { transport: 'tcp', mode: 'json' },
  { transport: 'tcp', mode: 'raw' },
  { transport: 'tls', mode: 'json' },
  // The async API: request() / handle() and close(), ordinary messages on the wire.
  { transport: 'tcp', mode: 'async' },
  { transport: 'udp4', mode: 'json' },
  { transport: 'udp4', mode: 'raw' },
];
const LEG_TIMEOUT_MS = 15000;

const [role, transport, mode, arg] = process.argv.slice(2);
if (role === 'server') runServer(transport, mode, arg);
else if (role === 'client') runClient(transport, mode, JSON.parse(arg));
else runAll().then((ok) => process.exit(ok ? 0 : 1));

function configure(ipc, transportName, modeName) {
  ipc.config.silent = true;
  ipc.config.rawBuffer = modeName === 'raw';
  ipc.config.retry = 100;
  ipc.config.maxRetries = 3;
  if (transportName === 'tls') {
    const certs = join(__dirname, 'certs');
    ipc.config.tls = role === 'server'
      ? { private: join(certs, 'server.key'), public: join(certs, 'server.pem'), trustedConnections: join(certs, 'ca.pem'), requestCert: true, rejectUnauthorized: true }
      : { private: join(certs, 'client.key'), public: join(certs, 'client.pem'), trustedConnections: join(certs, 'ca.pem'), rejectUnauthorized: true };
  }
}

function say(text) {
  process.stdout.write(`${text}\n`);
}

function show(value) {
  return Buffer.isBuffer(value) ? `<Buffer ${value.toString('hex').replace(/(..)/g, '$1 ').trim()}>` : JSON.stringify(value);
}

function runServer(transportName, modeName, dir) {
  const ipc = require('..');
  configure(ipc, transportName, modeName);
  ipc.config.id = 'world';
  const onStart = () => {
    const server = ipc.server;
    const where = transportName === 'unix' ? server.path : `${server.path}:${server.port}`;
    say(`listening on ${where}`);
    if (modeName === 'async') {
      server.handle('message', (data) => {
        say(`<- request message ${show(data)}`);
        return { echo: data, from: ipc.config.id };
      });
    } else if (modeName === 'raw') {
      server.on('data', (bytes, socket) => {
        say(`<- ${show(bytes)}`);
        server.emit(socket, bytes); // a raw stream has no message boundaries: echo bytes as they come
      });
    } else {
      server.on('message', (data, socket) => {
        say(`<- message ${show(data)}`);
        server.emit(socket, 'message', { echo: data, from: ipc.config.id });
      });
    }
    const stop = (why) => {
      say(`${why}; stopping`);
      server.stop();
      process.disconnect(); // the fork channel would keep this process alive
    };
    server.on('socket.disconnected', (socket, id) => stop(`client ${id} disconnected`));
    // UDP has no connection to close: the client says goodbye instead (the parent, in raw mode).
    server.on('bye', (data) => stop(`<- bye ${show(data)}`));
    process.on('message', (message) => message.stop && stop('parent says the raw UDP exchange is over'));
    process.send({ ready: true, path: server.path, port: server.port });
  };
  if (transportName === 'unix') ipc.serve(join(dir, 'world.sock'), onStart);
  else if (transportName === 'udp4') ipc.serveNet('127.0.0.1', 0, 'udp4', onStart);
  else ipc.serveNet('127.0.0.1', 0, onStart);
  ipc.server.on('error', (err) => say(`error ${err.code}: ${err.message}`));
  ipc.server.start();
}

function runClient(transportName, modeName, address) {
  const ipc = require('..');
  configure(ipc, transportName, modeName);
  ipc.config.id = 'hello';
  const messages = modeName === 'raw'
    ? [Buffer.from([0x05, 0x6d, 0x5c]), Buffer.from('raw bytes, \f and \0 included', 'utf8')]
    : ['hello', { id: 'hello', nested: { list: [1, 2.5, -3], unicode: 'héllo ✓ 😀' } }, 0];
  // JSON replies come one per message; raw bytes come in whatever chunks the stream makes.
  const expected = modeName === 'raw' ? messages.reduce((sum, m) => sum + m.length, 0) : messages.length;
  let received = 0;
  let finish;
  const onReply = (data) => {
    say(`<- ${modeName === 'raw' ? '' : 'message '}${show(data)}`);
    received += modeName === 'raw' ? data.length : 1;
    if (received === expected) finish();
  };

  if (transportName === 'udp4') {
    // UDP peers are servers too: bind our own port, then talk to the world server.
    ipc.serveNet('127.0.0.1', 0, 'udp4', () => {
      const world = { address: address.path, port: address.port };
      if (modeName === 'raw') ipc.server.on('data', onReply);
      else ipc.server.on('message', onReply);
      for (const message of messages) {
        say(`-> ${modeName === 'raw' ? '' : 'message '}${show(message)}`);
        if (modeName === 'raw') ipc.server.emit(world, message);
        else ipc.server.emit(world, 'message', message);
      }
    });
    ipc.server.start();
    finish = () => {
      if (modeName === 'json') ipc.server.emit({ address: address.path, port: address.port }, 'bye', { id: 'hello' });
      // A raw peer cannot say "bye" as an event: the parent tells the server instead.
      process.send({ done: true }, () => {
        ipc.server.stop();
        process.disconnect();
      });
    };
    return;
  }

  if (modeName === 'async') {
    if (transportName === 'unix') ipc.connectTo('world', address.path);
    else ipc.connectToNet('world', address.path, address.port);
    const world = ipc.of.world;
    world.on('error', (err) => say(`error ${err.code}: ${err.message}`));
    (async () => {
      await world.ready({ timeout: 5000 });
      say('connected');
      for (const message of messages) {
        say(`-> request message ${show(message)}`);
        say(`<- reply ${show(await world.request('message', message, { timeout: 5000 }))}`);
      }
      await world.close(); // ipc.disconnect('world'), resolved once the socket closed
      process.disconnect();
    })().catch((err) => {
      say(`error ${err.code}: ${err.message}`);
      process.exit(1);
    });
    return;
  }

  const connected = () => {
    const world = ipc.of.world;
    world.on('connect', () => {
      say('connected');
      for (const message of messages) {
        say(`-> ${modeName === 'raw' ? '' : 'message '}${show(message)}`);
        if (modeName === 'raw') world.emit(message);
        else world.emit('message', message);
      }
    });
    if (modeName === 'raw') world.on('data', onReply);
    else world.on('message', onReply);
    world.on('error', (err) => say(`error ${err.code}: ${err.message}`));
  };
  finish = () => {
    ipc.disconnect('world');
    process.disconnect();
  };
  if (transportName === 'unix') ipc.connectTo('world', address.path, connected);
  else ipc.connectToNet('world', address.path, address.port, connected);
}

async function runAll() {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-demo-'));
  let ok = true;
  say('node-ipc-ts demo: each leg runs a server and a client in two child processes\n');
  try {
    for (const leg of LEGS) ok = (await runLeg(leg, dir)) && ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  say(ok ? 'all legs passed' : 'SOME LEGS FAILED');
  return ok;
}

function runLeg({ transport: transportName, mode: modeName }, dir) {
  const label = `${transportName}/${modeName}`;
  return new Promise((resolve) => {
    const children = [];
    let exited = 0;
    let failed = false;
    const timer = setTimeout(() => {
      say(`[${label}] timed out`);
      failed = true;
      for (const child of children) child.kill();
    }, LEG_TIMEOUT_MS);
    const start = (childRole, extra) => {
      const child = fork(__filename, [childRole, transportName, modeName, extra], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
      children.push(child);
      let pending = '';
      child.stdout.on('data', (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) say(`[${label} ${childRole.padEnd(6)}] ${line}`);
      });
      child.on('exit', (code) => {
        if (code !== 0) failed = true;
        if (++exited === 2) {
          clearTimeout(timer);
          say('');
          resolve(!failed);
        }
      });
      return child;
    };
    const server = start('server', dir);
    server.on('message', (message) => {
      if (message.ready) {
        const client = start('client', JSON.stringify({ path: message.path, port: message.port }));
        client.on('message', (m) => {
          // Raw UDP has no goodbye frame: the parent ends the server.
          if (m.done && modeName === 'raw' && server.connected) server.send({ stop: true });
        });
      }
    });
  });
}
