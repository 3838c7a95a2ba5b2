/**
 * JSON-envelope readers: frames found on a delimiter, each decoded as `{type, data}`
 * (node-ipc 9/10's decoder, or node-ipc 14's guarded one under a policy).
 *
 * A stream connection is read as TEXT: each chunk is decoded once (a `StringDecoder` keeps a
 * character split across chunks for the next one), frames are found with `String#indexOf`
 * on the new text only, and each frame is a slice handed to `JSON.parse`. Decoding per chunk
 * instead of per frame is most of what a receiver spends on small messages.
 *
 * What the byte decoder guaranteed still holds:
 * - a frame is handed on as soon as its delimiter arrives, whatever the chunking;
 * - text already scanned is never scanned again, and a frame spread over many chunks is
 *   joined once when it completes (a 32 MiB frame in 500 chunks costs one pass);
 * - `maxMessageSize` counts UTF-8 BYTES, exactly: an incomplete frame is refused as soon as
 *   its bytes pass the limit (nothing more is buffered), a complete one when it is larger;
 * - a delimiter of any length, even one split across chunks or made of multi-byte characters.
 */
import { StringDecoder } from 'node:string_decoder';
import { IpcError } from '../errors';
import type { EventPolicy } from './event-policy';
import { forEachFrame } from './frame-decoder';
import { ADVANCED_MARKER, advancedToJson } from './length-prefixed';
import { decodeMessage, type Message } from './message';
import { datagramTooLarge, type DatagramReader, type MessageSink, type StreamReader } from './reader';
import { decodeGuarded } from './parsers/envelope';

/** How the frames of one connection are read. */
export interface JsonReading {
  /** The delimiter. */
  readonly delimiter: string;
  /** Largest frame in UTF-8 bytes (delimiter excluded). */
  readonly maxMessageSize: number;
  /** guarded / assured: the event-name policy; null for the plain decoder. */
  readonly policy: EventPolicy | null;
  /** Whether a frame that does not decode closes the connection (node-ipc 14) or is skipped (9/10). */
  readonly decodeFaultsAreFatal: boolean;
}

/** One frame's message, or the protocol error it is. */
export function decodeFrame(frame: string | Buffer, policy: EventPolicy | null): Message | IpcError {
  return policy === null ? decodeMessage(frame) : decodeGuarded(frame, policy);
}

/** The reader of one stream connection: chunks in, messages out. */
export class JsonStreamReader implements StreamReader {
  private readonly _text = new StringDecoder('utf8');
  private readonly _delimiter: string;
  private readonly _delimiterBytes: number;
  private readonly _max: number;
  private readonly _policy: EventPolicy | null;
  private readonly _fatal: boolean;
  private readonly _sink: MessageSink;
  /** Pieces of the incomplete frame, joined once when its delimiter arrives. */
  private _pending: string[] = [];
  private _pendingChars = 0;
  private _pendingBytes = 0;
  /** The last chunk ended inside a character: the text decoder holds its first bytes. */
  private _held = false;
  private _failed = false;
  /** Nothing has arrived yet: the first byte tells a peer set to serialization 'advanced'. */
  private _fresh = true;

  constructor(reading: JsonReading, sink: MessageSink) {
    if (reading.delimiter.length === 0) throw new TypeError('The frame delimiter must not be empty');
    this._delimiter = reading.delimiter;
    this._delimiterBytes = Buffer.byteLength(reading.delimiter);
    this._max = reading.maxMessageSize;
    this._policy = reading.policy;
    this._fatal = reading.decodeFaultsAreFatal;
    this._sink = sink;
  }

  /** Bytes of an incomplete frame held now (a character the text decoder holds counts). */
  get pendingBytes(): number {
    return this._held ? this._pendingBytes + 1 : this._pendingBytes;
  }

  push(chunk: Buffer): void {
    if (this._failed || chunk.length === 0) return;
    if (this._fresh) {
      this._fresh = false;
      // Nothing that follows can be read: fatal whatever the profile.
      if (chunk[0] === ADVANCED_MARKER) {
        this._failed = true;
        this._sink.onProtocolError(advancedToJson('first byte of the connection'), true);
        return;
      }
    }
    const text = this._text.write(chunk);
    this._held = text.length === 0 || endsInsideCharacter(chunk);
    if (text.length === 0) return;
    let from = 0;
    if (this._pendingChars > 0) {
      from = this._completePending(text);
      if (from < 0 || this._failed) return;
    }
    this._split(text, from);
  }

  reset(): void {
    this._pending = [];
    this._pendingChars = 0;
    this._pendingBytes = 0;
    this._held = false;
    this._text.end();
  }

  /** Frames of `text` from `from` on; what follows the last delimiter becomes the pending frame. */
  private _split(text: string, from: number): void {
    const delimiter = this._delimiter;
    const d = delimiter.length;
    let end = text.indexOf(delimiter, from);
    while (end !== -1) {
      this._frame(text.slice(from, end));
      if (this._failed) return;
      from = end + d;
      end = text.indexOf(delimiter, from);
    }
    if (from === text.length) return;
    const rest = from === 0 ? text : text.slice(from);
    this._pending.push(rest);
    this._pendingChars = rest.length;
    this._pendingBytes = Buffer.byteLength(rest);
    this._checkPending();
  }

  /**
   * Looks for the end of the pending frame in `text`. Returns where the next frame starts in
   * `text`, or -1 when the text was absorbed (or the limit was passed).
   */
  private _completePending(text: string): number {
    const delimiter = this._delimiter;
    const d = delimiter.length;
    if (d > 1) {
      // The delimiter may straddle the boundary: only the last d-1 pending characters can start it.
      const tailLength = Math.min(d - 1, this._pendingChars);
      const joint = this._tail(tailLength) + text.slice(0, d - 1);
      const at = joint.indexOf(delimiter);
      if (at !== -1 && at < tailLength) {
        const frame = this._takePending('');
        this._frame(frame.slice(0, frame.length - tailLength + at));
        return at + d - tailLength;
      }
    }
    const end = text.indexOf(delimiter);
    if (end === -1) {
      this._pending.push(text);
      this._pendingChars += text.length;
      this._pendingBytes += Buffer.byteLength(text);
      this._checkPending();
      return -1;
    }
    this._frame(this._takePending(text.slice(0, end)));
    return end + d;
  }

  /** The pending frame joined with `head` (once), and the pending state cleared. */
  private _takePending(head: string): string {
    const parts = this._pending;
    if (head.length > 0) parts.push(head);
    this._pending = [];
    this._pendingChars = 0;
    this._pendingBytes = 0;
    return parts.length === 1 ? parts[0] as string : parts.join('');
  }

  /** The last `length` characters of the pending pieces (length < delimiter length). */
  private _tail(length: number): string {
    let tail = '';
    for (let i = this._pending.length - 1; i >= 0 && tail.length < length; i--) tail = (this._pending[i] as string) + tail;
    return tail.slice(tail.length - length);
  }

  /** An incomplete frame may hold the delimiter's first bytes but one beyond the limit. */
  private _checkPending(): void {
    if (this._pendingBytes > this._max + this._delimiterBytes - 1) this._fail(this._pendingBytes);
  }

  /** One complete frame: size-checked in bytes, decoded, handed on. */
  private _frame(frame: string): void {
    const max = this._max;
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: most frames are settled by their length alone.
    if (frame.length * 3 > max && (frame.length > max || Buffer.byteLength(frame) > max)) {
      this._fail(Buffer.byteLength(frame));
      return;
    }
    const policy = this._policy;
    if (policy === null) {
      // node-ipc 9/10's decoder, its common case inline (a call per frame costs a fresh
      // process while V8 warms up); anything else goes through decodeMessage for its error.
      let value: { type?: unknown; data?: unknown } | null = null;
      try {
        value = JSON.parse(frame) as { type?: unknown; data?: unknown } | null;
      } catch {
        // decodeMessage below says why.
      }
      if (typeof value === 'object' && value !== null && typeof value.type === 'string') {
        this._sink.onMessage(value.type, value.data);
        return;
      }
    }
    const message = policy === null ? decodeMessage(frame) : decodeGuarded(frame, policy);
    if (message instanceof IpcError) this._sink.onProtocolError(message, this._fatal);
    else this._sink.onMessage(message.type, message.data);
  }

  private _fail(bytes: number): void {
    this._failed = true;
    this.reset();
    this._sink.onProtocolError(new IpcError(
      'ERR_IPC_FRAME_TOO_LARGE',
      `Incoming frame of at least ${bytes} bytes exceeds maxMessageSize (${this._max} bytes)`,
    ), true);
  }
}

/** True when `chunk` ends inside a UTF-8 character (its last bytes start one it does not finish). */
export function endsInsideCharacter(chunk: Buffer): boolean {
  const length = chunk.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = chunk[length - back] as number;
    if (byte < 0x80) return false;
    if (byte >= 0xc0) return back < (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2);
  }
  return false;
}

/** The reader of one UDP peer: every frame of a datagram, the bytes after the last delimiter too. */
export class JsonDatagramReader implements DatagramReader {
  private readonly _reading: JsonReading;
  private readonly _delimiter: Buffer;
  private readonly _sink: MessageSink;

  constructor(reading: JsonReading, sink: MessageSink) {
    this._reading = reading;
    this._delimiter = Buffer.from(reading.delimiter, 'utf8');
    this._sink = sink;
  }

  read(bytes: Buffer): void {
    const { maxMessageSize, policy } = this._reading;
    const sink = this._sink;
    if (bytes[0] === ADVANCED_MARKER) {
      sink.onProtocolError(advancedToJson('first byte of the datagram'), false);
      return;
    }
    // No connection to close on UDP: a frame past the limit is dropped and reported.
    forEachFrame(bytes, this._delimiter, (frame) => {
      if (frame.length > maxMessageSize) {
        sink.onProtocolError(datagramTooLarge(frame.length, maxMessageSize), false);
        return;
      }
      const message = decodeFrame(frame, policy);
      if (message instanceof IpcError) sink.onProtocolError(message, false);
      else sink.onMessage(message.type, message.data);
    });
  }
}
