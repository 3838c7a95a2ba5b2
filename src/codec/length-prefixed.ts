/**
 * Length-prefixed frames (`serialization: 'advanced'`, PROTOCOL.md §10): a marker byte, the
 * body's length, the body, an end byte. No delimiter is searched for and nothing is escaped;
 * the receiver knows a frame's size from its first five bytes, so `maxMessageSize` refuses an
 * oversized frame before a byte of its body is kept.
 *
 * ```
 * c1 | uint32 big-endian body length N | N body bytes | 0c
 * ```
 * - `c1` never starts a JSON frame (nor any UTF-8 text), so either side tells a peer of the
 *   other serialization from the first byte it gets (ERR_IPC_SERIALIZATION_MISMATCH).
 * - The end byte `0c` is the default JSON delimiter: an old node-ipc peer that is sent these
 *   frames by mistake splits them there and reports bad JSON, instead of buffering for ever.
 *   A reader here checks it, so a stream out of step is caught at the first frame.
 *
 * This file frames and nothing more: what a body means is the decoder's business
 * (structured.ts).
 */
import { IpcError } from '../errors';
import type { Message } from './message';
import { datagramTooLarge, type DatagramReader, type MessageSink, type StreamReader } from './reader';

/** First byte of every advanced frame (format version 1); never valid in UTF-8. */
export const ADVANCED_MARKER = 0xc1;
/** Marker plus length. */
export const HEADER_BYTES = 5;
/** Last byte of every advanced frame. */
export const END_BYTE = 0x0c;
/** Header plus end byte: a frame is its body plus this. */
export const FRAME_OVERHEAD = HEADER_BYTES + 1;
/** The largest body the 32-bit length can announce. */
export const MAX_BODY_BYTES = 0xffffffff;

/**
 * Frames from this size on get a buffer of their own once a quarter of them has arrived, and
 * the rest is copied into it as it comes: the copy overlaps the transfer instead of following
 * it (a 32 MiB message is not joined in one 20 ms step at the end). Committed memory stays the
 * bytes received; the reservation is at most four times that.
 */
const FILL_IN_PLACE_BYTES = 1024 * 1024;

/** Turns frame bodies into messages; one per connection, since it may keep a chunk's text. */
export interface BodyDecoder {
  /**
   * The message of one frame body, `source[start, end)`, or the protocol error it is. A range,
   * not a view: most bodies sit in a chunk with others, and a JSON body needs no Buffer of its
   * own to be decoded.
   */
  decode(source: Buffer, start: number, end: number): Message | IpcError;
  /** The reader is done with the chunk it was handed last: let go of anything kept of it. */
  release(): void;
}

/**
 * Fills in the header of `frame`, whose first {@link HEADER_BYTES} bytes were left for it and
 * whose last byte is the end byte. Throws ERR_IPC_FRAME_TOO_LARGE past 4 GiB. The length is
 * written by hand, as the reader reads it: the first `writeUInt32BE` of a process costs 70-110
 * µs (compiling Node's range checks), on the first message sent.
 */
export function sealFrame(frame: Buffer): Buffer {
  const body = frame.length - FRAME_OVERHEAD;
  if (body > MAX_BODY_BYTES) throw new IpcError('ERR_IPC_FRAME_TOO_LARGE', `A ${body} byte message cannot be framed (at most ${MAX_BODY_BYTES} bytes); it was not sent`);
  frame[0] = ADVANCED_MARKER;
  frame[1] = body >>> 24;
  frame[2] = (body >>> 16) & 0xff;
  frame[3] = (body >>> 8) & 0xff;
  frame[4] = body & 0xff;
  return frame;
}

/** True for the bytes a JSON frame starts with (an envelope, an array, whitespace before one). */
function startsJson(byte: number): boolean {
  return byte === 0x7b || byte === 0x5b || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** The error for a first byte that is not {@link ADVANCED_MARKER}. */
export function badFirstByte(byte: number, where: string): IpcError {
  if (startsJson(byte)) {
    return new IpcError('ERR_IPC_SERIALIZATION_MISMATCH',
      `The peer sends JSON frames, but this endpoint uses serialization 'advanced' (${where}); set the same serialization on both ends`);
  }
  return invalidFrame(`does not start with the advanced frame marker (${where})`);
}

/** The error a JSON reader reports for a first byte that is {@link ADVANCED_MARKER}. */
export function advancedToJson(where: string): IpcError {
  return new IpcError('ERR_IPC_SERIALIZATION_MISMATCH',
    `The peer sends serialization 'advanced' frames, but this endpoint reads JSON (${where}); set the same serialization on both ends`);
}

export function invalidFrame(why: string, cause?: unknown): IpcError {
  return new IpcError('ERR_IPC_INVALID_FRAME', `Invalid advanced frame: it ${why}`, cause === undefined ? undefined : { cause });
}

/**
 * The reader of one stream connection. Any fault is fatal: after a bad header nothing that
 * follows can be framed. Memory held is at most the bytes received of one frame, never more
 * than its announced length (itself at most `maxMessageSize`) plus the end byte.
 */
export class LengthPrefixedReader implements StreamReader {
  private readonly _max: number;
  private readonly _decode: BodyDecoder;
  private readonly _sink: MessageSink;
  /** A header split across chunks. */
  private readonly _header = Buffer.alloc(HEADER_BYTES);
  private _headerFill = 0;
  /** Body length of the frame being read; -1 while its header is incomplete. */
  private _bodyLength = -1;
  /** Pieces of the frame's body and end byte, joined once when complete. */
  private _parts: Buffer[] = [];
  /** Bytes of the frame's body and end byte received so far. */
  private _partsBytes = 0;
  /** A large frame's own buffer, filled as its chunks arrive (see FILL_IN_PLACE_BYTES); null otherwise. */
  private _frame: Buffer | null = null;
  /** No byte has arrived on this connection yet: a wrong first byte may mean the other serialization. */
  private _fresh = true;
  /** Bytes of a chunk not yet read because a listener threw; read before the next chunk. */
  private _carry: Buffer | null = null;
  private _failed = false;

  constructor(maxMessageSize: number, decode: BodyDecoder, sink: MessageSink) {
    this._max = maxMessageSize;
    this._decode = decode;
    this._sink = sink;
  }

  get pendingBytes(): number {
    return this._bodyLength < 0 ? this._headerFill : HEADER_BYTES + this._partsBytes;
  }

  push(chunk: Buffer): void {
    if (this._failed) return;
    try {
      const carry = this._carry;
      if (carry !== null) {
        this._carry = null;
        this._read(carry);
        if (this._failed) return;
      }
      this._read(chunk);
    } finally {
      this._decode.release();
    }
  }

  reset(): void {
    this._headerFill = 0;
    this._bodyLength = -1;
    this._parts = [];
    this._partsBytes = 0;
    this._frame = null;
    this._carry = null;
  }

  private _read(chunk: Buffer): void {
    const length = chunk.length;
    let at = 0;
    while (at < length) {
      if (this._bodyLength < 0) {
        at = this._headerFill === 0 && length - at >= HEADER_BYTES ? this._wholeHeader(chunk, at) : this._readHeader(chunk, at);
        if (at < 0 || this._bodyLength < 0) return;
      }
      // The body and the end byte.
      const need = this._bodyLength + 1 - this._partsBytes;
      if (length - at < need) {
        if (at < length) this._keep(at === 0 ? chunk : chunk.subarray(at));
        return;
      }
      // The frame (body and end byte) is frame[start, end).
      let frame: Buffer;
      let start = 0;
      if (this._partsBytes === 0) {
        frame = chunk;
        start = at;
      } else if (this._frame !== null) {
        frame = this._frame;
        chunk.copy(frame, this._partsBytes, at, at + need);
        this._frame = null;
        this._partsBytes = 0;
      } else {
        this._parts.push(chunk.subarray(at, at + need));
        frame = Buffer.concat(this._parts, this._partsBytes + need);
        this._parts = [];
        this._partsBytes = 0;
      }
      at += need;
      const end = start + this._bodyLength;
      this._bodyLength = -1;
      if (frame[end] !== END_BYTE) {
        this._fail(invalidFrame('does not end with its end byte where its length says (the stream is out of step)'));
        return;
      }
      const message = this._decode.decode(frame, start, end);
      if (message instanceof IpcError) {
        this._fail(message);
        return;
      }
      try {
        this._sink.onMessage(message.type, message.data);
      } catch (err) {
        // A listener's exception is the host's, thrown on as on the JSON path; the bytes after
        // this frame are read with the next chunk, so the stream stays in step.
        if (at < length) this._carry = chunk.subarray(at);
        throw err;
      }
      if (this._failed) return;
    }
  }

  /** Keeps bytes of an unfinished frame: as a piece, or copied into the frame's own buffer. */
  private _keep(bytes: Buffer): void {
    if (this._frame !== null) {
      bytes.copy(this._frame, this._partsBytes);
      this._partsBytes += bytes.length;
      return;
    }
    this._parts.push(bytes);
    this._partsBytes += bytes.length;
    const total = this._bodyLength + 1;
    if (total < FILL_IN_PLACE_BYTES || this._partsBytes * 4 < total) return;
    const frame = Buffer.allocUnsafeSlow(total);
    let fill = 0;
    for (const part of this._parts) fill += part.copy(frame, fill);
    this._parts = [];
    this._frame = frame;
  }

  /**
   * Reads a header that lies whole in `chunk` at `at` (the common case: a small frame every
   * few dozen bytes); returns where the body starts, or -1 after a fault. The length is read
   * by hand: `readUInt32BE`'s checks cost more than the read, once per small message.
   */
  private _wholeHeader(chunk: Buffer, at: number): number {
    if (chunk[at] !== ADVANCED_MARKER) return this._badMarker(chunk[at] as number);
    const bodyLength = (((chunk[at + 1] as number) << 24) | ((chunk[at + 2] as number) << 16) | ((chunk[at + 3] as number) << 8) | (chunk[at + 4] as number)) >>> 0;
    return this._startBody(bodyLength, at + HEADER_BYTES);
  }

  /** Reads header bytes from `chunk` at `at`, a header split across chunks; returns where the body starts, or -1 after a fault. */
  private _readHeader(chunk: Buffer, at: number): number {
    if (this._headerFill === 0 && chunk[at] !== ADVANCED_MARKER) return this._badMarker(chunk[at] as number);
    const take = Math.min(HEADER_BYTES - this._headerFill, chunk.length - at);
    chunk.copy(this._header, this._headerFill, at, at + take);
    this._headerFill += take;
    at += take;
    if (this._headerFill < HEADER_BYTES) return at;
    this._headerFill = 0;
    return this._startBody(this._header.readUInt32BE(1), at);
  }

  /** A header is read: checks its length and starts its body at `at`; returns `at`, or -1 after a fault. */
  private _startBody(bodyLength: number, at: number): number {
    if (this._fresh) this._fresh = false;
    if (bodyLength > this._max) {
      this._fail(new IpcError('ERR_IPC_FRAME_TOO_LARGE',
        `Incoming frame of ${bodyLength} bytes exceeds maxMessageSize (${this._max} bytes); nothing of it was read`));
      return -1;
    }
    this._bodyLength = bodyLength;
    return at;
  }

  private _badMarker(byte: number): number {
    this._fail(this._fresh ? badFirstByte(byte, 'first byte of the connection') : invalidFrame('does not start with the advanced frame marker'));
    return -1;
  }

  private _fail(err: IpcError): void {
    this._failed = true;
    this.reset();
    this._sink.onProtocolError(err, true);
  }
}

/**
 * The reader of one UDP peer: a datagram is exactly one frame. Faults drop the datagram and
 * are reported; reading goes on (there is no connection to close).
 */
export class LengthPrefixedDatagramReader implements DatagramReader {
  private readonly _max: number;
  private readonly _decode: BodyDecoder;
  private readonly _sink: MessageSink;

  constructor(maxMessageSize: number, decode: BodyDecoder, sink: MessageSink) {
    this._max = maxMessageSize;
    this._decode = decode;
    this._sink = sink;
  }

  read(bytes: Buffer): void {
    const sink = this._sink;
    if (bytes.length === 0) return;
    if (bytes[0] !== ADVANCED_MARKER) {
      sink.onProtocolError(badFirstByte(bytes[0] as number, 'first byte of the datagram'), false);
      return;
    }
    if (bytes.length < FRAME_OVERHEAD) {
      sink.onProtocolError(invalidFrame('is shorter than its header'), false);
      return;
    }
    const bodyLength = bytes.readUInt32BE(1);
    if (bodyLength > this._max) {
      sink.onProtocolError(datagramTooLarge(bodyLength, this._max), false);
      return;
    }
    if (bodyLength + FRAME_OVERHEAD !== bytes.length || bytes[bytes.length - 1] !== END_BYTE) {
      sink.onProtocolError(invalidFrame('is not exactly one frame of the length its header says'), false);
      return;
    }
    const message = this._decode.decode(bytes, HEADER_BYTES, HEADER_BYTES + bodyLength);
    this._decode.release();
    if (message instanceof IpcError) sink.onProtocolError(message, false);
    else sink.onMessage(message.type, message.data);
  }
}
