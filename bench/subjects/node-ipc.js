'use strict';
/**
 * The node-ipc API subjects: this package (dist/), @achrinza/node-ipc 10.1.11 / 9.2.9 and
 * node-ipc 14.0.0 (devDependency alias `node-ipc-14`). All are driven through the same public
 * API, `silent: true`, so the only difference measured is the library.
 *
 * node-ipc 14 is ESM only (and asks for Node >= 22.13, yet runs on 20 through `import()`); it is
 * configured with its `guarded` parser profile, the match for this package's defaults (limits on
 * frame size and writes), with this package's default limits: 100 MiB frames, no pending-write
 * cap, no incomplete-frame timer. Raw lanes use its raw profile (`rawBuffer`), as ours.
 */
const { join } = require('node:path');

const MiB = 1024 * 1024;
let Ipc14 = null; // node-ipc 14's IPCModule, loaded by preload() through import()

const MODULES = {
  'node-ipc-ts': () => new (require(join(__dirname, '..', '..', 'dist', 'index.js')).IPCModule)(),
  // This package with `serialization: 'advanced'` (V8 structured clone, length-prefixed frames).
  'node-ipc-ts-adv': () => new (require(join(__dirname, '..', '..', 'dist', 'index.js')).IPCModule)(),
  'achrinza-10': () => new (require('achrinza-ipc-10').IPCModule)(),
  'achrinza-9': () => new (require('achrinza-ipc-9').IPC)(),
  'node-ipc-14': () => new Ipc14(),
  // Another build of this package (BENCH_BEFORE_DIST=/path/to/dist), for before/after figures.
  before: () => new (require(join(process.env.BENCH_BEFORE_DIST, 'index.js')).IPCModule)(),
};

function makeIpc(name, opts) {
  const ipc = MODULES[name]();
  ipc.config.silent = true;
  ipc.config.rawBuffer = Boolean(opts.raw);
  ipc.config.retry = 100;
  ipc.config.maxRetries = 0;
  ipc.config.maxConnections = 1000;
  ipc.config.id = 'bench';
  if (name === 'node-ipc-14') {
    if (!opts.raw) ipc.config.parser = 'guarded';
    ipc.config.maxMessageSize = 100 * MiB;
    ipc.config.maxPendingBytes = Infinity;
    ipc.config.messageTimeout = 0;
  }
  // `--parser NAME` (bench/run.js): node-ipc-ts under a node-ipc 14 profile instead of its 9/10
  // default; `before` keeps the default, so BENCH_BEFORE_DIST=dist compares the two in one run.
  if (process.env.BENCH_PARSER && name === 'node-ipc-ts') ipc.config.parser = process.env.BENCH_PARSER;
  if (name === 'node-ipc-ts-adv') ipc.config.serialization = 'advanced';
  // BENCH_BEFORE_SERIALIZATION=advanced: `before` against node-ipc-ts-adv, for the advanced path's before/after.
  if (name === 'before' && process.env.BENCH_BEFORE_SERIALIZATION) ipc.config.serialization = process.env.BENCH_BEFORE_SERIALIZATION;
  return ipc;
}

exports.names = Object.keys(MODULES);

/** Loads the package before anything is measured (module loading is not the library's speed). */
exports.preload = async (name) => {
  if (name === 'node-ipc-14' && Ipc14 === null) Ipc14 = (await import('node-ipc-14')).IPCModule;
  MODULES[name]();
};

exports.createServer = function createServer(name, opts) {
  const ipc = makeIpc(name, opts);
  return new Promise((resolve, reject) => {
    const started = () => {
      const server = ipc.server;
      server.on('error', (err) => process.stderr.write(`[${name} server] ${err && err.stack}\n`));
      resolve({
        address: opts.transport === 'unix' ? { path: opts.path } : { host: '127.0.0.1', port: server.port },
        on(type, fn) { server.on(type, fn); },
        onData(fn) { server.on('data', fn); },
        emit(socket, type, data) { server.emit(socket, type, data); },
        emitRaw(socket, bytes) { server.emit(socket, bytes); },
        broadcast(type, data) { server.broadcast(type, data); },
        // The async API (request lane); absent on packages without it, which use the wire shape.
        handle: typeof server.handle === 'function' ? (type, fn) => server.handle(type, fn) : undefined,
      });
    };
    if (opts.transport === 'unix') ipc.serve(opts.path, started);
    else ipc.serveNet('127.0.0.1', opts.port, started);
    ipc.server.start();
    setTimeout(() => reject(new Error(`${name} server did not start`)), 20000).unref();
  });
};

/** Several clients may share one instance (the broadcast lane); each gets its own id. */
const shared = new Map();

exports.createClient = function createClient(name, opts) {
  const key = `${name}:${opts.raw ? 'raw' : 'json'}`;
  if (!shared.has(key)) shared.set(key, makeIpc(name, opts));
  const ipc = shared.get(key);
  const id = `bench-${opts.index || 0}`;
  return new Promise((resolve, reject) => {
    const ready = () => {
      const client = ipc.of[id];
      client.on('error', (err) => process.stderr.write(`[${name} client] ${err && err.stack}\n`));
      let opened = false;
      client.on('connect', () => {
        if (opened) return;
        opened = true;
        resolve({
          on(type, fn) { client.on(type, fn); },
          onData(fn) { client.on('data', fn); },
          emit(type, data) { client.emit(type, data); },
          emitRaw(bytes) { client.emit(bytes); },
          request: typeof client.request === 'function' ? (type, data) => client.request(type, data) : undefined,
        });
      });
    };
    if (opts.transport === 'unix') ipc.connectTo(id, opts.path, ready);
    else ipc.connectToNet(id, opts.host, opts.port, ready);
    setTimeout(() => reject(new Error(`${name} client ${id} did not connect`)), 20000).unref();
  });
};
