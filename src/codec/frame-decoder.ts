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
  readonly #delimiter: Buffer;
  /** The delimiter as a byte value when it is one byte long (`\f`): `indexOf(number)` is twice as fast as `indexOf(Buffer)`. */
  readonly #needle: Buffer | number;
  readonly #maxFrameBytes: number;
  readonly #sink: FrameSink;
  /** Chunks of the incomplete frame; the delimiter is in none of them. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #failed = false;

  constructor(delimiter: Buffer, maxFrameBytes: number, sink: FrameSink) {
    if (delimiter.length === 0) throw new TypeError('The frame delimiter must not be empty');
    this.#delimiter = delimiter;
    this.#needle = delimiter.length === 1 ? (delimiter[0] as number) : delimiter;
    this.#maxFrameBytes = maxFrameBytes;
    this.#sink = sink;
  }

  /** Bytes of an incomplete frame held right now. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Feeds one chunk; calls `sink.onFrame` 0..n times, synchronously. */
  push(chunk: Buffer): void {
    if (this.#failed || chunk.length === 0) return;
    let start = 0;
    if (this.#pendingBytes > 0) {
      start = this.#completePending(chunk);
      // Completing the pending frame may have passed the limit: the decoder is dead then.
      if (start < 0 || this.#failed) return;
    }
    this.#splitChunk(chunk, start);
  }

  /** Drops an incomplete frame (the connection it came from is gone). */
  reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /**
   * Looks for the end of the pending frame in `chunk`. Returns the offset in `chunk` where the
   * next frame starts, or -1 when the chunk was absorbed (or the limit was passed).
   */
  #completePending(chunk: Buffer): number {
    const delimiter = this.#delimiter;
    const d = delimiter.length;
    if (d > 1) {
      // The delimiter may straddle the boundary: only the last d-1 pending bytes can start it.
      const tailLength = Math.min(d - 1, this.#pendingBytes);
      const joint = Buffer.concat([this.#tail(tailLength), chunk.subarray(0, d - 1)]);
      const at = joint.indexOf(delimiter);
      if (at !== -1 && at < tailLength) {
        const frameBytes = this.#pendingBytes - tailLength + at;
        this.#emitPending(frameBytes, null);
        return at + d - tailLength;
      }
    }
    const end = chunk.indexOf(this.#needle);
    if (end === -1) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      // A frame of exactly maxFrameBytes may still have d-1 delimiter bytes pending.
      if (this.#pendingBytes > this.#maxFrameBytes + d - 1) this.#fail(this.#pendingBytes);
      return -1;
    }
    this.#emitPending(this.#pendingBytes + end, chunk.subarray(0, end));
    return end + d;
  }

  #splitChunk(chunk: Buffer, start: number): void {
    const needle = this.#needle;
    const d = this.#delimiter.length;
    const max = this.#maxFrameBytes;
    let from = start;
    let end = chunk.indexOf(needle, from);
    while (end !== -1) {
      if (end - from > max) return this.#fail(end - from);
      this.#sink.onFrame(chunk.subarray(from, end));
      if (this.#failed) return;
      from = end + d;
      end = chunk.indexOf(needle, from);
    }
    if (from < chunk.length) {
      this.#pending.push(from === 0 ? chunk : chunk.subarray(from));
      this.#pendingBytes = chunk.length - from;
      if (this.#pendingBytes > max + d - 1) this.#fail(this.#pendingBytes);
    }
  }

  /** Emits the first `frameBytes` bytes of pending + `head`, then forgets the pending frame. */
  #emitPending(frameBytes: number, head: Buffer | null): void {
    const parts = this.#pending;
    if (head !== null && head.length > 0) parts.push(head);
    this.#pending = [];
    this.#pendingBytes = 0;
    if (frameBytes > this.#maxFrameBytes) return this.#fail(frameBytes);
    const frame = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    // After a straddling delimiter the joined bytes end with its first part: cut it off.
    this.#sink.onFrame(frame.length === frameBytes ? frame : frame.subarray(0, frameBytes));
  }

  /** The last `length` bytes of the pending chunks (length < delimiter length). */
  #tail(length: number): Buffer {
    const parts: Buffer[] = [];
    let collected = 0;
    for (let i = this.#pending.length - 1; i >= 0 && collected < length; i--) {
      const part = this.#pending[i] as Buffer;
      parts.unshift(part);
      collected += part.length;
    }
    const joined = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    return joined.subarray(joined.length - length);
  }

  #fail(bytes: number): void {
    this.#failed = true;
    this.reset();
    this.#sink.onFrameError(new IpcError(
      'ERR_IPC_FRAME_TOO_LARGE',
      `Incoming frame of at least ${bytes} bytes exceeds maxMessageSize (${this.#maxFrameBytes} bytes)`,
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
