/**
 * One stream socket (Unix socket, named pipe, TCP or TLS) wired to its protocol's reader and
 * a batching writer. The only place where a socket meets the codec (ws `setSocket`); it moves
 * bytes: chunks go to the reader, which hands messages back, and text or bytes come down.
 *
 * Writes: everything written in one tick goes out as ONE `socket.write` on `process.nextTick`
 * (one syscall for many frames; a lone message waits no longer than the current tick).
 * `write()` returns false the Node way once this peer's unsent bytes pass the socket's
 * high-water mark, and the owner hears `drain` when they fall below it again.
 *
 * Nothing accepted by `write()` is thrown away by a close the owner asks for: `end()` hands
 * the batch to the socket first, then half-closes (FIN) and waits for the peer to close its
 * side, at most `closeTimeout`; a `process.exit()` flushes what waits (flush-queue.ts).
 * Socket listeners are module-level functions that find their connection through a symbol
 * slot: no closures per connection, and every listener is removable by reference.
 */
import type { Socket } from 'node:net';
import type { MessageSink, ReaderFactory, StreamReader } from '../codec/reader';
import type { TextFrames } from '../codec/text-frames';
import { IpcError } from '../errors';
import { scheduleFlush } from './flush-queue';
import { FrameDeadline, type DeadlineOwner } from './frame-deadline';
import { WriteBatch } from './write-batch';

/** The slot on a socket that holds its {@link StreamConnection}. */
export const kConnection = Symbol('node-ipc-ts.connection');

/** What a connection reports to the client or server that owns it. */
export interface ConnectionOwner {
  /** The socket is connected (for TLS: the handshake succeeded). Clients only. */
  onConnectionOpen(conn: StreamConnection): void;
  /** One message the reader found (raw mode: `('data', bytes)`). */
  onConnectionMessage(conn: StreamConnection, type: string, data: unknown): void;
  /** A chunk was read and `frames` frames were delivered from it. */
  onConnectionReadEnd(conn: StreamConnection, frames: number): void;
  /** Unsent bytes fell below the high-water mark after a `write()` returned false. */
  onConnectionDrain(conn: StreamConnection): void;
  /** A fault: a system error, or one of ours with a code. At most one fatal one per connection from us. */
  onConnectionError(conn: StreamConnection, err: Error): void;
  /** The socket is closed; nothing more comes from this connection. */
  onConnectionClose(conn: StreamConnection): void;
}

/** Per-connection limits and framing, read from the config when the connection is made. */
export interface ConnectionOptions {
  /** The protocol that makes this connection's reader. */
  readers: ReaderFactory;
  /** Most unsent bytes before the connection is closed; Infinity for no limit. */
  maxPendingBytes: number;
  /** Milliseconds an incomplete frame may wait; 0 for no limit. */
  messageTimeout: number;
  /** Milliseconds a graceful `end()` waits for unsent bytes and the peer's close before destroying. */
  closeTimeout: number;
  /** The event that means "ready": 'connect' for net, 'secureConnect' for TLS, null for accepted sockets. */
  readyEvent: 'connect' | 'secureConnect' | null;
  /** How frames written as strings become bytes (the protocol's `textFrames`). */
  textFrames: TextFrames;
}

type SlottedSocket = Socket & { [kConnection]?: StreamConnection };

/** Where a connection is in its life: writable, closing gracefully, or gone. */
const Phase = { open: 0, ending: 1, closed: 2 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

export class StreamConnection implements MessageSink, DeadlineOwner {
  readonly socket: Socket;
  readonly owner: ConnectionOwner;
  private readonly _reader: StreamReader;
  private readonly _maxPendingBytes: number;
  private readonly _highWaterMark: number;
  /** The slowloris guard (messageTimeout). */
  private readonly _deadline: FrameDeadline;
  private readonly _closeTimeout: number;
  /** What this tick wrote, sent as one socket write on process.nextTick. */
  private readonly _batch: WriteBatch;
  /** The socket's unsent bytes when the batch began (read once per batch, see write()). */
  private _socketQueued = 0;
  private _flushScheduled = false;
  private _needDrain = false;
  private _framesInChunk = 0;
  /** Bounds a graceful end(): the socket is destroyed when it fires. */
  private _closeTimer: NodeJS.Timeout | null = null;
  private _faulted = false;
  /** The fault that closed this connection was a frame the peer sent (node-ipc 14 does not reconnect then). */
  failedOnProtocol = false;
  /** One field for the write path's check: anything but open refuses writes. */
  private _phase: Phase = Phase.open;
  /** The socket emitted 'close'. */
  private _closed = false;

  constructor(socket: Socket, owner: ConnectionOwner, options: ConnectionOptions) {
    this.socket = socket;
    this.owner = owner;
    this._reader = options.readers.streamReader(this);
    this._maxPendingBytes = options.maxPendingBytes;
    this._highWaterMark = socket.writableHighWaterMark;
    this._deadline = new FrameDeadline(options.messageTimeout, this);
    this._closeTimeout = options.closeTimeout;
    this._batch = new WriteBatch(options.textFrames);
    (socket as SlottedSocket)[kConnection] = this;
    socket.on('data', socketOnData);
    socket.on('error', socketOnError);
    socket.on('close', socketOnClose);
    socket.on('drain', socketOnDrain);
    if (options.readyEvent !== null) socket.once(options.readyEvent, socketOnReady);
  }

  /** The connection of a socket this module wired, if any. */
  static of(socket: unknown): StreamConnection | undefined {
    return (socket as SlottedSocket | null)?.[kConnection];
  }

  /** True once the socket closed or was destroyed. */
  get closed(): boolean {
    return this._closed || this.socket.destroyed;
  }

  /**
   * Queues text (UTF-8) or a copy of bytes for the end of this tick. Returns false once
   * unsent bytes pass the high-water mark; `onConnectionDrain` follows when they are written.
   */
  write(chunk: string | Uint8Array): boolean {
    // Only our own state here: a socket destroyed behind our back is caught at flush.
    if (this._phase !== Phase.open) return false;
    const batch = this._batch;
    // The socket's queue (a getter chain) is read once per batch: it cannot change before our
    // flush, since its writes complete in I/O callbacks and the flush runs on this tick.
    if (batch.size === 0) this._socketQueued = this.socket.writableLength;
    const queued = this._socketQueued + batch.size + chunk.length;
    // Checked here, not only at flush: a synchronous loop that ignores our return value would
    // otherwise build an unbounded batch within one tick.
    if (queued > this._maxPendingBytes) {
      this._pendingLimitPassed(queued);
      return false;
    }
    if (typeof chunk === 'string') batch.addText(chunk);
    else batch.addBytes(chunk);
    if (!this._flushScheduled) {
      this._flushScheduled = true;
      scheduleFlush(this);
    }
    if (queued < this._highWaterMark) return true;
    this._needDrain = true;
    return false;
  }

  /** Hands this tick's batch to the socket. */
  flush(): void {
    this._flushScheduled = false;
    if (this.closed) return;
    const payload = this._batch.take(this._socketQueued > 0);
    if (payload === null) return;
    const socket = this.socket;
    let written = true;
    if (Array.isArray(payload)) {
      // Several parts (large raw messages each have their own copy): one writev, no join.
      socket.cork();
      for (let i = 0; i < payload.length; i++) written = socket.write(payload[i] as Buffer);
      socket.uncork();
    } else {
      written = typeof payload === 'string' ? socket.write(payload, this._batch.textEncoding) : socket.write(payload);
    }
    if (this.socket.writableLength > this._maxPendingBytes) {
      this.fail(pendingLimitError(this.socket.writableLength, this._maxPendingBytes));
      return;
    }
    // A false from write() means the socket emits 'drain' later; a true one means it will not,
    // so we say it ourselves, after I/O like onDrain does.
    if (written && this._needDrain) {
      this._needDrain = false;
      setImmediate(drainAfterIo, this);
    }
  }

  /**
   * Closes gracefully: this tick's batch goes to the socket now, then the socket half-closes
   * (FIN after the last byte). It closes when the peer has read everything and closed its
   * side, or after `closeTimeout` ms: then it is destroyed, with `ERR_IPC_CLOSE_TIMEOUT` when
   * bytes were still unsent (a peer that stopped reading cannot keep the process alive).
   * Frames still arrive until then; `write()` refuses new ones. Idempotent.
   */
  end(): void {
    if (this._phase !== Phase.open) return;
    this.flush();
    if (this._phase !== Phase.open || this.socket.destroyed) return; // the flush failed (pending limit)
    this._phase = Phase.ending;
    this.socket.end();
    this._closeTimer = setTimeout(closeTimerFired, this._closeTimeout, this);
    this._closeTimer.unref();
  }

  /** Closes now; unsent bytes are dropped. */
  destroy(): void {
    this._phase = Phase.closed;
    this._deadline.clear();
    this._clearCloseTimer();
    this.socket.destroy();
  }

  /** Reports a fault of ours (once per connection) and closes the connection. */
  fail(err: IpcError): void {
    if (this._faulted) return;
    this._faulted = true;
    this.owner.onConnectionError(this, err);
    this.destroy();
  }

  /**
   * The pending limit passed inside `write()`: the batch is dropped and the socket destroyed
   * now (nothing more is buffered), the error is reported on the next tick so that `emit()`
   * never calls an error handler synchronously. It still comes before the socket's `close`.
   */
  private _pendingLimitPassed(bytes: number): void {
    if (this._faulted) return;
    this._faulted = true;
    this._batch.clear();
    process.nextTick(reportFault, this, pendingLimitError(bytes, this._maxPendingBytes));
    this.destroy();
  }

  /** @internal MessageSink */
  onMessage(type: string, data: unknown): void {
    this._framesInChunk++;
    this.owner.onConnectionMessage(this, type, data);
  }

  /** @internal MessageSink */
  onProtocolError(err: IpcError, fatal: boolean): void {
    if (fatal) {
      this.failedOnProtocol = true;
      this.fail(err);
      return;
    }
    this._framesInChunk++;
    this.owner.onConnectionError(this, err);
  }

  /** @internal socket 'data' */
  read(chunk: Buffer): void {
    if (this._faulted) return;
    this._framesInChunk = 0;
    this._reader.push(chunk);
    const frames = this._framesInChunk;
    if (!this._faulted) this._deadline.watch(this._reader.pendingBytes > 0, frames > 0);
    if (frames > 0 && !this._faulted) this.owner.onConnectionReadEnd(this, frames);
  }

  /** @internal socket 'close' */
  onClose(): void {
    if (this._closed) return;
    this._closed = true;
    this._phase = Phase.closed;
    this._deadline.clear();
    this._clearCloseTimer();
    this._reader.reset();
    this._batch.clear();
    this.owner.onConnectionClose(this);
  }

  /** @internal socket 'error' */
  onSocketError(err: Error): void {
    // Closing gracefully with every byte handed to the kernel: a peer that resets instead of
    // answering our FIN (old node-ipc over TLS does) cost nothing, so it is not a fault.
    if (this._phase === Phase.ending && this._everythingHandedOver()) return;
    this.owner.onConnectionError(this, err);
  }

  /** @internal socket 'drain' */
  onDrain(): void {
    if (!this._needDrain || this._batch.size > 0) return;
    this._needDrain = false;
    // Node 18 emits a socket's 'drain' from process.nextTick when the kernel took the write at
    // once: passed on directly, a sender that writes again on 'drain' would never leave the
    // tick queue. After I/O, timers and reads get their turn.
    setImmediate(drainAfterIo, this);
  }

  /**
   * Every byte written is with the kernel (which still delivers it): Node buffers nothing more.
   * Not `writableFinished`, which also waits for the shutdown to complete (on Node 18.0 a TLS
   * peer's reset can come first).
   */
  private _everythingHandedOver(): boolean {
    return this.socket.writableLength === 0;
  }

  private _clearCloseTimer(): void {
    if (this._closeTimer === null) return;
    clearTimeout(this._closeTimer);
    this._closeTimer = null;
  }

  /** @internal The graceful close took longer than closeTimeout. */
  timeoutClose(): void {
    this._closeTimer = null;
    if (this.closed) return;
    const socket = this.socket;
    // Everything went to the kernel (which still delivers it): only the peer's FIN is missing.
    if (this._everythingHandedOver()) {
      this.destroy();
      return;
    }
    this.fail(new IpcError('ERR_IPC_CLOSE_TIMEOUT',
      `${socket.writableLength} bytes were still unsent after closeTimeout (${this._closeTimeout} ms); the connection was destroyed`));
  }

  /** @internal */
  timeoutIncompleteFrame(): void {
    this.fail(new IpcError('ERR_IPC_MESSAGE_TIMEOUT',
      `An incomplete frame waited longer than messageTimeout (${this._deadline.ms} ms) for its delimiter`));
  }
}

function pendingLimitError(bytes: number, max: number): IpcError {
  return new IpcError('ERR_IPC_BACKPRESSURE', `${bytes} bytes are waiting for this peer, more than maxPendingBytes (${max})`);
}

function reportFault(conn: StreamConnection, err: IpcError): void {
  conn.owner.onConnectionError(conn, err);
}

function closeTimerFired(conn: StreamConnection): void {
  conn.timeoutClose();
}

function drainAfterIo(conn: StreamConnection): void {
  if (!conn.closed) conn.owner.onConnectionDrain(conn);
}

function socketOnData(this: SlottedSocket, chunk: Buffer): void {
  this[kConnection]?.read(chunk);
}

function socketOnError(this: SlottedSocket, err: Error): void {
  this[kConnection]?.onSocketError(err);
}

function socketOnClose(this: SlottedSocket): void {
  this[kConnection]?.onClose();
}

function socketOnDrain(this: SlottedSocket): void {
  this[kConnection]?.onDrain();
}

function socketOnReady(this: SlottedSocket): void {
  const conn = this[kConnection];
  if (conn !== undefined && !conn.closed) conn.owner.onConnectionOpen(conn);
}
