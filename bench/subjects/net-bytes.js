'use strict';
/**
 * `net-bytes`: bare `node:net` moving a large Buffer or string as its own bytes, in a binary
 * frame written for the structured lanes' messages. No library does this (it knows one message
 * shape); it is the floor a socket gives those lanes: what is left of a lane's time is the
 * socket's, the kernel's and Node's stream layer's, not a codec's.
 *
 * Frame: a uint32 big-endian length of the rest, then a kind byte.
 * - kind 1, a message whose data is `{seq, <field>: Buffer | string}` (what the lanes send):
 *   type length (1 byte) and type, seq (uint32), field name length (1 byte) and name, value
 *   kind (0 Buffer, 1 UTF-8 string), then the value's bytes to the end of the frame;
 * - kind 0, anything else: `JSON.stringify({type, data})` (the lanes' `end` and `ack`).
 *
 * Writes: a frame is built in one Buffer (header, then a copy of the value: the lanes reuse
 * their Buffer as soon as `emit` returns), one `socket.write` per frame.
 * Reads: the header, then the frame's body copied into a Buffer of its size as chunks arrive
 * (or sliced from the chunk when it lies whole in one); a Buffer value is a view of the frame
 * (no copy), a string one `toString`.
 */
const net = require('node:net');

const JSON_KIND = 0;
const FIELD_KIND = 1;
const BUFFER_VALUE = 0;
const STRING_VALUE = 1;

/** The one large field of `{seq, <field>}` with a Buffer or string value, or null. */
function largeField(data) {
  if (data === null || typeof data !== 'object' || typeof data.seq !== 'number') return null;
  const keys = Object.keys(data);
  if (keys.length !== 2) return null;
  const field = keys[0] === 'seq' ? keys[1] : keys[0];
  const value = data[field];
  return Buffer.isBuffer(value) || typeof value === 'string' ? field : null;
}

function encode(type, data) {
  const field = largeField(data);
  if (field === null) {
    const json = Buffer.from(JSON.stringify({ type, data }));
    const frame = Buffer.allocUnsafe(5 + json.length);
    frame.writeUInt32BE(1 + json.length, 0);
    frame[4] = JSON_KIND;
    json.copy(frame, 5);
    return frame;
  }
  const value = data[field];
  const isString = typeof value === 'string';
  const valueBytes = isString ? Buffer.byteLength(value) : value.length;
  const head = 4 + 1 + 1 + Buffer.byteLength(type) + 4 + 1 + Buffer.byteLength(field) + 1;
  const frame = Buffer.allocUnsafe(head + valueBytes);
  frame.writeUInt32BE(frame.length - 4, 0);
  let at = 4;
  frame[at++] = FIELD_KIND;
  frame[at] = frame.write(type, at + 1);
  at += 1 + frame[at];
  frame.writeUInt32BE(data.seq, at);
  at += 4;
  frame[at] = frame.write(field, at + 1);
  at += 1 + frame[at];
  frame[at++] = isString ? STRING_VALUE : BUFFER_VALUE;
  if (isString) frame.write(value, at);
  else value.copy(frame, at);
  return frame;
}

/** `frame[start, end)` (after the length): `{type, data}`. */
function decode(frame, start, end) {
  if (frame[start] === JSON_KIND) return JSON.parse(frame.toString('utf8', start + 1, end));
  let at = start + 1;
  const type = frame.toString('utf8', at + 1, at + 1 + frame[at]);
  at += 1 + frame[at];
  const seq = frame.readUInt32BE(at);
  at += 4;
  const field = frame.toString('utf8', at + 1, at + 1 + frame[at]);
  at += 1 + frame[at];
  const value = frame[at] === STRING_VALUE ? frame.toString('utf8', at + 1, end) : frame.subarray(at + 1, end);
  return { type, data: { seq, [field]: value } };
}

/** Frames in, messages out: `onMessage(type, data)` in order. */
class Connection {
  constructor(socket, onMessage) {
    this.socket = socket;
    this.onMessage = onMessage;
    /** Header bytes of a length split across chunks. */
    this.header = Buffer.alloc(4);
    this.headerFill = 0;
    /** The frame being filled (its body), and how much of it has arrived; null between frames. */
    this.frame = null;
    this.fill = 0;
    socket.on('data', (chunk) => this.read(chunk));
    socket.on('error', () => undefined);
  }

  read(chunk) {
    let at = 0;
    while (at < chunk.length) {
      if (this.frame === null) {
        if (this.headerFill === 0 && chunk.length - at >= 4) {
          const length = chunk.readUInt32BE(at);
          at += 4;
          if (chunk.length - at >= length) {
            // Whole in this chunk: decoded where it lies.
            const message = decode(chunk, at, at + length);
            at += length;
            this.onMessage(message.type, message.data);
            continue;
          }
          this.frame = Buffer.allocUnsafe(length);
        } else {
          const take = Math.min(4 - this.headerFill, chunk.length - at);
          chunk.copy(this.header, this.headerFill, at, at + take);
          this.headerFill += take;
          at += take;
          if (this.headerFill < 4) return;
          this.headerFill = 0;
          this.frame = Buffer.allocUnsafe(this.header.readUInt32BE(0));
        }
        this.fill = 0;
      }
      const take = Math.min(this.frame.length - this.fill, chunk.length - at);
      chunk.copy(this.frame, this.fill, at, at + take);
      this.fill += take;
      at += take;
      if (this.fill < this.frame.length) return;
      const frame = this.frame;
      this.frame = null;
      const message = decode(frame, 0, frame.length);
      this.onMessage(message.type, message.data);
    }
  }
}

/** Whether the subject has the lane: the structured lanes that move one large value per message. */
exports.supports = (lane) => Boolean(lane.structured) && (lane.kind === 'stream' || lane.kind === 'bytes');

exports.createServer = function createServer(opts) {
  const handlers = new Map();
  const server = net.createServer((socket) => {
    const conn = new Connection(socket, (type, data) => {
      const fn = handlers.get(type);
      if (fn !== undefined) fn(data, conn);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => resolve({
      address: opts.transport === 'unix' ? { path: opts.path } : { host: '127.0.0.1', port: server.address().port },
      on(type, fn) { handlers.set(type, fn); },
      onData() { throw new Error('net-bytes has no raw mode'); },
      emit(conn, type, data) { conn.socket.write(encode(type, data)); },
      emitRaw() { throw new Error('net-bytes has no raw mode'); },
      broadcast() { throw new Error('net-bytes has no broadcast'); },
    });
    if (opts.transport === 'unix') server.listen(opts.path, done);
    else server.listen(opts.port, '127.0.0.1', done);
  });
};

exports.createClient = function createClient(opts) {
  const handlers = new Map();
  return new Promise((resolve, reject) => {
    const socket = opts.transport === 'unix' ? net.connect(opts.path) : net.connect(opts.port, opts.host);
    socket.once('error', reject);
    // The connection lives on its socket's listeners.
    new Connection(socket, (type, data) => {
      const fn = handlers.get(type);
      if (fn !== undefined) fn(data);
    });
    socket.once('connect', () => resolve({
      on(type, fn) { handlers.set(type, fn); },
      onData() { throw new Error('net-bytes has no raw mode'); },
      emit(type, data) { socket.write(encode(type, data)); },
      emitRaw() { throw new Error('net-bytes has no raw mode'); },
    }));
  });
};
