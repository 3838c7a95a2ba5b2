#!/usr/bin/env node
// Soak: mixed traffic, server restarts and garbage on every transport at once, with a status
// line once a second (message counts, RSS, active handles). Exits non-zero on any lost or
// repeated message, a stalled transport, or growth of memory or handles.
//
//   npm run soak -- --minutes 10        (or --seconds 30)
//   options: --restart-every 3 (seconds)  --max-rss-growth-mb 64  --json (summary line only)
//
// Stream transports (unix, tcp, tls) run clients in sync mode: one request in flight, the
// server acknowledges each, so "sent" must equal "received" exactly, restarts included
// (a restart waits for the request in flight; what clients emit while the server is down is
// held and delivered after the reconnect). udp4 runs a ping-pong between two UDP servers.
// Garbage: a raw socket per stream transport sends malformed frames and an oversize frame
// each second; the servers must report them as coded errors and keep serving.
'use strict';
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { connect: netConnect } = require('node:net');
const { connect: tlsConnect } = require('node:tls');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lib = existsSync(join(root, 'dist', 'index.js')) ? join(root, 'dist', 'index.js') : join(root, 'build', 'src', 'index.js');
const { IPCModule } = require(lib);
const certs = join(root, 'example', 'certs');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}
const seconds = option('seconds') !== undefined ? Number(option('seconds')) : Number(option('minutes', '1')) * 60;
const restartEvery = Number(option('restart-every', '3')) * 1000;
const maxRssGrowth = Number(option('max-rss-growth-mb', '64'));
const json = process.argv.includes('--json');
const MAX_MESSAGE = 64 * 1024;
const CLIENTS = 2;
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
const say = (line) => { if (!json) process.stdout.write(`${line}\n`); };
const dir = mkdtempSync(join(tmpdir(), 'soak-'));
const failures = [];

/** One stream transport under soak: a server, sync clients, a garbage peer. */
class StreamLeg {
  constructor(name) {
    this.name = name;
    this.sent = 0;
    this.received = 0;
    this.acked = 0;
    this.repeats = 0;
    this.garbageErrors = 0;
    this.unexpectedErrors = 0;
    this.restarts = 0;
    this.seen = new Set();
    this.paused = false;
    this.serverIpc = new IPCModule();
    this.clientIpc = new IPCModule();
    for (const ipc of [this.serverIpc, this.clientIpc]) {
      ipc.config.silent = true;
      ipc.config.retry = 20;
      ipc.config.maxMessageSize = MAX_MESSAGE;
      ipc.config.messageTimeout = 2000;
    }
    this.clientIpc.config.sync = true;
    if (name === 'tls') {
      this.serverIpc.config.tls = { private: join(certs, 'server.key'), public: join(certs, 'server.pem') };
      this.clientIpc.config.tls = { rejectUnauthorized: false };
    }
    this.path = join(dir, `${name}.sock`);
    this.port = 0;
  }

  serve() {
    return new Promise((resolve) => {
      if (this.name === 'unix') this.serverIpc.serve(this.path);
      else this.serverIpc.serveNet('127.0.0.1', this.port);
      const server = this.serverIpc.server;
      server.on('req', (data, socket) => {
        const key = `${data.c}:${data.n}`;
        if (this.seen.has(key)) this.repeats++;
        this.seen.add(key);
        this.received++;
        server.emit(socket, 'ack', data);
      });
      server.on('error', (err) => {
        if (err && (err.code === 'ERR_IPC_INVALID_MESSAGE' || err.code === 'ERR_IPC_INVALID_JSON' || err.code === 'ERR_IPC_INVALID_EVENT' || err.code === 'ERR_IPC_FRAME_TOO_LARGE' || err.code === 'ECONNRESET')) this.garbageErrors++;
        else if (err instanceof Error) {
          this.unexpectedErrors++;
          failures.push(`${this.name} server error ${err.code}: ${err.message}`);
        }
      });
      server.on('start', () => {
        if (this.port === 0 && server.port !== false) this.port = server.port;
        resolve();
      });
      server.start();
    });
  }

  async start() {
    await this.serve();
    for (let c = 0; c < CLIENTS; c++) {
      const id = `${this.name}${c}`;
      if (this.name === 'unix') this.clientIpc.connectTo(id, this.path);
      else this.clientIpc.connectToNet(id, '127.0.0.1', this.port);
      const client = this.clientIpc.of[id];
      let n = 0;
      const next = () => {
        if (this.paused || stopping) return;
        n++;
        this.sent++;
        client.emit('req', { c, n, pad: 'p'.repeat(n % 512) });
      };
      client.on('ack', () => {
        this.acked++;
        next();
      });
      // What is emitted while the server is down waits for the reconnect.
      client.on('disconnect', () => { if (!this.paused) next(); });
      client.once('connect', next);
      client.on('error', (err) => {
        if (err && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT' || err.code === 'ECONNRESET' || err.code === 'EPIPE')) return;
        failures.push(`${this.name} client error ${err && err.code}: ${err && err.message}`);
      });
    }
  }

  /** Restarts the server once the requests in flight are answered. */
  async restart() {
    this.paused = true;
    const deadline = Date.now() + 5000;
    while (this.acked < this.sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    this.paused = false;
    this.serverIpc.server.stop();
    this.restarts++;
    await this.serve();
  }

  /** A raw peer sends malformed frames and one frame over the limit, then goes away. */
  garbage() {
    const where = this.name === 'unix' ? { path: this.path } : { host: '127.0.0.1', port: this.port };
    const socket = this.name === 'tls' ? tlsConnect({ ...where, rejectUnauthorized: false }) : netConnect(where);
    socket.on('error', () => undefined);
    socket.once(this.name === 'tls' ? 'secureConnect' : 'connect', () => {
      socket.write('not json\f{"type":1}\f[]\f{"type":"__proto__","data":{}}\f');
      socket.write(Buffer.alloc(MAX_MESSAGE + 10, 0x61));
      setTimeout(() => socket.destroy(), 50);
    });
  }

  stop() {
    for (const id of Object.keys(this.clientIpc.of)) this.clientIpc.disconnect(id);
    this.serverIpc.server.stop();
  }
}

/** udp4: two UDP servers play ping-pong, one datagram in flight. */
class UdpLeg {
  constructor() {
    this.name = 'udp4';
    this.sent = 0;
    this.received = 0;
    this.repeats = 0;
    this.a = new IPCModule();
    this.b = new IPCModule();
    this.a.config.silent = this.b.config.silent = true;
    this.last = Date.now();
  }

  async start() {
    const serve = (ipc) => new Promise((resolve) => {
      ipc.serveNet('127.0.0.1', 0, 'udp4', resolve);
      ipc.server.start();
    });
    await serve(this.a);
    await serve(this.b);
    this.a.server.on('ping', (data, peer) => {
      this.received++;
      this.a.server.emit(peer, 'pong', data);
    });
    this.b.server.on('pong', (data) => {
      if (data.n !== this.sent) this.repeats++;
      this.last = Date.now();
      this.ping();
    });
    this.ping();
  }

  ping() {
    if (stopping) return;
    this.sent++;
    this.b.server.emit({ address: '127.0.0.1', port: this.a.server.port }, 'ping', { n: this.sent });
  }

  stop() {
    this.a.server.stop();
    this.b.server.stop();
  }
}

let stopping = false;

/** Active handles and requests, timers and the process's own stdio left out. */
function handleCount() {
  const stdio = process._getActiveHandles().filter((h) => h === process.stdout || h === process.stderr || h === process.stdin).length;
  return process.getActiveResourcesInfo().filter((t) => t !== 'Timeout' && t !== 'Immediate').length - stdio;
}

async function main() {
  const handlesAtStart = handleCount();
  const legs = [new StreamLeg('unix'), new StreamLeg('tcp'), new StreamLeg('tls'), new UdpLeg()];
  for (const leg of legs) await leg.start();
  const t0 = Date.now();
  let baseline = null;
  let maxHandles = 0;
  let lastReceived = legs.map(() => 0);
  const samples = [];
  say(`soak: ${seconds} s, transports ${legs.map((l) => l.name).join(', ')}, restart every ${restartEvery / 1000} s`);

  const status = setInterval(() => {
    const elapsed = (Date.now() - t0) / 1000;
    const rss = process.memoryUsage().rss;
    const handles = handleCount();
    maxHandles = Math.max(maxHandles, handles);
    samples.push({ t: elapsed, rss, handles });
    // The baseline is taken once the heap has warmed up: after a quarter of the run (max 10 s).
    if (baseline === null && elapsed >= Math.min(10, Math.max(1, seconds / 4))) baseline = { rss, handles };
    legs.forEach((leg, i) => {
      if (leg.received === lastReceived[i]) failures.push(`${leg.name} made no progress in a second (t=${elapsed.toFixed(0)}s)`);
      lastReceived[i] = leg.received;
    });
    say(`t=${elapsed.toFixed(0)}s ${legs.map((l) => `${l.name} ${l.sent}/${l.received}`).join(' ')} ` +
      `rss=${mb(rss)}MB handles=${handles} restarts=${legs.reduce((n, l) => n + (l.restarts || 0), 0)} ` +
      `garbage_errors=${legs.reduce((n, l) => n + (l.garbageErrors || 0), 0)}`);
  }, 1000);

  const garbage = setInterval(() => legs.forEach((leg) => leg.garbage && leg.garbage()), 1000);
  let turn = 0;
  const restarts = setInterval(() => {
    const streams = legs.filter((leg) => leg.restart);
    streams[turn++ % streams.length].restart().catch((err) => failures.push(`restart failed: ${err.message}`));
  }, restartEvery);

  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(garbage);
  clearInterval(restarts);
  // Quiesce: stop sending, let the last requests be answered.
  for (const leg of legs) leg.paused = true;
  const deadline = Date.now() + 5000;
  while (legs.some((leg) => leg.acked !== undefined && leg.acked < leg.sent) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  stopping = true;
  clearInterval(status);
  await new Promise((r) => setTimeout(r, 100));
  const end = { rss: process.memoryUsage().rss, handles: handleCount() };

  for (const leg of legs) {
    // UDP: the last ping may be on its way when traffic stops.
    const lost = leg.name === 'udp4' ? leg.sent - leg.received > 1 : leg.sent !== leg.received;
    if (lost) failures.push(`${leg.name}: sent ${leg.sent} but received ${leg.received}`);
    if (leg.repeats > 0) failures.push(`${leg.name}: ${leg.repeats} messages received twice`);
    if (leg.unexpectedErrors > 0) failures.push(`${leg.name}: ${leg.unexpectedErrors} unexpected server errors`);
  }
  if (baseline !== null && mb(end.rss - baseline.rss) > maxRssGrowth) {
    failures.push(`RSS grew ${mb(end.rss - baseline.rss)} MB after warm-up (limit ${maxRssGrowth} MB)`);
  }
  if (baseline !== null && end.handles > baseline.handles + 6) {
    failures.push(`active handles grew from ${baseline.handles} to ${end.handles}`);
  }
  for (const leg of legs) leg.stop();
  // Everything closed: the handle count goes back to where it started.
  const closeDeadline = Date.now() + 5000;
  while (handleCount() > handlesAtStart && Date.now() < closeDeadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const handlesAfterStop = handleCount();
  if (handlesAfterStop > handlesAtStart) failures.push(`${handlesAfterStop - handlesAtStart} handles left after stopping everything`);
  rmSync(dir, { recursive: true, force: true });

  const summary = {
    ok: failures.length === 0,
    seconds,
    transports: Object.fromEntries(legs.map((l) => [l.name, { sent: l.sent, received: l.received, restarts: l.restarts || 0, garbageErrors: l.garbageErrors || 0 }])),
    rssMB: { baseline: baseline && mb(baseline.rss), end: mb(end.rss), max: mb(Math.max(...samples.map((s) => s.rss), end.rss)) },
    handles: { baseline: baseline && baseline.handles, end: end.handles, max: maxHandles, atStart: handlesAtStart, afterStop: handlesAfterStop },
    failures,
  };
  process.stdout.write(`${json ? '' : 'summary '}${JSON.stringify(summary)}\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exitCode = 2;
});
