/**
 * JSON-envelope readers: frames found on a delimiter ({@link FrameDecoder}), each decoded as
 * `{type, data}` (node-ipc 9/10's decoder, or node-ipc 14's guarded one under a policy).
 */
import { IpcError } from '../errors';
import type { EventPolicy } from './event-policy';
import { FrameDecoder, forEachFrame, type FrameSink } from './frame-decoder';
import { decodeMessage, type Message } from './message';
import { datagramTooLarge, type DatagramReader, type MessageSink, type StreamReader } from './reader';
import { decodeGuarded } from './parsers/envelope';

/** How the frames of one connection are read. */
export interface JsonReading {
  /** The delimiter's bytes. */
  readonly delimiter: Buffer;
  /** Largest frame in bytes (delimiter excluded). */
  readonly maxMessageSize: number;
  /** guarded / assured: the event-name policy; null for the plain decoder. */
  readonly policy: EventPolicy | null;
  /** Whether a frame that does not decode closes the connection (node-ipc 14) or is skipped (9/10). */
  readonly decodeFaultsAreFatal: boolean;
}

/** One frame's message, or the protocol error it is. */
export function decodeFrame(frame: Buffer, policy: EventPolicy | null): Message | IpcError {
  return policy === null ? decodeMessage(frame) : decodeGuarded(frame, policy);
}

/** The reader of one stream connection: chunks in, messages out. */
export class JsonStreamReader implements StreamReader, FrameSink {
  private readonly _decoder: FrameDecoder;
  private readonly _policy: EventPolicy | null;
  private readonly _fatal: boolean;
  private readonly _sink: MessageSink;

  constructor(reading: JsonReading, sink: MessageSink) {
    this._decoder = new FrameDecoder(reading.delimiter, reading.maxMessageSize, this);
    this._policy = reading.policy;
    this._fatal = reading.decodeFaultsAreFatal;
    this._sink = sink;
  }

  get pendingBytes(): number {
    return this._decoder.pendingBytes;
  }

  push(chunk: Buffer): void {
    this._decoder.push(chunk);
  }

  reset(): void {
    this._decoder.reset();
  }

  /** @internal FrameSink */
  onFrame(frame: Buffer): void {
    const message = decodeFrame(frame, this._policy);
    if (message instanceof IpcError) this._sink.onProtocolError(message, this._fatal);
    else this._sink.onMessage(message.type, message.data);
  }

  /** @internal FrameSink: a frame too large; the decoder is dead. */
  onFrameError(err: IpcError): void {
    this._sink.onProtocolError(err, true);
  }
}

/** The reader of one UDP peer: every frame of a datagram, the bytes after the last delimiter too. */
export class JsonDatagramReader implements DatagramReader {
  private readonly _reading: JsonReading;
  private readonly _sink: MessageSink;

  constructor(reading: JsonReading, sink: MessageSink) {
    this._reading = reading;
    this._sink = sink;
  }

  read(bytes: Buffer): void {
    const { delimiter, maxMessageSize, policy } = this._reading;
    const sink = this._sink;
    // No connection to close on UDP: a frame past the limit is dropped and reported.
    forEachFrame(bytes, delimiter, (frame) => {
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
