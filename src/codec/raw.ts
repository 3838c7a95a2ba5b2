/**
 * Raw mode (`rawBuffer: true`): no JSON and no framing; what is emitted is written as bytes.
 */
import { invalidArgument, warnOnce } from '../errors';
import { datagramTooLarge, type DatagramReader, type MessageSink, type StreamReader } from './reader';

/**
 * The bytes of one raw-mode value: a string in `encoding`, a Buffer, typed array, ArrayBuffer
 * or array of byte values, as node-ipc's `Buffer.from(value, encoding)` made them.
 *
 * A Buffer, Uint8Array or ArrayBuffer comes back as (a view of) the CALLER'S memory, not a
 * copy: whoever keeps the bytes past the call copies them (a connection's write batch copies
 * into its slab; see {@link detachFrame} for the rest).
 * @throws TypeError for anything else (a number, an object, undefined): node-ipc threw too.
 */
export function toRawBytes(value: unknown, encoding: BufferEncoding): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, encoding);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value)) return Buffer.from(value as number[]);
  throw invalidArgument('data', 'a string, Buffer, Uint8Array, ArrayBuffer or array of byte values', value);
}

/**
 * Raw mode sends the first value of an emit only, as node-ipc 9 and 10 did (code written for
 * JSON mode passes `(type, data)`): the values after it are ignored, and a defined one is
 * reported once per process with NODEIPC_RAW_EXTRA_ARGS. The emit methods hand over the two
 * values after the first as named parameters: a rest parameter or `arguments` would allocate
 * on every call, raw or not (V8 builds them on entry), which a fresh process feels.
 */
export function ignoreRawExtras(second: unknown, third: unknown): void {
  if (second === undefined && third === undefined) return;
  warnOnce('NODEIPC_RAW_EXTRA_ARGS',
    'Raw mode (config.rawBuffer) sends the bytes of the first value of an emit only; the values after it were ignored, as node-ipc ignored them. Pass one Buffer (Buffer.concat) or emit once per value.');
}

/** Frames a protocol made in a Buffer of their own, that nothing else holds or changes. */
const ownedFrames = new WeakSet<Uint8Array>();

/** Frames this large are worth marking: a write batch copies smaller ones into its slab anyway. */
const OWNED_MIN_BYTES = 16 * 1024;

/**
 * Marks `frame` as the protocol's own (a fresh Buffer that no caller holds): whoever keeps it
 * past the emit may keep it as it is, without the copy {@link detachFrame} and a write batch
 * make of a caller's bytes. Large frames only; a small one is returned unmarked.
 */
export function ownFrame(frame: Buffer): Buffer {
  if (frame.length >= OWNED_MIN_BYTES) ownedFrames.add(frame);
  return frame;
}

/** True for a frame {@link ownFrame} marked: a Buffer that may be kept without a copy. */
export function isOwnedFrame(bytes: Uint8Array): bytes is Buffer {
  return ownedFrames.has(bytes);
}

/**
 * A frame that is kept past the emit that made it (offline, in the sync queue, on a socket
 * that is not ours): a string as it is, bytes copied, since they may be the caller's buffer
 * and the caller may change it once emit returns (a frame the protocol owns is kept as it is).
 */
export function detachFrame(frame: string | Uint8Array): string | Buffer {
  if (typeof frame === 'string') return frame;
  return isOwnedFrame(frame) ? frame : copyBytes(frame);
}

/** A copy of `bytes` in a Buffer of its own. */
export function copyBytes(bytes: Uint8Array): Buffer {
  // allocUnsafe + set: Buffer.from(view) takes the generic array-like path (valueOf, length checks).
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}

/** Raw mode's reader of a stream connection: every chunk is one `data` message, as it came. */
export class RawStreamReader implements StreamReader {
  private readonly _sink: MessageSink;

  constructor(sink: MessageSink) {
    this._sink = sink;
  }

  get pendingBytes(): number {
    return 0;
  }

  push(chunk: Buffer): void {
    this._sink.onMessage('data', chunk);
  }

  reset(): void {
    // Nothing is held.
  }
}

/** Raw mode's reader of a UDP peer: one datagram, one `data` message, up to `maxMessageSize`. */
export class RawDatagramReader implements DatagramReader {
  private readonly _maxMessageSize: number;
  private readonly _sink: MessageSink;

  constructor(maxMessageSize: number, sink: MessageSink) {
    this._maxMessageSize = maxMessageSize;
    this._sink = sink;
  }

  read(bytes: Buffer): void {
    if (bytes.length > this._maxMessageSize) this._sink.onProtocolError(datagramTooLarge(bytes.length, this._maxMessageSize), false);
    else this._sink.onMessage('data', bytes);
  }
}
