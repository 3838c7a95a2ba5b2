/**
 * The receiving half of every protocol: a reader takes the chunks of one stream connection
 * (or the datagrams of one UDP peer) and hands complete messages to a sink. The transport
 * only moves bytes; how they become messages (a delimiter, raw chunks, a custom parser) is
 * the reader's business (STYLE 6.11).
 */
import { IpcError } from '../errors';

/** Where a reader hands what it finds: the connection (or UDP peer) it reads for. */
export interface MessageSink {
  /** One message; raw readers give `('data', bytes)`. */
  onMessage(type: string, data: unknown): void;
  /**
   * A frame the protocol refuses. `fatal`: the reader is dead and its connection must close
   * (a frame too large, any fault under node-ipc 14 semantics); otherwise the frame is
   * skipped and reading goes on (node-ipc 9/10 published bad JSON and went on).
   */
  onProtocolError(err: IpcError, fatal: boolean): void;
}

/** Reads one stream connection. */
export interface StreamReader {
  /** Feeds one chunk; the sink hears 0..n messages or errors, synchronously. */
  push(chunk: Buffer): void;
  /** Bytes of an incomplete frame held now (the `messageTimeout` guard watches it). */
  readonly pendingBytes: number;
  /** Forgets an incomplete frame (the connection is gone). */
  reset(): void;
}

/** Reads the datagrams of one UDP peer: each is a message boundary. */
export interface DatagramReader {
  /** One datagram; faults are never fatal (there is no connection to close). */
  read(bytes: Buffer): void;
}

/** What makes the readers of a connection or a UDP peer: a protocol. */
export interface ReaderFactory {
  /** A reader for one new stream connection, reading the config as it is now. */
  streamReader(sink: MessageSink): StreamReader;
  /** A reader for one new UDP peer. */
  datagramReader(sink: MessageSink): DatagramReader;
}

/** A received UDP frame over `maxMessageSize`: dropped and reported (no connection to close). */
export function datagramTooLarge(bytes: number, max: number): IpcError {
  return new IpcError('ERR_IPC_FRAME_TOO_LARGE', `Incoming frame of ${bytes} bytes exceeds maxMessageSize (${max} bytes); it was dropped`);
}
