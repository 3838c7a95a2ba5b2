'use strict';
/**
 * `net-buffer`: the bench's baseline until 2026-12 (then named `net-baseline`), kept AS IT WAS so
 * that figures measured against it stay comparable: do not tune it. `net-baseline.js` is the
 * baseline now, a text reader; this one takes 1.2-1.5x its time on the throughput lanes, as it
 * decodes every frame on its own (issue 19).
 * - writes: every frame of one tick joined into ONE `socket.write` on `process.nextTick`;
 * - reads: Buffers; scan each chunk once for `\f` (`Buffer#indexOf`), slice frames out of it
 *   (no copy), keep only the incomplete tail, copy once when a frame spans chunks; then
 *   `frame.toString('utf8')` and `JSON.parse` per frame;
 * - dispatch: one Map lookup by `type`.
 * Raw mode: buffers of one tick kept in an array and joined by `Buffer.concat` into one write;
 * chunks passed up as they arrive.
 */
const net = require('node:net');

const DELIM = 0x0c;

class Connection {
  constructor(socket, raw, onFrame) {
    this.socket = socket;
    this.raw = raw;
    this.onFrame = onFrame;
    this.text = '';
    this.buffers = [];
    this.scheduled = false;
    this.pending = [];
    this.pendingBytes = 0;
    socket.on('data', (chunk) => (raw ? onFrame(chunk, this) : this.read(chunk)));
    socket.on('error', () => undefined);
  }

  writeText(text) {
    this.text += text;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(flush, this);
    }
  }

  writeBytes(bytes) {
    this.buffers.push(bytes);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(flush, this);
    }
  }

  read(chunk) {
    let from = 0;
    let end = chunk.indexOf(DELIM);
    if (this.pendingBytes > 0) {
      if (end === -1) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        return;
      }
      this.pending.push(chunk.subarray(0, end));
      const frame = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.onFrame(frame, this);
      from = end + 1;
      end = chunk.indexOf(DELIM, from);
    }
    while (end !== -1) {
      this.onFrame(chunk.subarray(from, end), this);
      from = end + 1;
      end = chunk.indexOf(DELIM, from);
    }
    if (from < chunk.length) {
      this.pending.push(from === 0 ? chunk : chunk.subarray(from));
      this.pendingBytes = chunk.length - from;
    }
  }
}

function flush(conn) {
  conn.scheduled = false;
  if (conn.text.length > 0) {
    conn.socket.write(conn.text);
    conn.text = '';
  }
  if (conn.buffers.length > 0) {
    conn.socket.write(conn.buffers.length === 1 ? conn.buffers[0] : Buffer.concat(conn.buffers));
    conn.buffers = [];
  }
}

function encode(type, data) {
  return JSON.stringify({ type, data }) + '\f';
}

/** JSON dispatch by type; `fn(data, conn)`. */
function dispatcher(handlers) {
  return (frame, conn) => {
    const message = JSON.parse(frame.toString('utf8'));
    const fn = handlers.get(message.type);
    if (fn !== undefined) fn(message.data, conn);
  };
}

exports.createServer = function createServer(opts) {
  const handlers = new Map();
  const rawHandlers = [];
  const conns = [];
  const onFrame = opts.raw ? (chunk, conn) => { for (const fn of rawHandlers) fn(chunk, conn); } : dispatcher(handlers);
  const server = net.createServer((socket) => {
    conns.push(new Connection(socket, opts.raw, onFrame));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => resolve({
      address: opts.transport === 'unix' ? { path: opts.path } : { host: '127.0.0.1', port: server.address().port },
      on(type, fn) { handlers.set(type, fn); },
      onData(fn) { rawHandlers.push(fn); },
      emit(conn, type, data) { conn.writeText(encode(type, data)); },
      emitRaw(conn, bytes) { conn.writeBytes(bytes); },
      broadcast(type, data) {
        const text = encode(type, data);
        for (let i = 0; i < conns.length; i++) conns[i].writeText(text);
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
    const conn = new Connection(socket, opts.raw, onFrame);
    socket.once('connect', () => resolve({
      on(type, fn) { handlers.set(type, fn); },
      onData(fn) { rawHandlers.push(fn); },
      emit(type, data) { conn.writeText(encode(type, data)); },
      emitRaw(bytes) { conn.writeBytes(bytes); },
    }));
  });
};
