/**
 * The connection of a client (`ipc.of[id]`): dialling a Unix socket / named pipe, TCP or TLS,
 * reconnecting after drops, and the frames emitted while no connection is open. `Client`
 * (client.ts) adds the messaging API on top: `emit` and the promise API.
 *
 * Reconnects (BEHAVIOUR.md "Client"): after a drop the client waits `config.retry` ms and
 * dials again while attempts remain ({@link RetrySchedule}). When retrying ends the client
 * publishes `disconnect` then `destroy`.
 *
 * Messages emitted while no connection is open (dialling, between retries) are kept
 * ({@link OfflineBuffer}) and sent, in order, when the next connection opens; node-ipc wrote
 * them into a dead socket.
 */
import type { Socket } from 'node:net';
import type { IpcConfig, TlsConfig } from './config';
import { Endpoint } from './endpoint';
import { IpcError } from './errors';
import type { LogFunction } from './log';
import { OfflineBuffer } from './offline-buffer';
import { SendQueue } from './queue';
import { countDown, RetrySchedule } from './retry';
import { dial, type ClientTarget, type Dialled } from './transport/dial';
import { StreamConnection, type ConnectionOwner } from './transport/stream-connection';
import { resolveTlsOptions, type ResolvedTlsOptions } from './transport/tls';

export type { ClientTarget };

export class ClientCore<L extends object> extends Endpoint<L> implements ConnectionOwner {
  /** The id this client was registered under in `ipc.of`. */
  id: string;
  /** Unix socket path, or the host for TCP/TLS (node-ipc kept the host here). */
  path: string;
  /** TCP/TLS port; `undefined` for a Unix socket (node-ipc 9 and 10 never set it there). */
  port: number | undefined;
  /** The current socket, or `false` before the first connect. */
  socket: Socket | false = false;
  /**
   * node-ipc's retry counter, kept as node-ipc 9 and 10 kept it (README "retriesRemaining"):
   * `config.maxRetries || 0` at first, one less before each reconnect attempt, and
   * `config.maxRetries` itself (`false`, `Infinity`, a number) once a connect succeeded.
   * `stopRetrying` leaves it alone. Whether to retry is decided by a {@link RetrySchedule},
   * not by this field.
   */
  retriesRemaining: number | boolean;
  /** True after `ipc.disconnect(id)`: no more reconnects. */
  explicitlyDisconnected = false;
  /** Messages waiting for their turn in `sync` mode. */
  readonly queue = new SendQueue();

  private _connection: StreamConnection | null = null;
  /** True once _connection is connected (TLS: handshake done); frames wait offline before. */
  private _open = false;
  private readonly _retry: RetrySchedule;
  /** Frames emitted while no connection was open, sent when the next one opens. */
  private readonly _offline = new OfflineBuffer();
  protected _destroyed = false;
  private _tlsOptions: ResolvedTlsOptions | undefined;

  constructor(config: IpcConfig, log: LogFunction, id: string, target: ClientTarget) {
    super(config, log);
    this.id = id;
    if (target.port === undefined) {
      this.path = target.path;
    } else {
      this.path = target.host;
      this.port = target.port;
    }
    this.retriesRemaining = config.maxRetries || 0;
    this._retry = new RetrySchedule(config);
    // node-ipc 14 keys: the profile's checks throw before any socket exists.
    if (this.profile !== null) this._tlsOptions = this.profile.checkClient(this.port, config.tls);
  }

  /** True once the client gave up for good (`destroy` was published). */
  get destroyed(): boolean {
    return this._destroyed;
  }

  /** True while a socket is open and ready. */
  get connected(): boolean {
    // `_open`, not `!socket.connecting`: a TLS socket is past connecting before its handshake.
    return !this.explicitlyDisconnected && this._open && this._connection !== null && !this._connection.closed;
  }

  /** Opens the connection. Called by `ipc.connectTo` / `ipc.connectToNet`. */
  connect(): void {
    if (this._destroyed || this.explicitlyDisconnected) return;
    if (this._connection !== null && !this._connection.closed) return; // already connecting or connected
    this._retry.cancel();
    const config = this.config;
    let dialled: Dialled;
    try {
      // Key files are read once per client, not once per reconnect attempt.
      dialled = dial(this.path, this.port, config, () => (this._tlsOptions ??= resolveTlsOptions(config.tls as TlsConfig)));
    } catch (err) {
      // A config fault (unreadable TLS file): report it and stop, retrying cannot help.
      process.nextTick(() => {
        this.publish('error', err);
        this._giveUp();
      });
      return;
    }
    if (!config.silent) this.log('requested connection to', this.id, this.path, this.port ?? '');
    this.socket = dialled.socket;
    const limits = this.protocol.streamLimits();
    this._connection = new StreamConnection(dialled.socket, this, {
      readers: this.protocol,
      maxPendingBytes: limits.maxPendingBytes,
      messageTimeout: limits.messageTimeout,
      closeTimeout: config.closeTimeout,
      readyEvent: dialled.readyEvent,
      textFrames: this.protocol.textFrames,
    });
    this._open = false;
  }

  /** @internal Writes one frame now (or keeps a copy until a socket exists). */
  send(frame: string | Uint8Array): boolean {
    const connection = this._connection;
    if (connection !== null && this._open && !connection.closed) return connection.write(frame);
    const offline = this._offline;
    if (offline.keep(frame, this.config.maxPendingBytes)) return !offline.full;
    // Bounded like a connection's pending bytes: dropped, reported once per offline spell.
    if (offline.firstOverflow()) {
      const err = new IpcError('ERR_IPC_BACKPRESSURE',
        `${offline.bytes + frame.length} bytes would wait for a connection, more than maxPendingBytes (${this.config.maxPendingBytes}); the message was dropped`);
      process.nextTick(() => this.publish('error', err));
    }
    return false;
  }

  /**
   * @internal Called by `ipc.disconnect(id)`: no more retries; the socket closes gracefully.
   * Connected: everything emitted before (this tick's batch, and in `sync` mode the messages
   * still waiting for their turn) is written, then the socket half-closes and closes once the
   * server has read it all (bounded by `config.closeTimeout`). Not connected (dialling, or
   * waiting to retry): no socket ever took the offline messages; they are reported once
   * with `ERR_IPC_UNSENT`. Either way `disconnect` and `destroy` follow.
   */
  disconnectNow(): void {
    this.explicitlyDisconnected = true;
    const hadRetryPending = this._retry.pending;
    this._retry.cancel();
    const connection = this._connection;
    if (connection !== null && !connection.closed) {
      if (this._open) {
        for (const frame of this.queue.takeWaiting()) connection.write(frame);
        // Its close publishes `disconnect` and `destroy`.
        connection.end();
      } else {
        connection.destroy();
      }
    } else if (hadRetryPending || connection === null) {
      process.nextTick(() => this._finish(false));
    }
  }

  /** @internal StreamConnection hook: the socket is open (TLS: handshake done); publishes `connect`. */
  onConnectionOpen(conn: StreamConnection): void {
    if (conn !== this._connection) return;
    this._open = true;
    this._retry.refill();
    const offlineWasFull = this._offline.full;
    const offline = this._offline.take();
    let writable = true;
    for (const frame of offline) writable = conn.write(frame);
    // Sync mode keeps at most one frame offline: the one in flight, which goes out now. With
    // none, the one in flight went out on the lost connection and is not sent twice.
    if (this.config.sync && offline.length === 0) this.queue.resume(this);
    if (!this.config.silent) this.log('connected to', this.id);
    this.publish('connect');
    // node-ipc reset its counter after publishing `connect`, to maxRetries as configured.
    this.retriesRemaining = this.config.maxRetries;
    // emit() returned false while offline: the caller waits for drain (the connection sends
    // it itself when its own write returned false).
    if (offlineWasFull && writable) this.publish('drain');
  }

  /** @internal StreamConnection hook: one received message; published under its type. */
  onConnectionMessage(conn: StreamConnection, type: string, data: unknown): void {
    // After disconnect() the socket only drains: node-ipc destroyed it, so nothing more arrived.
    if (conn !== this._connection || this.explicitlyDisconnected) return;
    if (!this.config.silent) this.logMessage('detected event', type, data);
    this.dispatchMessage(type, data, undefined, 1);
  }

  /** @internal StreamConnection hook: a read burst ended; in `sync` mode the next queued message may go. */
  onConnectionReadEnd(conn: StreamConnection): void {
    if (conn === this._connection && this.config.sync) this.queue.next(this);
  }

  /** @internal StreamConnection hook: the write buffer drained; publishes `drain`. */
  onConnectionDrain(conn: StreamConnection): void {
    if (conn === this._connection) this.publish('drain');
  }

  /** @internal StreamConnection hook: a socket or decoder fault; publishes `error`. */
  onConnectionError(conn: StreamConnection, err: Error): void {
    if (conn !== this._connection) return;
    if (!this.config.silent) this.log('error:', err);
    this.publish('error', err);
  }

  /** @internal StreamConnection hook: the socket closed; schedules a retry or gives up. */
  onConnectionClose(conn: StreamConnection): void {
    if (conn !== this._connection) return; // a replaced socket's late close (BEHAVIOUR.md)
    this._connection = null;
    this._open = false;
    if (!this.config.silent) this.log('connection closed', this.id, this.path, this.retriesRemaining, 'tries remaining');
    // node-ipc 14 does not reconnect after a protocol fault (a frame it refused).
    const refused = this.profile !== null && conn.failedOnProtocol;
    if (this.explicitlyDisconnected || refused || !this._retry.mayRetry()) {
      this._finish(true);
      return;
    }
    this._retry.schedule(retryNow, this);
    this.publish('disconnect');
  }

  /** @internal A reconnect attempt is due. */
  retry(): void {
    if (this.explicitlyDisconnected || this._destroyed) return;
    this.retriesRemaining = countDown(this.retriesRemaining);
    this.connect();
  }

  private _giveUp(): void {
    this._connection = null;
    this._finish(true);
  }

  private _finish(publishDisconnect: boolean): void {
    if (this._destroyed) return;
    this._destroyed = true;
    this._retry.cancel();
    const unsent = this._offline.length + this.queue.length;
    this.queue.clear();
    this._offline.clear();
    // Never a silent drop: what emit accepted but no socket took is reported once.
    if (unsent > 0) {
      this.publish('error', new IpcError('ERR_IPC_UNSENT',
        `Client "${this.id}" finished with ${unsent} message${unsent === 1 ? '' : 's'} that no connection ever took; they were dropped`));
    }
    if (publishDisconnect) this.publish('disconnect');
    this.publish('destroy');
  }
}

function retryNow(client: ClientCore<object>): void {
  client.retry();
}
