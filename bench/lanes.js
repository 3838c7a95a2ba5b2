'use strict';
/**
 * The lanes: what the server and the client of one trial do. Every lane verifies exact
 * message counts and order; a lost, extra or reordered message is an error that fails the run.
 *
 * A lane's `server(srv, params)` returns `{ result(): Promise<object> }` (awaited when the
 * orchestrator asks for the report); `client(connect, params)` resolves with the client's
 * measurement. Timing is taken where the work ends: the client for everything but broadcast.
 *
 * Every lane also reports `cpuUsPerMsg`: the sender's CPU time (process.cpuUsage, user + system)
 * over the timed part, per message. The sender is the client, but the server for broadcast.
 *
 * Cold lanes (`tput-unix`, `raw`, ...) time fresh processes from their first message, so the
 * JIT's warm-up is part of the figure. Warm lanes (`*-warm`) first send `warmup` messages, wait
 * until the server has them all, force a GC on both sides (children run with --expose-gc) and
 * only then time `count` more: the steady state.
 */

const MiB = 1024 * 1024;
const BURST = 1000; // messages queued per macrotask by senders (then setImmediate)
const MAX_ERRORS = 5;

/** 64 bytes of JSON for `{seq, pad}` with a six-digit seq. */
const PAD = 'x'.repeat(64 - '{"seq":100000,"pad":""}'.length);

/** Batch of the warm lanes: 1,000 messages per `setImmediate` turn. */
const WARM_BATCH = 1000;

function now() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Microseconds of CPU (user + system) since `start` (a process.cpuUsage() value). */
function cpuUs(start) {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function gc() {
  if (typeof global.gc === 'function') global.gc();
}

/**
 * Payload of the warm lanes: `{n, p}` whose JSON is exactly 64 bytes for any n below 10^7
 * (`{"n":N,"p":"..."}` is 13 bytes plus the digits of N plus the pad).
 */
const WARM_PADS = Array.from({ length: 8 }, (_, digits) => 'x'.repeat(Math.max(0, 51 - digits)));
function warmPad(n) {
  return WARM_PADS[n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : n < 100000 ? 5 : n < 1000000 ? 6 : 7];
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

/**
 * The server's end of a counted stream: on `end` it checks the client's count against
 * `received()`, answers `ack`, and its result says how many arrived.
 */
function ackOnEnd(srv, errors, received, p) {
  const ended = deferred();
  srv.on('end', (data, socket) => {
    if (data.count !== received()) errors.add(`end says ${data.count}, received ${received()}`);
    srv.emit(socket, 'ack', { count: received() });
    ended.resolve();
  });
  return {
    result: () => ended.promise.then(() => {
      if (received() !== p.count) errors.add(`server received ${received()} of ${p.count}`);
      return { received: received(), errors };
    }),
  };
}

/** Client -> server stream of small or large JSON messages, `end`, then `ack`. */
const stream = {
  server(srv, p) {
    const errors = errorList();
    let received = 0;
    srv.on('m', (data) => {
      if (data.seq !== received) errors.add(`message ${received}: got seq ${data.seq}`);
      if (p.size && (typeof data.blob !== 'string' || data.blob.length !== p.blobLength)) errors.add(`message ${received}: blob of ${data.blob && data.blob.length} chars`);
      received++;
    });
    return ackOnEnd(srv, errors, () => received, p);
  },
  async client(connect, p) {
    const cli = await connect({});
    const errors = errorList();
    const blob = p.size ? 'x'.repeat(p.blobLength) : null;
    const acked = deferred();
    cli.on('ack', (data) => acked.resolve(data));
    const cpu0 = process.cpuUsage();
    const t0 = now();
    if (blob === null) pump(p.count, BURST, (i) => cli.emit('m', { seq: i, pad: PAD }), () => cli.emit('end', { count: p.count }));
    else pump(p.count, 4, (i) => cli.emit('m', { seq: i, blob }), () => cli.emit('end', { count: p.count }));
    const ack = await acked.promise;
    const ms = now() - t0;
    const cpuUsPerMsg = cpuUs(cpu0) / p.count;
    if (ack.count !== p.count) errors.add(`server acked ${ack.count} of ${p.count}`);
    return p.size
      ? { ms, mibPerS: (p.count * p.size) / MiB / (ms / 1000), cpuUsPerMsg, errors }
      : { ms, msgPerS: p.count / (ms / 1000), cpuUsPerMsg, errors };
  },
};

/**
 * The bytes of a received `{seq, bytes}`: a Buffer or Uint8Array (advanced serializations), or
 * the `{type: 'Buffer', data: [...]}` that JSON makes of a Buffer (JSON subjects), as it is.
 */
function receivedBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value && value.type === 'Buffer' && Array.isArray(value.data)) return value.data;
  return null;
}

/**
 * Client -> server stream of Buffers, `{seq, bytes}` of `size` bytes each (first and last byte
 * = seq), `end`, then `ack`. JSON subjects send what JSON makes of a Buffer: the cost of
 * moving bytes as JSON is what these lanes show.
 */
const bytes = {
  server(srv, p) {
    const errors = errorList();
    let received = 0;
    srv.on('b', (data) => {
      const got = receivedBytes(data.bytes);
      const mark = received & 0xff;
      if (data.seq !== received) errors.add(`message ${received}: got seq ${data.seq}`);
      if (got === null || got.length !== p.size || got[0] !== mark || got[got.length - 1] !== mark) errors.add(`message ${received}: not the ${p.size} bytes sent`);
      received++;
    });
    return ackOnEnd(srv, errors, () => received, p);
  },
  async client(connect, p) {
    const cli = await connect({});
    const errors = errorList();
    // One Buffer, its first and last byte set per message: every subject copies or serializes
    // it inside emit, so it can be reused at once.
    const buf = Buffer.alloc(p.size, 0x61);
    const acked = deferred();
    cli.on('ack', (data) => acked.resolve(data));
    const cpu0 = process.cpuUsage();
    const t0 = now();
    pump(p.count, 4, (i) => {
      buf[0] = buf[p.size - 1] = i & 0xff;
      cli.emit('b', { seq: i, bytes: buf });
    }, () => cli.emit('end', { count: p.count }));
    const ack = await acked.promise;
    const ms = now() - t0;
    if (ack.count !== p.count) errors.add(`server acked ${ack.count} of ${p.count}`);
    return { ms, mibPerS: (p.count * p.size) / MiB / (ms / 1000), cpuUsPerMsg: cpuUs(cpu0) / p.count, errors };
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
    let cpu0 = null;
    const send = () => {
      if (seq === p.warmup) cpu0 = process.cpuUsage();
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
    const cpuUsPerMsg = cpuUs(cpu0) / p.count;
    times.sort();
    const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] * 1000;
    return { p50us: pick(0.5), p99us: pick(0.99), cpuUsPerMsg, errors };
  },
};

/**
 * Server broadcasts; every client must get every message, in order. With `warmup`, the server
 * first broadcasts that many, waits for every client's `done`, forces a GC and then times `count` more.
 */
const broadcast = {
  server(srv, p) {
    const errors = errorList();
    const warmup = p.warmup || 0;
    const marks = warmup > 0 ? [warmup, warmup + p.count] : [p.count];
    let phase = 0;
    let hellos = 0;
    let dones = 0;
    let t0 = 0;
    let cpu0 = null;
    const finished = deferred();
    const send = (from, to) => {
      let i = from;
      pump(to - from, 100, () => {
        srv.broadcast('b', { seq: i, pad: PAD });
        i++;
      }, () => undefined);
    };
    const timed = () => {
      cpu0 = process.cpuUsage();
      t0 = now();
      send(warmup, warmup + p.count);
    };
    srv.on('hello', () => {
      hellos++;
      if (hellos !== p.clients) return;
      if (warmup > 0) send(0, warmup);
      else timed();
    });
    srv.on('done', (data) => {
      if (data.received !== marks[phase] || data.errors.length > 0) errors.add(`client ${data.index}: ${data.received} received, ${data.errors.join('; ')}`);
      dones++;
      if (dones < p.clients) return;
      dones = 0;
      phase++;
      if (phase < marks.length) {
        gc();
        setImmediate(timed);
      } else {
        finished.resolve({ ms: now() - t0, cpu: cpuUs(cpu0) });
      }
    });
    return {
      result: () => finished.promise.then(({ ms, cpu }) => ({
        ms, msgPerS: p.count / (ms / 1000), deliveredPerS: (p.count * p.clients) / (ms / 1000), cpuUsPerMsg: cpu / p.count, errors,
      })),
    };
  },
  async client(connect, p) {
    const warmup = p.warmup || 0;
    const clients = [];
    for (let k = 0; k < p.clients; k++) clients.push(await connect({ index: k }));
    const finished = [];
    let warmDones = 0;
    clients.forEach((cli, k) => {
      const errors = errorList();
      const done = deferred();
      finished.push(done.promise);
      let received = 0;
      cli.on('b', (data) => {
        if (data.seq !== received) errors.add(`seq ${data.seq} at ${received}`);
        received++;
        if (received === warmup) {
          // After the warm-up, GC this process once every client is there (the server waits for all).
          if (++warmDones === p.clients) gc();
          cli.emit('done', { index: k, received, errors: [...errors] });
        }
        if (received === warmup + p.count) {
          // A copy: the list carries its `add` function, which JSON drops and structured clone refuses.
          cli.emit('done', { index: k, received, errors: [...errors] });
          done.resolve();
        }
      });
    });
    for (const cli of clients) cli.emit('hello', {});
    await Promise.all(finished);
    return { errors: [] };
  },
};

/** The 64-byte ASCII block `seq` of the raw lanes: seq as 8 hex digits, then 'a's. */
function rawBlock(seq) {
  const buf = Buffer.allocUnsafe(64).fill(0x61);
  buf.write(seq.toString(16).padStart(8, '0'), 0, 'latin1');
  return buf;
}

/**
 * Raw mode: 64-byte ASCII buffers (seq as 8 hex digits, then 'a's), a 4-byte ack when all
 * bytes arrived. ASCII because the 9.x/10.x servers turn raw chunks into strings and back.
 * With `warmup`: an ack after the warm-up blocks too, then a GC on both sides, then the timed part.
 */
const raw = {
  server(srv, p) {
    const errors = errorList();
    const warmup = p.warmup || 0;
    const total = (warmup + p.count) * 64;
    const marks = warmup > 0 ? [warmup * 64, total] : [total];
    let mark = 0;
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
      if (bytes === marks[mark]) {
        mark++;
        if (mark < marks.length) gc();
        srv.emitRaw(socket, Buffer.from([1, 2, 3, 4]));
        if (mark === marks.length) acked.resolve();
      } else if (bytes > total || (mark < marks.length && bytes > marks[mark])) {
        errors.add(`${bytes} bytes, expected ${marks[mark]}`);
        acked.resolve();
      }
    });
    return {
      result: () => acked.promise.then(() => {
        if (seq !== warmup + p.count) errors.add(`server received ${seq} of ${warmup + p.count}`);
        return { received: seq, errors };
      }),
    };
  },
  async client(connect, p) {
    const cli = await connect({});
    const warmup = p.warmup || 0;
    let acked = deferred();
    cli.onData(() => acked.resolve());
    const burst = warmup > 0 ? WARM_BATCH : BURST;
    if (warmup > 0) {
      await sendBatches(true, 0, warmup, burst, (i) => cli.emitRaw(rawBlock(i)), () => undefined);
      await acked.promise;
      acked = deferred();
      gc();
    }
    let t0 = 0;
    let cpu0 = null;
    await sendBatches(warmup > 0, warmup, warmup + p.count, burst, (i) => cli.emitRaw(rawBlock(i)), () => {
      cpu0 = process.cpuUsage();
      t0 = now();
    });
    await acked.promise;
    const ms = now() - t0;
    return { ms, msgPerS: p.count / (ms / 1000), cpuUsPerMsg: cpuUs(cpu0) / p.count, errors: [] };
  },
};

/**
 * Sends messages `from` .. `to - 1` with `send(i)`, `burst` per turn; `start()` runs just before
 * the first and `last()` right after the last, in the same turn. `deferFirst`: the first batch too waits for its own setImmediate turn (the warm lanes'
 * method); otherwise it runs now, as the cold lanes always did. Resolves after the last batch.
 */
function sendBatches(deferFirst, from, to, burst, send, start, last = () => undefined) {
  return new Promise((resolve) => {
    let i = from;
    const step = () => {
      if (i === from) start();
      const stop = Math.min(i + burst, to);
      for (; i < stop; i++) send(i);
      if (i < to) return setImmediate(step);
      last();
      resolve();
    };
    if (deferFirst) setImmediate(step);
    else step();
  });
}

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


/**
 * The independent harness's steady-state lane: `{n, p}` of exactly 64 bytes of JSON, batches
 * of 1,000 per setImmediate turn. The client sends `warmup` messages and `bench:end`; the server
 * checks every `n` is in order and answers `bench:end` with its count; both sides GC; then the
 * client times `count` more, from the first timed emit to the receipt of the second answer.
 */
const warm = {
  server(srv, p) {
    const errors = errorList();
    let received = 0;
    const ended = deferred();
    srv.on('bench', (data) => {
      if (data.n !== received) errors.add(`message ${received}: got n ${data.n}`);
      received++;
    });
    srv.on('bench:end', (data, socket) => {
      if (data.count !== received) errors.add(`bench:end says ${data.count}, received ${received}`);
      const last = received >= p.warmup + p.count;
      if (!last) gc();
      srv.emit(socket, 'bench:end', { count: received });
      if (last) ended.resolve();
    });
    return {
      result: () => ended.promise.then(() => {
        if (received !== p.warmup + p.count) errors.add(`server received ${received} of ${p.warmup + p.count}`);
        return { received, errors };
      }),
    };
  },
  async client(connect, p) {
    const cli = await connect({});
    const errors = errorList();
    let answer = deferred();
    cli.on('bench:end', (data) => answer.resolve(data));
    const total = p.warmup + p.count;
    const send = (i) => cli.emit('bench', { n: i, p: warmPad(i) });
    await sendBatches(true, 0, p.warmup, WARM_BATCH, send, () => undefined, () => cli.emit('bench:end', { count: p.warmup }));
    const first = await answer.promise;
    if (first.count !== p.warmup) errors.add(`warm-up: server answered ${first.count} of ${p.warmup}`);
    answer = deferred();
    gc();
    let t0 = 0;
    let cpu0 = null;
    await sendBatches(true, p.warmup, total, WARM_BATCH, send, () => {
      cpu0 = process.cpuUsage();
      t0 = now();
    }, () => cli.emit('bench:end', { count: total }));
    const last = await answer.promise;
    const ms = now() - t0;
    const cpuUsPerMsg = cpuUs(cpu0) / p.count;
    if (last.count !== total) errors.add(`server answered ${last.count} of ${total}`);
    return { ms, msgPerS: p.count / (ms / 1000), cpuUsPerMsg, errors };
  },
};

const KINDS = { stream, rtt, broadcast, raw, warm, request, bytes };

/**
 * Lane table. `sizes` gives the message counts of each run size; `ratio` is the metric whose
 * median, over net-baseline's, is the lane's time ratio in the summary (lower is better);
 * `metrics`: [key, label, higherIsBetter]. `warm`: a steady-state lane (warm-up not scaled).
 */
const WARM = { full: { warmup: 20000, count: 200000 }, quick: { warmup: 20000, count: 200000 }, tiny: { warmup: 200, count: 300 } };
const CPU = ['cpuUsPerMsg', 'sender CPU µs/msg', false];
const LANES = [
  { name: 'tput-unix', title: 'throughput, Unix socket, 64 B JSON', kind: 'stream', transport: 'unix', ratio: 'ms',
    sizes: { full: { count: 200000 }, quick: { count: 30000 }, tiny: { count: 300 } },
    metrics: [['msgPerS', 'msg/s', true], CPU] },
  { name: 'tput-tcp', title: 'throughput, TCP loopback, 64 B JSON', kind: 'stream', transport: 'tcp', ratio: 'ms',
    sizes: { full: { count: 200000 }, quick: { count: 30000 }, tiny: { count: 300 } },
    metrics: [['msgPerS', 'msg/s', true], CPU] },
  { name: 'tput-unix-warm', title: 'steady state, Unix socket, 64 B JSON', kind: 'warm', transport: 'unix', ratio: 'ms', warm: true,
    sizes: WARM, metrics: [['msgPerS', 'msg/s', true], CPU] },
  { name: 'tput-tcp-warm', title: 'steady state, TCP loopback, 64 B JSON', kind: 'warm', transport: 'tcp', ratio: 'ms', warm: true,
    sizes: WARM, metrics: [['msgPerS', 'msg/s', true], CPU] },
  { name: 'rtt', title: 'round trip, one in flight', kind: 'rtt', transport: 'unix', ratio: 'p50us',
    sizes: { full: { count: 20000, warmup: 1000 }, quick: { count: 3000, warmup: 300 }, tiny: { count: 50, warmup: 10 } },
    metrics: [['p50us', 'p50 µs', false], ['p99us', 'p99 µs', false], ['cpuUsPerMsg', 'client CPU µs/round trip', false]] },
  { name: 'large-1MiB', title: 'large: N x 1 MiB back to back', kind: 'stream', transport: 'unix', ratio: 'ms',
    sizes: { full: { count: 200, size: MiB }, quick: { count: 10, size: MiB }, tiny: { count: 3, size: MiB } },
    metrics: [['ms', 'ms', false], ['mibPerS', 'MiB/s', true], CPU] },
  { name: 'single-1MiB', title: 'one 1 MiB message', kind: 'stream', transport: 'unix', ratio: 'ms',
    sizes: { full: { count: 1, size: MiB }, quick: { count: 1, size: MiB }, tiny: { count: 1, size: MiB } },
    metrics: [['ms', 'ms', false], CPU] },
  { name: 'single-8MiB', title: 'one 8 MiB message', kind: 'stream', transport: 'unix', ratio: 'ms',
    sizes: { full: { count: 1, size: 8 * MiB } },
    metrics: [['ms', 'ms', false], CPU] },
  { name: 'single-32MiB', title: 'one 32 MiB message', kind: 'stream', transport: 'unix', ratio: 'ms',
    sizes: { full: { count: 1, size: 32 * MiB } },
    metrics: [['ms', 'ms', false], CPU] },
  { name: 'broadcast', title: 'broadcast to every client', kind: 'broadcast', transport: 'unix', ratio: 'ms',
    sizes: { full: { count: 10000, clients: 50 }, quick: { count: 1000, clients: 20 }, tiny: { count: 30, clients: 3 } },
    metrics: [['msgPerS', 'broadcasts/s', true], ['cpuUsPerMsg', 'server CPU µs/broadcast', false]] },
  { name: 'broadcast-warm', title: 'broadcast after a warm-up', kind: 'broadcast', transport: 'unix', ratio: 'ms', warm: true,
    sizes: { full: { count: 10000, warmup: 2000, clients: 50 }, quick: { count: 2000, warmup: 1000, clients: 20 }, tiny: { count: 30, warmup: 20, clients: 3 } },
    metrics: [['msgPerS', 'broadcasts/s', true], ['cpuUsPerMsg', 'server CPU µs/broadcast', false]] },
  { name: 'request', title: 'async request() vs echo (interleaved), then N in flight', kind: 'request', transport: 'unix', ratio: 'p50us',
    sizes: { full: { count: 20000, warmup: 1000, inflight: 10000 }, quick: { count: 3000, warmup: 300, inflight: 10000 }, tiny: { count: 50, warmup: 10, inflight: 100 } },
    metrics: [['p50us', 'request p50 µs', false], ['echoP50us', 'echo p50 µs', false], ['ratio', 'request/echo p50', false], ['p99us', 'request p99 µs', false],
      ['inflightMs', 'N in flight ms', false], ['rssBeforeMiB', 'RSS before N MiB', false], ['rssPeakMiB', 'RSS after N, before GC MiB', false],
      ['rssAfterMiB', 'RSS after N + GC MiB', false], ['heapBeforeMiB', 'heap before N MiB', false], ['heapAfterMiB', 'heap after N + GC MiB', false]] },
  // Structured data (issue 21): JSON against `serialization: 'advanced'` (node-ipc-ts-adv) and
  // child_process advanced, for large strings, Buffers and small objects.
  { name: 'string-1MiB', title: 'structured: one 1 MiB string', kind: 'stream', transport: 'unix', ratio: 'ms', structured: true,
    sizes: { full: { count: 1, size: MiB }, quick: { count: 1, size: MiB }, tiny: { count: 1, size: MiB } },
    metrics: [['ms', 'ms', false], CPU] },
  { name: 'string-32MiB', title: 'structured: one 32 MiB string', kind: 'stream', transport: 'unix', ratio: 'ms', structured: true,
    sizes: { full: { count: 1, size: 32 * MiB }, quick: { count: 1, size: 32 * MiB }, tiny: { count: 1, size: 4 * MiB } },
    metrics: [['ms', 'ms', false], CPU] },
  { name: 'buffer-1MiB', title: 'structured: one 1 MiB Buffer', kind: 'bytes', transport: 'unix', ratio: 'ms', structured: true,
    sizes: { full: { count: 1, size: MiB }, quick: { count: 1, size: MiB }, tiny: { count: 1, size: MiB } },
    metrics: [['ms', 'ms', false], CPU] },
  { name: 'buffers-64MiB', title: 'structured: 64 MiB in 1 MiB Buffers', kind: 'bytes', transport: 'unix', ratio: 'ms', structured: true,
    sizes: { full: { count: 64, size: MiB }, quick: { count: 64, size: MiB }, tiny: { count: 4, size: MiB } },
    metrics: [['ms', 'ms', false], ['mibPerS', 'MiB/s', true], CPU] },
  { name: 'objects-64B', title: 'structured: 64 B objects, steady state', kind: 'warm', transport: 'unix', ratio: 'ms', warm: true, structured: true,
    sizes: { full: { warmup: 20000, count: 200000 }, quick: { warmup: 20000, count: 100000 }, tiny: { warmup: 200, count: 300 } },
    metrics: [['msgPerS', 'msg/s', true], CPU] },
  { name: 'raw', title: 'raw mode (rawBuffer), 64 B buffers', kind: 'raw', transport: 'unix', raw: true, ratio: 'ms',
    sizes: { full: { count: 200000 }, quick: { count: 30000 }, tiny: { count: 300 } },
    metrics: [['msgPerS', 'msg/s', true], CPU] },
  { name: 'raw-unix-warm', title: 'raw mode, steady state, 64 B buffers', kind: 'raw', transport: 'unix', raw: true, ratio: 'ms', warm: true,
    sizes: WARM, metrics: [['msgPerS', 'msg/s', true], CPU] },
];

for (const lane of LANES) {
  for (const size of Object.values(lane.sizes)) {
    // The JSON `{"seq":0,"blob":"..."}` of a large message is exactly `size` bytes.
    if (size.size) size.blobLength = size.size - '{"seq":0,"blob":""}'.length;
  }
}

module.exports = { LANES, KINDS };
