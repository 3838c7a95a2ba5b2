/**
 * The server (`ipc.server`) as its users see it: received messages are published locally
 * under their `type` as `(data, socket)` (raw bytes under `data`); `emit(socket, ...)` and
 * `broadcast` SEND; and the promise API (`ready`, `request`, `handle`, `messages`,
 * `close`). Listening, accepted connections and UDP peers are {@link ServerCore}'s.
 */
import type { HandleOptions, MessagesOptions, ReadyOptions, RequestOptions } from './async/options';
import type { AnyRequests, ReplyData, RequestArgs, RequestMap, RequestName, ServerRequestHandler, UntypedArgs } from './async/request-map';
import type { ServerSeam } from './async/seam';
import { ServerAsync } from './async/server-async';
import { invalidArgument } from './errors';
import type { AnyEvents, EmitTarget, EventMap, EventName, MessageSource, PayloadArgs, RawArgs, ServerListeners, ServerSocket } from './event-map';
import { ServerCore } from './server-core';

export type { EmitTarget, MessageSource, ServerSocket };

/**
 * The server, `ipc.server`. `E` is the optional event map (see README "Typed events"); the
 * default `AnyEvents` keeps every name and payload `any`, as `@types/node-ipc` did.
 */
export class Server<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> extends ServerCore<ServerListeners<E>> {
  /** The promise API's state, made on first use. */
  private _async: ServerAsync | null = null;

  /** Requests sent to `socket` by `request()` still waiting for their reply (diagnostics). */
  pendingRequests(socket: object): number {
    return this._async === null ? 0 : this._async.pendingRequests(socket);
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
    const frame = this.protocol.encode(type, data, more);
    if (!this.config.silent) this.logMessage('dispatching event to socket :', type, data);
    return this.sendFrame(socket, frame);
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
    const frame = this.protocol.encode(type, data, more);
    if (!this.config.silent) this.logMessage('broadcasting event to all known sockets :', type, data);
    return this.broadcastFrame(frame);
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
  }}
