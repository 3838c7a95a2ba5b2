/**
 * A client connection (`ipc.of[id]`): connects over a Unix socket / named pipe, TCP or TLS,
 * reconnects after drops, and SENDS on `emit`. Received messages are published locally under
 * their `type`; raw bytes under `data`.
 *
 * Reconnects (BEHAVIOUR.md "Client"): after a drop the client waits `config.retry` ms and
 * dials again while attempts remain (`maxRetries`, capped by a numeric `stopRetrying`;
 * `stopRetrying: true` ends it). A successful connect restores the full budget. When retrying
 * ends the client publishes `disconnect` then `destroy`.
 *
 * Messages emitted while no connection is open (dialling, between retries) are kept and
 * sent, in order, when the next connection opens; node-ipc wrote them into a dead socket.
 */
import type { Socket } from 'node:net';
import { decodeMessage, encodeMessage } from './codec/message';
import { detachFrame, ignoreRawExtras, toRawBytes } from './codec/raw';
import { retryBudget, toSocketPath, type IpcConfig } from './config';
import { clientClose, clientHandle, clientMessages, clientReady, clientRequest } from './async/client-async';
import type { HandleOptions, MessagesOptions, ReadyOptions, RequestOptions } from './async/options';
import type { AnyRequests, ClientRequestHandler, ReplyData, RequestArgs, RequestMap, RequestName, UntypedArgs } from './async/request-map';
import { IpcError, assertMessageType } from './errors';
import type { AnyEvents, ClientListeners, EventMap, EventName, PayloadArgs, RawArgs } from './event-map';
import { EventHub } from './events';
import type { LogFunction } from './log';
import { resolveProfile, type Profile } from './profile';
import { useClientProfile } from './profile-endpoints';
import { SendQueue } from './queue';
import { dialPath, dialTcp } from './transport/net';
import { StreamConnection, type ConnectionOwner } from './transport/stream-connection';
import { dialTls, resolveTlsOptions, type ResolvedTlsOptions } from './transport/tls';

/** Bytes kept offline past which `emit` returns false (a socket's default high-water mark). */
const OFFLINE_HIGH_WATER_MARK = 16384;

/** Where a client connects: a socket path, or a host and port. */
export type ClientTarget =
  | {
    /** Unix socket path (Windows: mapped to a named pipe). */
    path: string;
    /** Absent for a socket path. */
    port?: undefined;
  }
  | {
    /** TCP/TLS host name or address. */
    host: string;
    /** TCP/TLS port. */
    port: number;
  };

/**
 * A client connection, `ipc.of[id]`. `E` is the optional event map (see README "Typed
 * events"); the default `AnyEvents` keeps every name and payload `any`, as `@types/node-ipc` did.
 */
export class Client<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> extends EventHub<ClientListeners<E>> implements ConnectionOwner {
  /** The id this client was registered under in `ipc.of`. */
  id: string;
  /** Unix socket path, or the host for TCP/TLS (node-ipc kept the host here). */
  path: string;
  /** TCP/TLS port; `undefined` for a Unix socket (node-ipc 9 and 10 never set it there). */
  port: number | undefined;
  /** The config of the IPC instance that made this client (shared, read live). */
  config: IpcConfig;
  /** The IPC instance's log function. */
  log: LogFunction;
  /** The current socket, or `false` before the first connect. */
  socket: Socket | false = false;
  /**
   * node-ipc's retry counter, kept as node-ipc 9 and 10 kept it (README "retriesRemaining"):
   * `config.maxRetries || 0` at first, one less before each reconnect attempt, and
   * `config.maxRetries` itself (`false`, `Infinity`, a number) once a connect succeeded.
   * `stopRetrying` leaves it alone. Whether to retry is decided by the budget of
   * `retryBudget(config)`, not by this field.
   */
  retriesRemaining: number | boolean;
  /** True after `ipc.disconnect(id)`: no more reconnects. */
  explicitlyDisconnected = false;
  /** Messages waiting for their turn in `sync` mode. */
  readonly queue = new SendQueue();
  /** @internal node-ipc 14 profile (config had node-ipc 14 keys when this client was made), or null. */
  readonly profile: Profile | null;

  private _connection: StreamConnection | null = null;
  /** True once _connection is connected (TLS: handshake done); frames wait offline before. */
  private _open = false;
  private _retryTimer: NodeJS.Timeout | null = null;
  /** Frames emitted while no socket existed, sent when the next one opens. */
  private _offline: Array<string | Buffer> = [];
  private _offlineBytes = 0;
  /** An offline frame was dropped for maxPendingBytes (reported once until a connection opens). */
  private _offlineOverflow = false;
  private _destroyed = false;
  /** Reconnect attempts left: what decides whether the client retries (see retryBudget). */
  private _retriesLeft: number;
  private _tlsOptions: ResolvedTlsOptions | undefined;
  /** A profile's protocol fault closed the connection: node-ipc 14 does not reconnect after one. */
  private _protocolFault = false;

  constructor(config: IpcConfig, log: LogFunction, id: string, target: ClientTarget) {
    super();
    this.config = config;
    this.log = log;
    this.id = id;
    if (target.port === undefined) {
      this.path = target.path;
    } else {
      this.path = target.host;
      this.port = target.port;
    }
    this.retriesRemaining = config.maxRetries || 0;
    this._retriesLeft = retryBudget(config);
    // node-ipc 14 keys: the profile is chosen now, once; its checks throw before any socket exists.
    this.profile = resolveProfile(config);
    if (this.profile !== null) {
      this._tlsOptions = this.profile.checkClient(this.port, config.tls);
      useClientProfile(this, this.profile);
    }
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
    this._clearRetry();
    const config = this.config;
    let socket: Socket;
    let readyEvent: 'connect' | 'secureConnect' = 'connect';
    try {
      if (this.port === undefined) {
        socket = dialPath(toSocketPath(this.path));
      } else if (config.tls) {
        // Key files are read once per client, not once per reconnect attempt.
        this._tlsOptions ??= resolveTlsOptions(config.tls);
        socket = dialTls(this.path, this.port, config.interface, this._tlsOptions);
        readyEvent = 'secureConnect';
      } else {
        socket = dialTcp(this.path, this.port, config.interface);
      }
    } catch (err) {
      // A config fault (unreadable TLS file): report it and stop, retrying cannot help.
      process.nextTick(() => {
        this.publish('error', err);
        this._giveUp();
      });
      return;
    }
    if (!config.silent) this.log('requested connection to', this.id, this.path, this.port ?? '');
    this.socket = socket;
    const connection = new StreamConnection(socket, this, this.profile !== null ? this.profile.connectionOptions(config.closeTimeout, readyEvent) : {
      delimiter: config.rawBuffer ? null : Buffer.from(config.delimiter, 'utf8'),
      maxMessageSize: config.maxMessageSize,
      maxPendingBytes: config.maxPendingBytes,
      messageTimeout: config.messageTimeout,
      closeTimeout: config.closeTimeout,
      readyEvent,
    });
    this._connection = connection;
    this._open = false;
  }

  /**
   * SENDS to the server. JSON mode: `emit(type, data)`. Raw mode: `emit(bytes)` with a
   * string (in `config.encoding`), Buffer, typed array or byte array; further values are
   * ignored, as in node-ipc (NODEIPC_RAW_EXTRA_ARGS).
   * Returns false when the caller should wait for `drain` before sending more.
   */
  emit<K extends EventName<E>>(type: K, ...data: PayloadArgs<E[K]>): boolean;
  /** Raw mode (`config.rawBuffer`, untyped clients only): sends the bytes of the first value (more are ignored, as in node-ipc). */
  // @ts-expect-error TS2394: the implementation takes the values after the first as named
  // parameters, since a rest parameter (or `arguments`) allocates on every call; raw mode sends
  // the first value only and ignores the rest (warned once when the second or third is set).
  emit(...raw: RawArgs<E>): boolean;
  emit(type?: unknown, data?: unknown, more?: unknown): boolean {
    const config = this.config;
    let frame: string | Uint8Array;
    if (config.rawBuffer) {
      // One value per emit, as in node-ipc; more are ignored (and reported once).
      ignoreRawExtras(data, more);
      frame = toRawBytes(type, config.encoding);
    } else {
      assertMessageType(type);
      frame = encodeMessage(type, data, config.delimiter);
    }
    if (!config.silent) this.log('dispatching event to', this.id, this.path, ':', type, ',', data);
    if (this._destroyed || this.explicitlyDisconnected) {
      const err = new IpcError('ERR_IPC_NOT_CONNECTED', `Client "${this.id}" is not connected and will not reconnect; the message was dropped`);
      process.nextTick(() => this.publish('error', err));
      return false;
    }
    if (config.sync) return this.queue.add(frame, this);
    return this.send(frame);
  }

  /**
   * Resolves once connected: at once if it is. Rejects with `ERR_IPC_NOT_CONNECTED` when the
   * client gives up retrying (its `cause` is the last connection error), `ERR_IPC_TIMEOUT`
   * after `options.timeout` ms, or an `AbortError` when `options.signal` aborts.
   */
  ready(options?: ReadyOptions): Promise<void> {
    return clientReady(this, options);
  }

  /**
   * Sends a request and resolves with the server's reply (see README "Async API"). Rejects
   * with `ERR_IPC_TIMEOUT`, an `AbortError`, `ERR_IPC_REMOTE` (the handler failed),
   * `ERR_IPC_NO_HANDLER`, `ERR_IPC_DISCONNECTED` (the connection dropped first; a request is
   * never re-sent) or `ERR_IPC_NOT_CONNECTED` (not connected now: await `ready()` first).
   * Throws at once for a bad argument, and in raw mode (`ERR_IPC_UNSUPPORTED`).
   * @example const sum = await ipc.of.world.request('add', { a: 1, b: 2 }, { timeout: 1000 });
   */
  request<K extends RequestName<R>>(type: K, ...args: RequestArgs<R[K]>): Promise<ReplyData<R[K]>>;
  /** Untyped clients: any type, any payload. */
  request(...args: UntypedArgs<R, [type: string, data?: unknown, options?: RequestOptions]>): Promise<unknown>;
  request(type: string, data?: unknown, options?: RequestOptions): Promise<unknown> {
    return clientRequest(this, type, data, options);
  }

  /**
   * Answers requests of `type` that the server sends to this client: the handler returns the
   * reply or a promise of it; what it throws or rejects with reaches the server as
   * `ERR_IPC_REMOTE` (name, message and code; the stack only with `exposeStack`). Returns a
   * function that removes the handler. Throws `ERR_IPC_HANDLER_EXISTS` for a second handler.
   */
  handle<K extends RequestName<R>>(type: K, handler: ClientRequestHandler<R[K]>, options?: HandleOptions): () => void;
  /** Untyped clients: any type; the handler gets any payload. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped handlers get whatever the peer sent
  handle(...args: UntypedArgs<R, [type: string, handler: (data: any) => unknown, options?: HandleOptions]>): () => void;
  handle(type: string, handler?: unknown, options?: HandleOptions): () => void {
    return clientHandle(this, type, handler, options);
  }

  /**
   * Every `type` message's data, in order, as an async iterable. `break` or
   * `options.signal` ends it and removes its listener; it ends by itself on `destroy`. A
   * consumer more than `options.highWaterMark` messages behind gets `ERR_IPC_OVERFLOW`.
   */
  messages<K extends EventName<E>>(type: K, options?: MessagesOptions): AsyncIterableIterator<E[K]>;
  /** Untyped clients: any type. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped iterators yield whatever the peer sent
  messages(...args: UntypedArgs<E, [type: string, options?: MessagesOptions]>): AsyncIterableIterator<any>;
  messages(type: string, options?: MessagesOptions): AsyncIterableIterator<unknown> {
    return clientMessages(this, type, options);
  }

  /**
   * `ipc.disconnect(id)` as a promise (`ipc.of[id]` is removed): resolves once everything
   * emitted before was written and the socket closed. Rejects with `ERR_IPC_CLOSE_TIMEOUT`
   * or `ERR_IPC_UNSENT` when messages were lost on the way.
   */
  close(): Promise<void> {
    return clientClose(this);
  }

  /** @internal Writes one frame now (or keeps a copy until a socket exists). */
  send(frame: string | Uint8Array): boolean {
    const connection = this._connection;
    if (connection !== null && this._open && !connection.closed) return connection.write(frame);
    // Kept until a connection OPENS: one written to a socket still dialling is lost when the
    // dial fails (a server down for several retries).
    if (this._offlineBytes + frame.length > this.config.maxPendingBytes) {
      // Bounded like a connection's pending bytes: dropped, reported once per offline spell.
      if (!this._offlineOverflow) {
        this._offlineOverflow = true;
        const err = new IpcError('ERR_IPC_BACKPRESSURE',
          `${this._offlineBytes + frame.length} bytes would wait for a connection, more than maxPendingBytes (${this.config.maxPendingBytes}); the message was dropped`);
        process.nextTick(() => this.publish('error', err));
      }
      return false;
    }
    this._offline.push(detachFrame(frame));
    this._offlineBytes += frame.length;
    return this._offlineBytes < OFFLINE_HIGH_WATER_MARK;
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
    const hadRetryPending = this._retryTimer !== null;
    this._clearRetry();
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
    this._retriesLeft = retryBudget(this.config);
    this._offlineOverflow = false;
    const offline = this._offline;
    const offlineWasFull = this._offlineBytes >= OFFLINE_HIGH_WATER_MARK;
    this._dropOffline();
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

  /** @internal StreamConnection hook: one received frame; decoded and published under its type. */
  onConnectionFrame(conn: StreamConnection, frame: Buffer): void {
    // After disconnect() the socket only drains: node-ipc destroyed it, so nothing more arrived.
    if (conn !== this._connection || this.explicitlyDisconnected) return;
    if (this.config.rawBuffer) {
      this.dispatchMessage('data', frame, undefined, 1);
      return;
    }
    const message = decodeMessage(frame);
    if (message instanceof IpcError) {
      this.publish('error', message);
      return;
    }
    if (!this.config.silent) this.log('detected event', message.type, message.data);
    this.dispatchMessage(message.type, message.data, undefined, 1);
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
    const budget = retryBudget(this.config);
    if (this.explicitlyDisconnected || this._protocolFault || budget === 0 || this._retriesLeft < 1) {
      this._finish(true);
      return;
    }
    this._retryTimer = setTimeout(retryTimerFired, this.config.retry, this);
    this.publish('disconnect');
  }

  /** @internal True while `conn` is this client's connection and it was not disconnected (profile frame handlers). */
  isCurrentConnection(conn: StreamConnection): boolean {
    return conn === this._connection && !this.explicitlyDisconnected;
  }

  /** @internal Publishes a received message under its type (profile frame handlers). */
  deliverMessage(type: string, data: unknown): void {
    this.dispatchMessage(type, data, undefined, 1);
  }

  /** @internal A profile's protocol fault: the connection closes with `err`, and no reconnect follows (node-ipc 14). */
  protocolFault(conn: StreamConnection, err: IpcError): void {
    if (conn !== this._connection) return;
    this._protocolFault = true;
    conn.fail(err);
  }

  /** @internal The retry timer fired. */
  retryNow(): void {
    this._retryTimer = null;
    if (this.explicitlyDisconnected || this._destroyed) return;
    this._retriesLeft--;
    // node-ipc counted down before each attempt; it only retried while the counter was at
    // least 1 (`true` counting as 1), so with `maxRetries: false` (retry forever here) it stays.
    const shown = this.retriesRemaining;
    if (shown === true || (typeof shown === 'number' && shown >= 1)) this.retriesRemaining = Number(shown) - 1;
    this.connect();
  }

  private _giveUp(): void {
    this._connection = null;
    this._finish(true);
  }

  private _finish(publishDisconnect: boolean): void {
    if (this._destroyed) return;
    this._destroyed = true;
    this._clearRetry();
    const unsent = this._offline.length + this.queue.length;
    this.queue.clear();
    this._dropOffline();
    // Never a silent drop: what emit accepted but no socket took is reported once.
    if (unsent > 0) {
      this.publish('error', new IpcError('ERR_IPC_UNSENT',
        `Client "${this.id}" finished with ${unsent} message${unsent === 1 ? '' : 's'} that no connection ever took; they were dropped`));
    }
    if (publishDisconnect) this.publish('disconnect');
    this.publish('destroy');
  }

  private _dropOffline(): void {
    this._offline = [];
    this._offlineBytes = 0;
  }

  private _clearRetry(): void {
    if (this._retryTimer === null) return;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
  }
}

function retryTimerFired(client: Client): void {
  client.retryNow();
}
