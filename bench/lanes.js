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

const KINDS = { stream, rtt, broadcast, raw };

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
