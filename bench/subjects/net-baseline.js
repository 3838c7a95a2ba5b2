'use strict';
/**
 * `net-baseline`: bare `node:net` with node-ipc's wire format, as fast as it honestly gets. This
 * is the practical limit every other subject is measured against (since 2026-12; the Buffer
 * reader that was the baseline before is `net-buffer.js`, kept as it was).
 *
 * JSON lanes:
 * - writes: `JSON.stringify({type, data}) + '\f'` per message, the frames of one tick joined
 *   by string `+=`, ONE `socket.write` per tick on `process.nextTick`;
 * - reads: text. `socket.setEncoding('utf8')`: one UTF-8 decode per chunk, a character split
 *   across chunks is held back by Node's StringDecoder until its last byte arrives. Each new
 *   chunk is scanned once for `\f` (`String#indexOf`, never the held remainder again), frames
 *   are sliced out of it (V8 slices share the chunk's characters); a frame spanning chunks is
 *   kept as pieces and joined ONCE when its delimiter arrives (linear for a 32 MiB message in
 *   500 chunks); `JSON.parse` per frame;
 * - dispatch: one Map lookup by `type`.
 *
 * Raw lanes (bytes, no text): chunks passed up as they arrive. Writes follow `socket.write`'s
 * contract (the caller hands its buffer over); buffers under 16 KiB are copied, when written,
 * into a 64 KiB slab, and each tick writes its region of the slab as ONE `socket.write`: no
 * array of the tick's buffers and no `Buffer.concat` at the end of it. Larger buffers are
 * written as they are (several parts of one tick: cork, one writev).
 */
const net = require('node:net');

/** Slab for small raw writes: under glibc's mmap threshold (128 KiB), so a fresh one is a cheap malloc. */
const SLAB_BYTES = 64 * 1024;
/** Raw buffers this long or longer are written as they are instead of copied into the slab. */
const OWN_BYTES = SLAB_BYTES / 4;

/**
 * The reader of a text stream of `\f`-terminated frames: `push(chunk)` with the decoded chunks
 * in order; `onFrame(frame, this)` for each complete frame, in order.
 */
class TextFrames {
  constructor(onFrame) {
    this.onFrame = onFrame;
    /** The start of an incomplete frame: the tails of earlier chunks, in order (empty: none). */
    this.pieces = [];
  }

  push(chunk) {
    let end = chunk.indexOf('\f');
    if (end === -1) {
      this.pieces.push(chunk);
      return;
    }
    let from = 0;
    if (this.pieces.length !== 0) {
      if (end > 0) this.pieces.push(chunk.slice(0, end));
      const frame = this.pieces.join('');
      this.pieces = [];
      this.onFrame(frame, this);
      from = end + 1;
      end = chunk.indexOf('\f', from);
    }
    while (end !== -1) {
      this.onFrame(chunk.slice(from, end), this);
      from = end + 1;
      end = chunk.indexOf('\f', from);
    }
    if (from < chunk.length) this.pieces.push(from === 0 ? chunk : chunk.slice(from));
  }
}

/** A JSON connection: text frames in, text frames of one tick out in one write. */
class JsonConnection extends TextFrames {
  constructor(socket, onFrame) {
    super(onFrame);
    this.socket = socket;
    this.text = '';
    this.scheduled = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => this.push(chunk));
    socket.on('error', () => undefined);
  }

  write(text) {
    this.text += text;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(flushText, this);
    }
  }
}

function flushText(conn) {
  conn.scheduled = false;
  const text = conn.text;
  conn.text = '';
  // A socket with unsent bytes queues this write: as a Buffer it waits off the JS heap, as a
  // string the sender's GC copies and promotes it (bench/README.md, "The baseline").
  if (conn.socket.writableLength > 0) conn.socket.write(Buffer.from(text));
  else conn.socket.write(text);
}

/** A raw connection: chunks in as they arrive, the bytes of one tick out in one write. */
class RawConnection {
  constructor(socket, onChunk) {
    this.socket = socket;
    this.scheduled = false;
    /** Finished parts of this tick, in order (the open slab region comes after them). */
    this.parts = [];
    this.slab = null;
    /** This tick's region of the slab: [start, end). */
    this.start = 0;
    this.end = 0;
    socket.on('data', (chunk) => onChunk(chunk, this));
    socket.on('error', () => undefined);
  }

  write(bytes) {
    const length = bytes.length;
    if (length >= OWN_BYTES) {
      this.closeRegion();
      this.parts.push(bytes);
    } else {
      if (this.slab === null || this.end + length > SLAB_BYTES) this.newSlab();
      this.slab.set(bytes, this.end);
      this.end += length;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(flushRaw, this);
    }
  }

  /** The open region becomes a part; later bytes start a fresh slab. */
  newSlab() {
    this.closeRegion();
    this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    this.start = 0;
    this.end = 0;
  }

  /** The slab's region becomes a part; the slab's rest serves later bytes (never written twice). */
  closeRegion() {
    if (this.end === this.start) return;
    this.parts.push(this.slab.subarray(this.start, this.end));
    this.start = this.end;
  }
}

function flushRaw(conn) {
  conn.scheduled = false;
  const region = conn.end - conn.start;
  conn.closeRegion();
  // No room for another tick like this one: the next starts a fresh slab, so that its bytes
  // are one region (one plain write), not the tail of this slab plus the head of another.
  if (conn.slab !== null && SLAB_BYTES - conn.end < region) conn.slab = null;
  const parts = conn.parts;
  conn.parts = [];
  if (parts.length === 1) {
    conn.socket.write(parts[0]);
  } else if (parts.length > 1) {
    conn.socket.cork();
    for (let i = 0; i < parts.length; i++) conn.socket.write(parts[i]);
    conn.socket.uncork();
  }
}

function encode(type, data) {
  return JSON.stringify({ type, data }) + '\f';
}

/** JSON dispatch by type; `fn(data, conn)`. */
function dispatcher(handlers) {
  return (frame, conn) => {
    const message = JSON.parse(frame);
    const fn = handlers.get(message.type);
    if (fn !== undefined) fn(message.data, conn);
  };
}

function connection(socket, raw, onFrame) {
  return raw ? new RawConnection(socket, onFrame) : new JsonConnection(socket, onFrame);
}

exports.createServer = function createServer(opts) {
  const handlers = new Map();
  const rawHandlers = [];
  const conns = [];
  const onFrame = opts.raw ? (chunk, conn) => { for (const fn of rawHandlers) fn(chunk, conn); } : dispatcher(handlers);
  const server = net.createServer((socket) => {
    conns.push(connection(socket, opts.raw, onFrame));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => resolve({
      address: opts.transport === 'unix' ? { path: opts.path } : { host: '127.0.0.1', port: server.address().port },
      on(type, fn) { handlers.set(type, fn); },
      onData(fn) { rawHandlers.push(fn); },
      emit(conn, type, data) { conn.write(encode(type, data)); },
      emitRaw(conn, bytes) { conn.write(bytes); },
      broadcast(type, data) {
        const text = encode(type, data);
        for (let i = 0; i < conns.length; i++) conns[i].write(text);
      },
      close() {
        for (const conn of conns) conn.socket.destroy();
        return new Promise((done) => server.close(() => done()));
      },
    });
    if (opts.transport === 'unix') server.listen(opts.path, done);
    else server.listen(opts.port, '127.0.0.1', done);
  });
};

exports.createClient = function createClient(opts) {
  const handlers = new Map();
  const rawHandlers = [];
  const onFrame = opts.raw ? (chunk) => { for (const fn of rawHandlers) fn(chunk); } : dispatcher(handlers);
  return new Promise((resolve, reject) => {
    const socket = opts.transport === 'unix' ? net.connect(opts.path) : net.connect(opts.port, opts.host);
    socket.once('error', reject);
    const conn = connection(socket, opts.raw, onFrame);
    socket.once('connect', () => resolve({
      on(type, fn) { handlers.set(type, fn); },
      onData(fn) { rawHandlers.push(fn); },
      emit(type, data) { conn.write(encode(type, data)); },
      emitRaw(bytes) { conn.write(bytes); },
      close() { socket.destroy(); },
    }));
  });
};

/** For spec/bench.spec.ts: the reader alone. */
exports.TextFrames = TextFrames;
