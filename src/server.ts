/**
 * The server (`ipc.server`): listens on a Unix socket / named pipe, TCP, TLS or UDP.
 * Nothing listens until `start()`. Received messages are published locally under their
 * `type` as `(data, socket)`; raw bytes under `data`. `emit(socket, ...)` and `broadcast`
 * SEND.
 *
 * Stream transports hand handlers the real `net.Socket` / `tls.TLSSocket` (node-ipc users
 * read `socket.id`, `socket.remoteAddress`, ...). UDP hands them the peer's
 * `{address, port}`, which `emit` takes back to reply.
 */
import type { Server as NetServer, Socket } from 'node:net';
import type { TlsOptions, TLSSocket } from 'node:tls';
import { copyBytes, detachFrame } from './codec/raw';
import { toSocketPath, type IpcConfig } from './config';
import type { HandleOptions, MessagesOptions, ReadyOptions, RequestOptions } from './async/options';
import type { AnyRequests, ReplyData, RequestArgs, RequestMap, RequestName, ServerRequestHandler, UntypedArgs } from './async/request-map';
import type { ServerSeam } from './async/seam';
import { ServerAsync } from './async/server-async';
import { Endpoint } from './endpoint';
import { IpcError, invalidArgument } from './errors';
import type { AnyEvents, EmitTarget, EventMap, EventName, MessageSource, PayloadArgs, RawArgs, ServerListeners, ServerSocket } from './event-map';
import type { LogFunction } from './log';
import { clearStaleSocket, createStreamServer } from './transport/net';
import { StreamConnection, type ConnectionOptions, type ConnectionOwner } from './transport/stream-connection';
import { attachListener, onConnection, type ListenerOwner } from './transport/stream-listener';
import { createTlsServer, resolveTlsServerOptions } from './transport/tls';
import { UdpEndpoint, type DatagramOwner, type UdpPeer } from './transport/udp';

export type { EmitTarget, MessageSource, ServerSocket };

const State = { idle: 0, starting: 1, listening: 2, stopped: 3 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * The server, `ipc.server`. `E` is the optional event map (see README "Typed events"); the
 * default `AnyEvents` keeps every name and payload `any`, as `@types/node-ipc` did.
 */
export class Server<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> extends Endpoint<ServerListeners<E>> implements ConnectionOwner, DatagramOwner, ListenerOwner {
  /** Unix socket path, or the host for TCP/TLS/UDP (node-ipc kept the host here). */
  path: string;
  /** Port for TCP/TLS/UDP (the bound port once started, when 0 was asked), `false` for a Unix socket. */
  port: number | false;
  /** True for a udp4 server. */
  udp4 = false;
  /** True for a udp6 server. */
  udp6 = false;
  /** The underlying `net.Server`, `tls.Server` or dgram socket once started, else `false`. */
  server: NetServer | UdpEndpoint['socket'] | false = false;
  /** Connected client sockets (stream transports) or known peers (UDP). */
  sockets: MessageSource[] = [];

  private _state: State = State.idle;
  private _udp: UdpEndpoint | null = null;
  /** The promise API's state, made on first use. */
  private _async: ServerAsync | null = null;

  constructor(path: string, config: IpcConfig, log: LogFunction, port?: number | false) {
    super(config, log);
    this.path = path;
    this.port = port === undefined ? false : port;
  }

  /** True while listening (after `start`, before `stop`). */
  get listening(): boolean {
    return this._state === State.listening;
  }

  /** True once `stop()` ran. */
  get stopped(): boolean {
    return this._state === State.stopped;
  }

  /** Requests sent to `socket` by `request()` still waiting for their reply (diagnostics). */
  pendingRequests(socket: object): number {
    return this._async === null ? 0 : this._async.pendingRequests(socket);
  }

  /** The node-ipc hook that publishes `start`. */
  onStart(socket?: unknown): void {
    this.publish('start', socket);
  }

  /** Starts listening; publishes `start` when ready, or `error` when it cannot. */
  start(): void {
    if (this._state === State.starting || this._state === State.listening) return;
    this._state = State.starting;
    const config = this.config;
    if (!this.path && this.port === false) {
      this._startFailed(new IpcError('ERR_IPC_NO_ADDRESS', 'The server has no socket path or port to listen on'));
      return;
    }
    let tlsOptions: TlsOptions | undefined;
    if (this.profile !== null) {
      // node-ipc 14 throws its configuration faults from start(): TLS identity, assured transport, socket root.
      try {
        tlsOptions = this.profile.checkServer(this);
      } catch (err) {
        this._state = State.idle;
        throw err;
      }
    }
    if (this.udp4 || this.udp6) {
      this._startUdp(this.udp4 ? 'udp4' : 'udp6');
      return;
    }
    let server: NetServer;
    try {
      server = config.tls ? createTlsServer(tlsOptions ?? resolveTlsServerOptions(config.tls), onConnection) : createStreamServer(onConnection);
    } catch (err) {
      this._startFailed(err as Error);
      return;
    }
    attachListener(server, this);
    server.maxConnections = config.maxConnections;
    this.server = server;
    if (this.port !== false) {
      if (!config.silent) this.log('starting server on', this.path, ':', this.port, config.tls ? '(TLS)' : '(TCP)');
      server.listen(this.port, this.path, () => this._listening());
      return;
    }
    const path = toSocketPath(this.path);
    this.path = path;
    if (!config.silent) this.log('starting server as Unix || Windows socket on', path);
    const listen = (): void => {
      if (this._state !== State.starting) return;
      // The socket file goes away with the listening handle: libuv unlinks it on close. A
      // cluster worker shares the primary's handle, so its stop() leaves the file to its siblings.
      server.listen({ path, readableAll: config.readableAll, writableAll: config.writableAll }, () => this._listening());
    };
    if (!config.unlink || process.platform === 'win32') {
      listen();
      return;
    }
    clearStaleSocket(path).then((inUse) => {
      if (inUse === null) listen();
      else this._startFailed(inUse);
    }, (err: Error) => this._startFailed(err));
  }

  /**
   * Stops listening at once (the Unix socket file goes with the listener) and closes every
   * client connection gracefully: what was emitted or broadcast before is written, then each
   * socket half-closes and closes once its client has read everything (bounded by
   * `config.closeTimeout`); `socket.disconnected` follows for each. Idempotent.
   */
  stop(): void {
    if (this._state === State.stopped || this._state === State.idle) {
      this._state = State.stopped;
      return;
    }
    this._state = State.stopped;
    if (this._udp !== null) {
      this._udp.close();
      this.sockets = [];
      return;
    }
    const server = this.server;
    if (server !== false) (server as NetServer).close();
    for (const socket of this.sockets.slice()) {
      const conn = StreamConnection.of(socket);
      if (conn === undefined) (socket as Socket).destroy();
      else conn.end();
    }
  }

  /**
   * SENDS to one client: `emit(socket, type, data)`, or in raw mode `emit(socket, bytes)`.
   * On UDP, a target without address and port falls back to `broadcast` (node-ipc did so).
   * Returns false when the caller should wait for `drain` before sending more to it.
   */
  emit<K extends EventName<E>>(socket: EmitTarget, type: K, ...data: PayloadArgs<E[K]>): boolean;
  /** Raw mode (`config.rawBuffer`, untyped servers only): sends the bytes of the value after the target (more are ignored, as in node-ipc). */
  // @ts-expect-error TS2394: the implementation takes the values after the first as named
  // parameters, since a rest parameter (or `arguments`) allocates on every call; raw mode sends
  // the first value only and ignores the rest (warned once when the second or third is set).
  emit(socket: EmitTarget, ...raw: RawArgs<E>): boolean;
  emit(socket: EmitTarget, type?: unknown, data?: unknown, more?: unknown): boolean {
    if (typeof socket !== 'object' || socket === null) throw invalidArgument('socket', 'a socket or {address, port}', socket);
    return this._sendFrame(socket, this.encodeCall('dispatching event to socket :', type, data, more));
  }

  /**
   * Resolves once listening (at once if it is); rejects with the listen error (EADDRINUSE,
   * ...), `ERR_IPC_TIMEOUT` after `options.timeout` ms, or an `AbortError`. It does not start
   * the server: call `start()`.
   */
  ready(options?: ReadyOptions): Promise<void> {
    return this._asyncApi().ready(options);
  }

  /**
   * Sends a request to one client and resolves with its reply; rejects as `Client#request`
   * does (`ERR_IPC_DISCONNECTED` when that client leaves first). Not on UDP
   * (`ERR_IPC_UNSUPPORTED`, see README "Async API").
   */
  request<K extends RequestName<R>>(socket: ServerSocket, type: K, ...args: RequestArgs<R[K]>): Promise<ReplyData<R[K]>>;
  /** Untyped servers: any type, any payload. */
  request(socket: ServerSocket, ...args: UntypedArgs<R, [type: string, data?: unknown, options?: RequestOptions]>): Promise<unknown>;
  request(socket: ServerSocket, type: string, data?: unknown, options?: RequestOptions): Promise<unknown> {
    return this._asyncApi().request(socket, type, data, options);
  }

  /**
   * Answers client requests of `type` with `handler(data, socket)`'s return value (or what
   * its promise resolves to). Returns a function that removes the handler. Throws
   * `ERR_IPC_HANDLER_EXISTS` for a second handler of the same type.
   */
  handle<K extends RequestName<R>>(type: K, handler: ServerRequestHandler<R[K]>, options?: HandleOptions): () => void;
  /** Untyped servers: any type; the handler gets any payload and the socket. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped handlers get whatever the peer sent
  handle(...args: UntypedArgs<R, [type: string, handler: (data: any, socket: ServerSocket) => unknown, options?: HandleOptions]>): () => void;
  handle(type: string, handler?: unknown, options?: HandleOptions): () => void {
    return this._asyncApi().handle(type, handler, options);
  }

  /**
   * Every `type` message as `[data, socket]`, in order, as an async iterable; `break` or
   * `options.signal` ends it, `close()` too. See `Client#messages` for `highWaterMark`.
   */
  messages<K extends EventName<E>>(type: K, options?: MessagesOptions): AsyncIterableIterator<[E[K], MessageSource]>;
  /** Untyped servers: any type. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped iterators yield whatever the peer sent
  messages(...args: UntypedArgs<E, [type: string, options?: MessagesOptions]>): AsyncIterableIterator<[any, MessageSource]>;
  messages(type: string, options?: MessagesOptions): AsyncIterableIterator<[unknown, unknown]> {
    return this._asyncApi().messages(type, options);
  }

  /**
   * `stop()` as a promise: resolves once every client socket was flushed and closed and the
   * listening handle released. Rejects with `ERR_IPC_CLOSE_TIMEOUT` when a client did not
   * read everything within `config.closeTimeout`.
   */
  close(): Promise<void> {
    return this._asyncApi().close();
  }

  /** SENDS to every connected client (UDP: every peer that has sent to this server). */
  broadcast<K extends EventName<E>>(type: K, ...data: PayloadArgs<E[K]>): boolean;
  /** Raw mode (`config.rawBuffer`, untyped servers only): sends the bytes of the first value to every client (more are ignored, as in node-ipc). */
  // @ts-expect-error TS2394: named parameters, not a rest one (see emit).
  broadcast(...raw: RawArgs<E>): boolean;
  broadcast(type?: unknown, data?: unknown, more?: unknown): boolean {
    return this._broadcastFrame(this.encodeCall('broadcasting event to all known sockets :', type, data, more));
  }

  /** Sends one encoded frame to `socket`. */
  private _sendFrame(socket: EmitTarget, frame: string | Uint8Array): boolean {
    if (this._udp !== null) {
      const peer = socket as UdpPeer;
      if (!peer.address || !peer.port) return this._broadcastFrame(frame);
      this._udp.send(toBytes(frame), peer.port, peer.address);
      return true;
    }
    const conn = StreamConnection.of(socket);
    if (conn !== undefined) return conn.write(frame);
    const foreign = socket as Partial<Socket>;
    // A socket that is not ours keeps what it is given until written.
    if (typeof foreign.write === 'function') return foreign.write(detachFrame(frame));
    throw invalidArgument('socket', 'a socket or {address, port}', socket);
  }

  private _broadcastFrame(frame: string | Uint8Array): boolean {
    if (this._udp !== null) {
      this._udp.broadcast(toBytes(frame));
      return true;
    }
    let ok = true;
    const sockets = this.sockets;
    for (let i = 0; i < sockets.length; i++) {
      const conn = StreamConnection.of(sockets[i]);
      if (conn !== undefined && !conn.write(frame)) ok = false;
    }
    return ok;
  }

  private _listening(): void {
    if (this._state !== State.starting) return;
    this._state = State.listening;
    const address = (this.server as NetServer).address();
    if (this.port !== false && typeof address === 'object' && address !== null) this.port = address.port;
    this.onStart();
  }

  private _startFailed(err: Error): void {
    this._state = State.idle;
    if (!this.config.silent) this.log('server failed to start:', err);
    process.nextTick(() => this.publish('error', err));
  }

  private _startUdp(type: 'udp4' | 'udp6'): void {
    const udp = new UdpEndpoint(type, this, this.protocol, this.config.maxConnections);
    this._udp = udp;
    this.server = udp.socket;
    const host = type === 'udp4' && this.path === '::1' ? '127.0.0.1' : this.path;
    if (!this.config.silent) this.log('starting server as', type, 'on', host, ':', this.port);
    udp.bind(this.port === false ? 0 : this.port, host, () => {
      if (this._state !== State.starting) return;
      this._state = State.listening;
      const bound = udp.socket.address();
      this.port = bound.port;
      // node-ipc published `start` with the bound address, then `connect` with its dgram socket.
      this.onStart({ address: bound.address, port: bound.port });
      this.publish('connect', udp.socket);
    });
  }

  /**
   * Framing and limits of a new connection, read from the config when it is accepted: node-ipc
   * read `rawBuffer` per chunk, and real code switches it on in the `serve` callback (after start).
   */
  private _connectionOptions(): ConnectionOptions {
    const limits = this.protocol.streamLimits();
    return {
      readers: this.protocol,
      maxPendingBytes: limits.maxPendingBytes,
      messageTimeout: limits.messageTimeout,
      closeTimeout: this.config.closeTimeout,
      readyEvent: null,
    };
  }

  /** @internal An accepted stream socket. */
  accept(socket: Socket): void {
    if (this._state !== State.listening) {
      socket.destroy();
      return;
    }
    new StreamConnection(socket, this, this._connectionOptions());
    this.sockets.push(socket);
    if (!this.config.silent) this.log('## socket connection to server detected ##');
    this.publish('connect', socket);
  }

  /** @internal StreamConnection hook: nothing to do, accepted sockets are open from the start. */
  onConnectionOpen(): void {
    // Accepted sockets are open from the start.
  }

  /** @internal StreamConnection hook: one received message; published under its type as `(data, socket)`. */
  onConnectionMessage(conn: StreamConnection, type: string, data: unknown): void {
    this._received(type, data, conn.socket);
  }

  /** @internal StreamConnection hook: unused on servers (only clients pace reads, in `sync` mode). */
  onConnectionReadEnd(): void {
    // Only clients pace anything on reads (sync mode).
  }

  /** @internal StreamConnection hook: a client socket's write buffer drained; publishes `drain`. */
  onConnectionDrain(conn: StreamConnection): void {
    this.publish('drain', conn.socket);
  }

  /** @internal StreamConnection hook: a socket or decoder fault; publishes `error` with the socket. */
  onConnectionError(conn: StreamConnection, err: Error): void {
    if (!this.config.silent) this.log('server socket error', err);
    this.publish('error', err, conn.socket);
  }

  /** @internal StreamConnection hook: a client socket closed; publishes `socket.disconnected`. */
  onConnectionClose(conn: StreamConnection): void {
    const socket = conn.socket as ServerSocket;
    const index = this.sockets.indexOf(socket);
    if (index !== -1) this.sockets.splice(index, 1);
    const id = socket.id === undefined ? false : socket.id;
    if (!this.config.silent) this.log('socket disconnected', id);
    this.publish('socket.disconnected', socket, id);
    // node-ipc 14 also publishes `close` with the socket (9/10 did not).
    if (this.profile !== null) this.publish('close', socket);
  }

  /** @internal UdpEndpoint hook: one message of a peer, published as `(data, {address, port})`. */
  onPeerMessage(peer: UdpPeer, type: string, data: unknown): void {
    this._received(type, data, peer);
  }

  /** @internal UdpEndpoint hook: a peer's datagram was refused; published as `error` with the peer. */
  onPeerError(peer: UdpPeer, err: IpcError): void {
    this.publish('error', err, peer);
  }

  /** @internal UdpEndpoint hook: the known peers are the server's `sockets`. */
  onPeersChanged(peers: UdpPeer[]): void {
    this.sockets = peers;
  }

  /** @internal UdpEndpoint hook: a dgram fault; published as `error`. */
  onDatagramError(err: Error): void {
    this.listenerFailed(err);
  }

  /** @internal The listener failed (EADDRINUSE, EACCES, ...): `start()` may be tried again. */
  listenerFailed(err: Error): void {
    if (this._state === State.starting) {
      this._state = State.idle;
      if (!this.config.silent) this.log('server failed to start:', err);
    }
    this.publish('error', err);
  }

  /** @internal ListenerOwner: a TLS client failed before it was accepted. */
  clientRefused(err: Error, socket: TLSSocket | undefined): void {
    this.publish('error', err, socket);
  }

  /** A message from the wire: node-ipc 9/10 (and 14 with `identifyPeer`) name the socket after `data.id`. */
  private _received(type: string, data: unknown, from: ServerSocket | UdpPeer): void {
    if (this.protocol.identifiesPeer && data && typeof data === 'object' && (data as { id?: unknown }).id) from.id = (data as { id?: unknown }).id;
    this.deliver('received event of :', type, data, from, 2);
  }

  /** The promise API, made on first use; it sees this server only through the seam below. */
  private _asyncApi(): ServerAsync {
    if (this._async === null) this._async = new ServerAsync(this._seam());
    return this._async;
  }

  private _seam(): ServerSeam {
    return {
      events: this,
      isListening: () => this.listening,
      isStopped: () => this.stopped,
      isUdp: () => this.udp4 || this.udp6,
      isRaw: () => this.protocol.raw,
      isClient: (socket) => this.sockets.includes(socket as ServerSocket),
      clientCount: () => this.sockets.length,
      handle: () => this.server,
      send: (socket, type, data) => this.emit(socket, type as EventName<E>, ...([data] as PayloadArgs<E[EventName<E>]>)),
      stop: () => this.stop(),
    };
  }
}

/** A datagram's bytes: dgram may keep them past the call (queued until bound, or behind earlier sends), so bytes are copied. */
function toBytes(frame: string | Uint8Array): Buffer {
  return typeof frame === 'string' ? Buffer.from(frame, 'utf8') : copyBytes(frame);
}
