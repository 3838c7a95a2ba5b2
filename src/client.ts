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
import { ClientAsync } from './async/client-async';
import type { HandleOptions, MessagesOptions, ReadyOptions, RequestOptions } from './async/options';
import type { AnyRequests, ClientRequestHandler, ReplyData, RequestArgs, RequestMap, RequestName, UntypedArgs } from './async/request-map';
import type { ClientSeam } from './async/seam';
import { retryBudget, toSocketPath, type IpcConfig } from './config';
import { Endpoint } from './endpoint';
import { IpcError } from './errors';
import type { AnyEvents, ClientListeners, EventMap, EventName, PayloadArgs, RawArgs } from './event-map';
import type { LogFunction } from './log';
import { OfflineBuffer } from './offline-buffer';
import { SendQueue } from './queue';
import { dialPath, dialTcp } from './transport/net';
import { StreamConnection, type ConnectionOwner } from './transport/stream-connection';
import { dialTls, resolveTlsOptions, type ResolvedTlsOptions } from './transport/tls';

/** Where `close()` finds the IPC instance that registered a client (`ipc.of`, `ipc.disconnect`). */
export interface ClientRegistry {
  of: Record<string, unknown>;
  disconnect(id: string): void;
}

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
export class Client<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> extends Endpoint<ClientListeners<E>> implements ConnectionOwner {
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
   * `stopRetrying` leaves it alone. Whether to retry is decided by the budget of
   * `retryBudget(config)`, not by this field.
   */
  retriesRemaining: number | boolean;
  /** True after `ipc.disconnect(id)`: no more reconnects. */
  explicitlyDisconnected = false;
  /** Messages waiting for their turn in `sync` mode. */
  readonly queue = new SendQueue();

  private _connection: StreamConnection | null = null;
  /** True once _connection is connected (TLS: handshake done); frames wait offline before. */
  private _open = false;
  private _retryTimer: NodeJS.Timeout | null = null;
  /** Frames emitted while no connection was open, sent when the next one opens. */
  private readonly _offline = new OfflineBuffer();
  private _destroyed = false;
  /** Reconnect attempts left: what decides whether the client retries (see retryBudget). */
  private _retriesLeft: number;
  private _tlsOptions: ResolvedTlsOptions | undefined;
  /** The promise API's state, made on first use. */
  private _async: ClientAsync | null = null;
  /** The IPC instance that registered this client, if any. */
  private _registry: ClientRegistry | null = null;

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
    this._retriesLeft = retryBudget(config);
    // node-ipc 14 keys: the profile's checks throw before any socket exists.
    if (this.profile !== null) this._tlsOptions = this.profile.checkClient(this.port, config.tls);
  }

  /** True once the client gave up for good (`destroy` was published). */
  get destroyed(): boolean {
    return this._destroyed;
  }

  /** Requests sent by `request()` still waiting for their reply (diagnostics). */
  get pendingRequests(): number {
    return this._async === null ? 0 : this._async.pendingRequests;
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
    const limits = this.protocol.streamLimits();
    this._connection = new StreamConnection(socket, this, {
      readers: this.protocol,
      maxPendingBytes: limits.maxPendingBytes,
      messageTimeout: limits.messageTimeout,
      closeTimeout: config.closeTimeout,
      readyEvent,
    });
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
    const frame = this.encodeCall(this.config.silent ? '' : `dispatching event to ${this.id} ${this.path} :`, type, data, more);
    if (this._destroyed || this.explicitlyDisconnected) {
      const err = new IpcError('ERR_IPC_NOT_CONNECTED', `Client "${this.id}" is not connected and will not reconnect; the message was dropped`);
      process.nextTick(() => this.publish('error', err));
      return false;
    }
    if (this.config.sync) return this.queue.add(frame, this);
    return this.send(frame);
  }

  /**
   * Resolves once connected: at once if it is. Rejects with `ERR_IPC_NOT_CONNECTED` when the
   * client gives up retrying (its `cause` is the last connection error), `ERR_IPC_TIMEOUT`
   * after `options.timeout` ms, or an `AbortError` when `options.signal` aborts.
   */
  ready(options?: ReadyOptions): Promise<void> {
    return this._asyncApi().ready(options);
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
    return this._asyncApi().request(type, data, options);
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
    return this._asyncApi().handle(type, handler, options);
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
    return this._asyncApi().messages(type, options);
  }

  /**
   * `ipc.disconnect(id)` as a promise (`ipc.of[id]` is removed): resolves once everything
   * emitted before was written and the socket closed. Rejects with `ERR_IPC_CLOSE_TIMEOUT`
   * or `ERR_IPC_UNSENT` when messages were lost on the way.
   */
  close(): Promise<void> {
    return this._asyncApi().close();
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
    this.deliver('detected event', type, data, undefined, 1);
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
    // node-ipc 14 does not reconnect after a protocol fault (a frame it refused).
    const refused = this.profile !== null && conn.failedOnProtocol;
    if (this.explicitlyDisconnected || refused || budget === 0 || this._retriesLeft < 1) {
      this._finish(true);
      return;
    }
    this._retryTimer = setTimeout(retryTimerFired, this.config.retry, this);
    this.publish('disconnect');
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
    this._offline.clear();
    // Never a silent drop: what emit accepted but no socket took is reported once.
    if (unsent > 0) {
      this.publish('error', new IpcError('ERR_IPC_UNSENT',
        `Client "${this.id}" finished with ${unsent} message${unsent === 1 ? '' : 's'} that no connection ever took; they were dropped`));
    }
    if (publishDisconnect) this.publish('disconnect');
    this.publish('destroy');
  }

  /** @internal Called by the IPC instance that registers this client, so `close()` can act as `ipc.disconnect(id)`. */
  registerWith(registry: ClientRegistry): void {
    this._registry = registry;
  }

  /** The promise API, made on first use; it sees this client only through the seam below. */
  private _asyncApi(): ClientAsync {
    if (this._async === null) this._async = new ClientAsync(this._seam());
    return this._async;
  }

  private _seam(): ClientSeam {
    const registered = (): ClientRegistry | null => {
      const registry = this._registry;
      return registry !== null && registry.of[this.id] === this ? registry : null;
    };
    return {
      id: this.id,
      events: this,
      isConnected: () => this.connected,
      isFinished: () => this._destroyed || this.explicitlyDisconnected,
      isDestroyed: () => this._destroyed,
      isRaw: () => this.protocol.raw,
      send: (type, data) => this.emit(type as EventName<E>, ...([data] as PayloadArgs<E[EventName<E>]>)),
      disconnect: () => {
        const registry = registered();
        if (registry !== null) {
          registry.disconnect(this.id);
        } else if (!this.explicitlyDisconnected) {
          // Not (or no longer) in an `ipc.of`: the same steps as ipc.disconnect.
          this.off('*', '*');
          this.disconnectNow();
        }
      },
      unregister: () => {
        const registry = registered();
        if (registry !== null) delete registry.of[this.id];
      },
    };
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
