/**
 * Bytes in, frames out: splits a byte stream on a delimiter of any length.
 * No sockets, no JSON (the ws Receiver split).
 *
 * - A frame is handed to the sink as soon as its delimiter arrives, whatever the chunking.
 * - A frame that sits inside one chunk is a zero-copy `subarray` of it; a frame spread over
 *   chunks is copied once, when it completes.
 * - Bytes already scanned are never scanned again: a 32 MiB frame in 500 chunks costs one
 *   pass, not 500 (node-ipc re-flattened and re-scanned a growing string per chunk).
 * - Nothing is buffered past `maxFrameBytes`: the sink gets ERR_IPC_FRAME_TOO_LARGE and the
 *   decoder stops.
 */
import { IpcError } from '../errors';

/** Receives what a {@link FrameDecoder} finds. */
export interface FrameSink {
  /** One frame, delimiter stripped. Valid only during the call when it is a view of a chunk. */
  onFrame(frame: Buffer): void;
  /** The decoder is dead afterwards; the owner tears the connection down. */
  onFrameError(err: IpcError): void;
}

export class FrameDecoder {
  private readonly _delimiter: Buffer;
  /** The delimiter as a byte value when it is one byte long (`\f`): `indexOf(number)` is twice as fast as `indexOf(Buffer)`. */
  private readonly _needle: Buffer | number;
  private readonly _maxFrameBytes: number;
  private readonly _sink: FrameSink;
  /** Chunks of the incomplete frame; the delimiter is in none of them. */
  private _pending: Buffer[] = [];
  private _pendingBytes = 0;
  private _failed = false;

  constructor(delimiter: Buffer, maxFrameBytes: number, sink: FrameSink) {
    if (delimiter.length === 0) throw new TypeError('The frame delimiter must not be empty');
    this._delimiter = delimiter;
    this._needle = delimiter.length === 1 ? (delimiter[0] as number) : delimiter;
    this._maxFrameBytes = maxFrameBytes;
    this._sink = sink;
  }

  /** Bytes of an incomplete frame held right now. */
  get pendingBytes(): number {
    return this._pendingBytes;
  }

  /** Feeds one chunk; calls `sink.onFrame` 0..n times, synchronously. */
  push(chunk: Buffer): void {
    if (this._failed || chunk.length === 0) return;
    let start = 0;
    if (this._pendingBytes > 0) {
      start = this._completePending(chunk);
      // Completing the pending frame may have passed the limit: the decoder is dead then.
      if (start < 0 || this._failed) return;
    }
    this._splitChunk(chunk, start);
  }

  /** Drops an incomplete frame (the connection it came from is gone). */
  reset(): void {
    this._pending = [];
    this._pendingBytes = 0;
  }

  /**
   * Looks for the end of the pending frame in `chunk`. Returns the offset in `chunk` where the
   * next frame starts, or -1 when the chunk was absorbed (or the limit was passed).
   */
  private _completePending(chunk: Buffer): number {
    const delimiter = this._delimiter;
    const d = delimiter.length;
    if (d > 1) {
      // The delimiter may straddle the boundary: only the last d-1 pending bytes can start it.
      const tailLength = Math.min(d - 1, this._pendingBytes);
      const joint = Buffer.concat([this._tail(tailLength), chunk.subarray(0, d - 1)]);
      const at = joint.indexOf(delimiter);
      if (at !== -1 && at < tailLength) {
        const frameBytes = this._pendingBytes - tailLength + at;
        this._emitPending(frameBytes, null);
        return at + d - tailLength;
      }
    }
    const end = chunk.indexOf(this._needle);
    if (end === -1) {
      this._pending.push(chunk);
      this._pendingBytes += chunk.length;
      // A frame of exactly maxFrameBytes may still have d-1 delimiter bytes pending.
      if (this._pendingBytes > this._maxFrameBytes + d - 1) this._fail(this._pendingBytes);
      return -1;
    }
    this._emitPending(this._pendingBytes + end, chunk.subarray(0, end));
    return end + d;
  }

  private _splitChunk(chunk: Buffer, start: number): void {
    const needle = this._needle;
    const d = this._delimiter.length;
    const max = this._maxFrameBytes;
    let from = start;
    let end = chunk.indexOf(needle, from);
    while (end !== -1) {
      if (end - from > max) return this._fail(end - from);
      this._sink.onFrame(chunk.subarray(from, end));
      if (this._failed) return;
      from = end + d;
      end = chunk.indexOf(needle, from);
    }
    if (from < chunk.length) {
      this._pending.push(from === 0 ? chunk : chunk.subarray(from));
      this._pendingBytes = chunk.length - from;
      if (this._pendingBytes > max + d - 1) this._fail(this._pendingBytes);
    }
  }

  /** Emits the first `frameBytes` bytes of pending + `head`, then forgets the pending frame. */
  private _emitPending(frameBytes: number, head: Buffer | null): void {
    const parts = this._pending;
    if (head !== null && head.length > 0) parts.push(head);
    this._pending = [];
    this._pendingBytes = 0;
    if (frameBytes > this._maxFrameBytes) return this._fail(frameBytes);
    const frame = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    // After a straddling delimiter the joined bytes end with its first part: cut it off.
    this._sink.onFrame(frame.length === frameBytes ? frame : frame.subarray(0, frameBytes));
  }

  /** The last `length` bytes of the pending chunks (length < delimiter length). */
  private _tail(length: number): Buffer {
    const parts: Buffer[] = [];
    let collected = 0;
    for (let i = this._pending.length - 1; i >= 0 && collected < length; i--) {
      const part = this._pending[i] as Buffer;
      parts.unshift(part);
      collected += part.length;
    }
    const joined = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    return joined.subarray(joined.length - length);
  }

  private _fail(bytes: number): void {
    this._failed = true;
    this.reset();
    this._sink.onFrameError(new IpcError(
      'ERR_IPC_FRAME_TOO_LARGE',
      `Incoming frame of at least ${bytes} bytes exceeds maxMessageSize (${this._maxFrameBytes} bytes)`,
    ));
  }
}

/**
 * Splits one self-contained buffer (a UDP datagram) into frames. A datagram is a message
 * boundary, so bytes after the last delimiter are a frame too.
 */
export function forEachFrame(bytes: Buffer, delimiter: Buffer, visit: (frame: Buffer) => void): void {
  let from = 0;
  let end = bytes.indexOf(delimiter, from);
  while (end !== -1) {
    visit(bytes.subarray(from, end));
    from = end + delimiter.length;
    end = bytes.indexOf(delimiter, from);
  }
  if (from < bytes.length) visit(bytes.subarray(from));
}
