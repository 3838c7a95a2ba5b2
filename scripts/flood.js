#!/usr/bin/env node
// Flood: a fast sender (this process) into a slow receiver (a child process) over a Unix
// socket or TCP, printing both processes' RSS once per interval.
//
//   node scripts/flood.js [--seconds 5] [--mode honour|pending|ignore] [--transport unix|tcp]
//                         [--size 65536] [--work 200] [--interval 500] [--json]
//
// --mode honour   the sender stops when emit() returns false and resumes on 'drain'
// --mode pending  the sender ignores emit()'s value; maxPendingBytes (8 MiB) closes the
//                 connection when it is passed, and the client reconnects
// --mode ignore   neither (for contrast: the sender's memory grows with the flood)
// --work N        microseconds the receiver spends on each message (it is the slow end)
// --json          one JSON summary line at the end (the spec reads it)
//
// Run under `node --expose-gc` and the summary also has `sender.retainedMB`: heap and
// ArrayBuffer memory still reachable at the end after a full collection (what the sender
// holds, without the garbage RSS includes), and `errorCodes` counts the errors by code.
'use strict';
const { fork } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lib = existsSync(join(root, 'dist', 'index.js')) ? join(root, 'dist', 'index.js') : join(root, 'build', 'src', 'index.js');
const { IPCModule } = require(lib);

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}
const MB = 1024 * 1024;
const mb = (bytes) => Math.round((bytes / MB) * 10) / 10;

if (process.argv[2] === '--receiver') receiver();
else sender();

function receiver() {
  const [, , , transport, where, work] = process.argv;
  const ipc = new IPCModule();
  ipc.config.silent = true;
  let received = 0;
  let bytes = 0;
  const spin = Number(work) * 1000;
  const onStart = () => {
    ipc.server.on('flood', (data) => {
      received++;
      bytes += data.length;
      const until = process.hrtime.bigint() + BigInt(spin);
      while (process.hrtime.bigint() < until) { /* the slow consumer */ }
    });
    process.send({ listening: ipc.server.port === false ? ipc.server.path : ipc.server.port });
  };
  if (transport === 'unix') ipc.serve(where, onStart);
  else ipc.serveNet('127.0.0.1', 0, onStart);
  ipc.server.start();
  setInterval(() => {
    if (process.connected) process.send({ received, bytes, rss: process.memoryUsage().rss }, () => undefined);
  }, 100).unref();
  process.on('disconnect', () => process.exit(0));
}

function sender() {
  const seconds = Number(option('seconds', '5'));
  const mode = option('mode', 'honour');
  const transport = option('transport', 'unix');
  const size = Number(option('size', String(64 * 1024)));
  const work = option('work', '200');
  const interval = Number(option('interval', '500'));
  const json = process.argv.includes('--json');
  const dir = mkdtempSync(join(tmpdir(), 'flood-'));
  const path = join(dir, 'f.sock');
  const child = fork(__filename, ['--receiver', transport, path, work], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const peer = { received: 0, bytes: 0, rss: 0, maxRss: 0, startRss: 0 };
  const self = { sent: 0, refused: 0, errors: 0, errorCodes: {}, maxRss: 0, startRss: 0, startRetained: 0 };
  const payload = 'f'.repeat(size);
  const ipc = new IPCModule();
  ipc.config.silent = true;
  ipc.config.retry = 50;
  if (mode === 'pending') ipc.config.maxPendingBytes = 8 * MB;
  let running = true;
  const log = (line) => { if (!json) process.stdout.write(`${line}\n`); };

  child.on('message', (msg) => {
    if (msg.listening !== undefined) return start(msg.listening);
    peer.received = msg.received;
    peer.bytes = msg.bytes;
    peer.rss = msg.rss;
    if (peer.startRss === 0) peer.startRss = msg.rss;
    peer.maxRss = Math.max(peer.maxRss, msg.rss);
  });

  function start(where) {
    if (transport === 'unix') ipc.connectTo('sink', where);
    else ipc.connectToNet('sink', '127.0.0.1', where);
    const client = ipc.of.sink;
    client.on('error', (err) => {
      self.errors++;
      const code = err && err.code ? String(err.code) : 'none';
      self.errorCodes[code] = (self.errorCodes[code] || 0) + 1;
    });
    client.on('drain', pump);
    client.once('connect', () => {
      self.startRetained = retained();
      self.startRss = process.memoryUsage().rss;
      const t0 = Date.now();
      log(`flood: mode=${mode} transport=${transport} message=${size} B receiver work=${work} us/message`);
      const tick = setInterval(() => {
        const rss = process.memoryUsage().rss;
        self.maxRss = Math.max(self.maxRss, rss);
        log(`t=${((Date.now() - t0) / 1000).toFixed(1)}s sent=${self.sent} received=${peer.received} ` +
          `sender_rss=${mb(rss)}MB receiver_rss=${mb(peer.rss)}MB errors=${self.errors}`);
      }, interval);
      setTimeout(() => {
        running = false;
        clearInterval(tick);
        finish();
      }, seconds * 1000);
      pump();
    });
    if (mode !== 'honour') client.on('connect', () => setImmediate(pump));
  }

  // honour: write until emit() says stop; 'drain' calls pump again.
  // pending/ignore: write 16 messages per turn of the event loop regardless.
  function pump() {
    if (!running) return;
    const client = ipc.of.sink;
    if (mode === 'honour') {
      while (running) {
        self.sent++;
        if (!client.emit('flood', payload)) {
          self.refused++;
          return;
        }
      }
      return;
    }
    for (let i = 0; i < 16; i++) {
      self.sent++;
      if (!client.emit('flood', payload)) self.refused++;
    }
    self.maxRss = Math.max(self.maxRss, process.memoryUsage().rss);
    setImmediate(pump);
  }

  /** Reachable heap + ArrayBuffer bytes after a full collection (NaN without --expose-gc). */
  function retained() {
    if (typeof global.gc !== 'function') return NaN;
    global.gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  }

  function finish() {
    const held = retained() - self.startRetained;
    const summary = {
      mode, transport, seconds, messageBytes: size,
      sent: self.sent, received: peer.received, errors: self.errors, errorCodes: self.errorCodes,
      sender: {
        startMB: mb(self.startRss), maxMB: mb(self.maxRss), growthMB: mb(self.maxRss - self.startRss),
        ...(Number.isNaN(held) ? {} : { retainedMB: mb(held) }),
      },
      receiver: { startMB: mb(peer.startRss), maxMB: mb(peer.maxRss), growthMB: mb(peer.maxRss - peer.startRss) },
    };
    if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else log(`summary ${JSON.stringify(summary)}`);
    ipc.disconnect('sink');
    child.disconnect();
    child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
}
