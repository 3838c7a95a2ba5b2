'use strict';
/**
 * The lanes: what the server and the client of one trial do. Every lane verifies exact
 * message counts and order; a lost, extra or reordered message is an error that fails the run.
 *
 * A lane's `server(srv, params)` returns `{ result(): Promise<object> }` (awaited when the
 * orchestrator asks for the report); `client(connect, params)` resolves with the client's
 * measurement. Timing is taken where the work ends: the client for everything but broadcast.
 */

const MiB = 1024 * 1024;
const BURST = 1000; // messages queued per macrotask by senders (then setImmediate)
const MAX_ERRORS = 5;

/** 64 bytes of JSON for `{seq, pad}` with a six-digit seq. */
const PAD = 'x'.repeat(64 - '{"seq":100000,"pad":""}'.length);

function now() {
  return Number(process.hrtime.bigint()) / 1e6;
}

function errorList() {
  const list = [];
  list.add = (text) => {
    if (list.length < MAX_ERRORS) list.push(text);
    else if (list.length === MAX_ERRORS) list.push('... more errors');
  };
  return list;
}

/** Sends `count` messages from `send(i)` in bursts, then calls `done`. */
function pump(count, burst, send, done) {
  let i = 0;
  const step = () => {
    const stop = Math.min(i + burst, count);
    for (; i < stop; i++) send(i);
    if (i < count) setImmediate(step);
    else done();
  };
  step();
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

/** Client -> server stream of small or large JSON messages, `end`, then `ack`. */
const stream = {
  server(srv, p) {
    const errors = errorList();
    let received = 0;
    const ended = deferred();
    srv.on('m', (data) => {
      if (data.seq !== received) errors.add(`message ${received}: got seq ${data.seq}`);
      if (p.size && (typeof data.blob !== 'string' || data.blob.length !== p.blobLength)) errors.add(`message ${received}: blob of ${data.blob && data.blob.length} chars`);
      received++;
    });
    srv.on('end', (data, socket) => {
      if (data.count !== received) errors.add(`end says ${data.count}, received ${received}`);
      srv.emit(socket, 'ack', { count: received });
      ended.resolve();
    });
    return {
      result: () => ended.promise.then(() => {
        if (received !== p.count) errors.add(`server received ${received} of ${p.count}`);
        return { received, errors };
      }),
    };
  },
  async client(connect, p) {
    const cli = await connect({});
    const errors = errorList();
    const blob = p.size ? 'x'.repeat(p.blobLength) : null;
    const acked = deferred();
    cli.on('ack', (data) => acked.resolve(data));
    const t0 = now();
    if (blob === null) pump(p.count, BURST, (i) => cli.emit('m', { seq: i, pad: PAD }), () => cli.emit('end', { count: p.count }));
    else pump(p.count, 4, (i) => cli.emit('m', { seq: i, blob }), () => cli.emit('end', { count: p.count }));
    const ack = await acked.promise;
    const ms = now() - t0;
    if (ack.count !== p.count) errors.add(`server acked ${ack.count} of ${p.count}`);
    return p.size
      ? { ms, mibPerS: (p.count * p.size) / MiB / (ms / 1000), errors }
      : { ms, msgPerS: p.count / (ms / 1000), errors };
  },
};

/** One message in flight: ping, pong, next ping. */
const rtt = {
  server(srv, p) {
    const errors = errorList();
    let received = 0;
    srv.on('ping', (data, socket) => {
      if (data.seq !== received) errors.add(`ping ${received}: got seq ${data.seq}`);
      received++;
      srv.emit(socket, 'pong', data);
    });
    return {
      result: async () => {
        if (received !== p.count + p.warmup) errors.add(`server received ${received} of ${p.count + p.warmup}`);
        return { received, errors };
      },
    };
  },
  async client(connect, p) {
    const cli = await connect({});
    const errors = errorList();
    const total = p.warmup + p.count;
    const times = new Float64Array(p.count);
    const finished = deferred();
    let seq = 0;
    let t0 = 0;
    const send = () => {
      t0 = now();
      cli.emit('ping', { seq, pad: PAD });
    };
    cli.on('pong', (data) => {
      const t = now() - t0;
      if (data.seq !== seq) errors.add(`pong ${seq}: got seq ${data.seq}`);
      if (seq >= p.warmup) times[seq - p.warmup] = t;
      seq++;
      if (seq < total) send();
      else finished.resolve();
    });
    send();
    await finished.promise;
    times.sort();
    const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] * 1000;
    return { p50us: pick(0.5), p99us: pick(0.99), errors };
  },
};

/** Server broadcasts; every client must get every message, in order. */
const broadcast = {
  server(srv, p) {
    const errors = errorList();
    let hellos = 0;
    let dones = 0;
    let t0 = 0;
    const finished = deferred();
    srv.on('hello', () => {
      hellos++;
      if (hellos !== p.clients) return;
      t0 = now();
      pump(p.count, 100, (i) => srv.broadcast('b', { seq: i, pad: PAD }), () => undefined);
    });
    srv.on('done', (data) => {
      if (data.received !== p.count || data.errors.length > 0) errors.add(`client ${data.index}: ${data.received} received, ${data.errors.join('; ')}`);
      dones++;
      if (dones === p.clients) finished.resolve(now() - t0);
    });
    return {
      result: () => finished.promise.then((ms) => ({
        ms, msgPerS: p.count / (ms / 1000), deliveredPerS: (p.count * p.clients) / (ms / 1000), errors,
      })),
    };
  },
  async client(connect, p) {
    const clients = [];
    for (let k = 0; k < p.clients; k++) clients.push(await connect({ index: k }));
    const finished = [];
    clients.forEach((cli, k) => {
      const errors = errorList();
      const done = deferred();
      finished.push(done.promise);
      let received = 0;
      cli.on('b', (data) => {
        if (data.seq !== received) errors.add(`seq ${data.seq} at ${received}`);
        received++;
        if (received === p.count) {
          cli.emit('done', { index: k, received, errors });
          done.resolve();
        }
      });
    });
    for (const cli of clients) cli.emit('hello', {});
    await Promise.all(finished);
    return { errors: [] };
  },
};

/**
 * Raw mode: 64-byte ASCII buffers (seq as 8 hex digits, then 'a's), a 4-byte ack when all
 * bytes arrived. ASCII because the 9.x/10.x servers turn raw chunks into strings and back.
 */
const raw = {
  server(srv, p) {
    const errors = errorList();
    const total = p.count * 64;
    const carry = Buffer.alloc(64);
    let carried = 0;
    let seq = 0;
    let bytes = 0;
    const acked = deferred();
    const check = (buf, off) => {
      const got = parseInt(buf.toString('latin1', off, off + 8), 16);
      if (got !== seq || buf[off + 63] !== 0x61) errors.add(`block ${seq}: seq ${got}`);
      seq++;
    };
    srv.onData((chunk, socket) => {
      bytes += chunk.length;
      let off = 0;
      if (carried > 0) {
        const take = Math.min(64 - carried, chunk.length);
        chunk.copy(carry, carried, 0, take);
        carried += take;
        off = take;
        if (carried === 64) {
          check(carry, 0);
          carried = 0;
        }
      }
      for (; off + 64 <= chunk.length; off += 64) check(chunk, off);
      if (off < chunk.length) {
        chunk.copy(carry, 0, off);
        carried = chunk.length - off;
      }
      if (bytes === total) {
        srv.emitRaw(socket, Buffer.from([1, 2, 3, 4]));
        acked.resolve();
      } else if (bytes > total) {
        errors.add(`${bytes} bytes, expected ${total}`);
        acked.resolve();
      }
    });
    return {
      result: () => acked.promise.then(() => {
        if (seq !== p.count) errors.add(`server received ${seq} of ${p.count}`);
        return { received: seq, errors };
      }),
    };
  },
  async client(connect, p) {
    const cli = await connect({});
    const acked = deferred();
    cli.onData(() => acked.resolve());
    const t0 = now();
    pump(p.count, BURST, (i) => {
      const buf = Buffer.allocUnsafe(64).fill(0x61);
      buf.write(i.toString(16).padStart(8, '0'), 0, 'latin1');
      cli.emitRaw(buf);
    }, () => undefined);
    await acked.promise;
    const ms = now() - t0;
    return { ms, msgPerS: p.count / (ms / 1000), errors: [] };
  },
};

/**
 * Async API: `request()` round trips interleaved with plain echo round trips (emit + reply
 * event) on the same connection, so both p50s come from the same moment of the same run;
 * then `inflight` requests at once, with RSS before and after. Subjects without `request` /
 * `handle` hooks (the old packages, net-baseline) run the documented wire shape over
 * `emit` and `on` instead (README "Async API", protocol).
 */
const request = {
  server(srv, p) {
    const errors = errorList();
    let echoes = 0;
    let requests = 0;
    srv.on('ping', (data, socket) => {
      echoes++;
      srv.emit(socket, 'pong', data);
    });
    const add = (data) => {
      requests++;
      return data.a + data.b;
    };
    if (srv.handle) srv.handle('add', add);
    else srv.on('add', (req, socket) => srv.emit(socket, 'ipc.reply', { reply: req.request, data: add(req.data) }));
    return {
      result: async () => {
        const total = p.count + p.warmup;
        if (echoes !== total) errors.add(`server echoed ${echoes} of ${total}`);
        if (requests !== total + p.inflight) errors.add(`server answered ${requests} of ${total + p.inflight}`);
        return { received: echoes + requests, errors };
      },
    };
  },
  async client(connect, p) {
    const cli = await connect({});
    const errors = errorList();
    const call = cli.request ? (type, data) => cli.request(type, data) : shimRequest(cli);
    let pong = null;
    cli.on('pong', (data) => pong(data));
    const echo = (data) => new Promise((resolve) => {
      pong = resolve;
      cli.emit('ping', data);
    });
    const total = p.warmup + p.count;
    const echoTimes = new Float64Array(p.count);
    const requestTimes = new Float64Array(p.count);
    for (let i = 0; i < total; i++) {
      let t0 = now();
      const back = await echo({ seq: i, pad: PAD });
      const echoMs = now() - t0;
      if (back.seq !== i) errors.add(`pong ${i}: got seq ${back.seq}`);
      t0 = now();
      const sum = await call('add', { a: i, b: 1, pad: PAD });
      const requestMs = now() - t0;
      if (sum !== i + 1) errors.add(`request ${i}: got ${sum}`);
      if (i >= p.warmup) {
        echoTimes[i - p.warmup] = echoMs;
        requestTimes[i - p.warmup] = requestMs;
      }
    }
    echoTimes.sort();
    requestTimes.sort();
    const pick = (times, q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] * 1000;
    // Memory around the burst, each after a full GC: what is left once every request settled.
    const gc = exposeGc();
    gc();
    const before = process.memoryUsage();
    const t0 = now();
    let sums = await Promise.all(Array.from({ length: p.inflight }, (_, i) => call('add', { a: i, b: 2 })));
    const inflightMs = now() - t0;
    const rssPeak = process.memoryUsage().rss;
    sums.forEach((sum, i) => {
      if (sum !== i + 2) errors.add(`in-flight request ${i}: got ${sum}`);
    });
    sums = null;
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const after = process.memoryUsage();
    const p50 = pick(requestTimes, 0.5);
    const echoP50 = pick(echoTimes, 0.5);
    return {
      p50us: p50, p99us: pick(requestTimes, 0.99), echoP50us: echoP50, ratio: p50 / echoP50,
      inflightMs, rssBeforeMiB: before.rss / MiB, rssPeakMiB: rssPeak / MiB, rssAfterMiB: after.rss / MiB,
      heapBeforeMiB: before.heapUsed / MiB, heapAfterMiB: after.heapUsed / MiB, errors,
    };
  },
};

/** `global.gc` without a command-line flag (the trial children are forked without one). */
function exposeGc() {
  if (typeof global.gc === 'function') return global.gc;
  require('node:v8').setFlagsFromString('--expose-gc');
  return require('node:vm').runInNewContext('gc');
}

/** The documented request shape over plain `emit` / `on`, for subjects without `request()`. */
function shimRequest(cli) {
  const pending = new Map();
  let last = 0;
  cli.on('ipc.reply', (reply) => {
    const resolve = pending.get(reply.reply);
    pending.delete(reply.reply);
    if (resolve) resolve(reply.data);
  });
  return (type, data) => new Promise((resolve) => {
    const id = ++last;
    pending.set(id, resolve);
    cli.emit(type, { request: id, data });
  });
}

const KINDS = { stream, rtt, broadcast, raw, request };

/**
 * Lane table. `sizes` gives the message counts of each run size; `expect` is how many
 * messages the server must have received. `metrics`: [key, label, higherIsBetter, unit].
 */
const LANES = [
  { name: 'tput-unix', title: 'throughput, Unix socket, 64 B JSON', kind: 'stream', transport: 'unix',
    sizes: { full: { count: 200000 }, quick: { count: 30000 }, tiny: { count: 300 } },
    metrics: [['msgPerS', 'msg/s', true]] },
  { name: 'tput-tcp', title: 'throughput, TCP loopback, 64 B JSON', kind: 'stream', transport: 'tcp',
    sizes: { full: { count: 200000 }, quick: { count: 30000 }, tiny: { count: 300 } },
    metrics: [['msgPerS', 'msg/s', true]] },
  { name: 'rtt', title: 'round trip, one in flight', kind: 'rtt', transport: 'unix',
    sizes: { full: { count: 20000, warmup: 1000 }, quick: { count: 3000, warmup: 300 }, tiny: { count: 50, warmup: 10 } },
    metrics: [['p50us', 'p50 µs', false], ['p99us', 'p99 µs', false]] },
  { name: 'large-1MiB', title: 'large: N x 1 MiB back to back', kind: 'stream', transport: 'unix',
    sizes: { full: { count: 200, size: MiB }, quick: { count: 10, size: MiB }, tiny: { count: 3, size: MiB } },
    metrics: [['ms', 'ms', false], ['mibPerS', 'MiB/s', true]] },
  { name: 'single-1MiB', title: 'one 1 MiB message', kind: 'stream', transport: 'unix',
    sizes: { full: { count: 1, size: MiB }, quick: { count: 1, size: MiB }, tiny: { count: 1, size: MiB } },
    metrics: [['ms', 'ms', false]] },
  { name: 'single-8MiB', title: 'one 8 MiB message', kind: 'stream', transport: 'unix',
    sizes: { full: { count: 1, size: 8 * MiB } },
    metrics: [['ms', 'ms', false]] },
  { name: 'single-32MiB', title: 'one 32 MiB message', kind: 'stream', transport: 'unix',
    sizes: { full: { count: 1, size: 32 * MiB } },
    metrics: [['ms', 'ms', false]] },
  { name: 'broadcast', title: 'broadcast to every client', kind: 'broadcast', transport: 'unix',
    sizes: { full: { count: 10000, clients: 50 }, quick: { count: 1000, clients: 20 }, tiny: { count: 30, clients: 3 } },
    metrics: [['msgPerS', 'broadcasts/s', true]] },
  { name: 'request', title: 'async request() vs echo (interleaved), then N in flight', kind: 'request', transport: 'unix',
    sizes: { full: { count: 20000, warmup: 1000, inflight: 10000 }, quick: { count: 3000, warmup: 300, inflight: 10000 }, tiny: { count: 50, warmup: 10, inflight: 100 } },
    metrics: [['p50us', 'request p50 µs', false], ['echoP50us', 'echo p50 µs', false], ['ratio', 'request/echo p50', false], ['p99us', 'request p99 µs', false],
      ['inflightMs', 'N in flight ms', false], ['rssBeforeMiB', 'RSS before N MiB', false], ['rssPeakMiB', 'RSS after N, before GC MiB', false],
      ['rssAfterMiB', 'RSS after N + GC MiB', false], ['heapBeforeMiB', 'heap before N MiB', false], ['heapAfterMiB', 'heap after N + GC MiB', false]] },
  { name: 'raw', title: 'raw mode (rawBuffer), 64 B buffers', kind: 'raw', transport: 'unix', raw: true,
    sizes: { full: { count: 200000 }, quick: { count: 30000 }, tiny: { count: 300 } },
    metrics: [['msgPerS', 'msg/s', true]] },
];

for (const lane of LANES) {
  for (const size of Object.values(lane.sizes)) {
    // The JSON `{"seq":0,"blob":"..."}` of a large message is exactly `size` bytes.
    if (size.size) size.blobLength = size.size - '{"seq":0,"blob":""}'.length;
  }
}

module.exports = { LANES, KINDS };
