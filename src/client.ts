/**
 * A client (`ipc.of[id]`) as its users see it: `emit` SENDS to the server, received messages
 * are published locally under their `type` (raw bytes under `data`), and the promise API
 * (`ready`, `request`, `handle`, `messages`, `close`). The connection itself (dialling,
 * reconnects, the offline buffer) is {@link ClientCore}'s.
 */
import { ClientAsync } from './async/client-async';
import type { HandleOptions, MessagesOptions, ReadyOptions, RequestOptions } from './async/options';
import type { AnyRequests, ClientRequestHandler, ReplyData, RequestArgs, RequestMap, RequestName, UntypedArgs } from './async/request-map';
import type { ClientSeam } from './async/seam';
import { ClientCore, type ClientTarget } from './client-core';
import { IpcError } from './errors';
import type { AnyEvents, ClientListeners, EventMap, EventName, PayloadArgs, RawArgs } from './event-map';

/** Where `close()` finds the IPC instance that registered a client (`ipc.of`, `ipc.disconnect`). */
export interface ClientRegistry {
  of: Record<string, unknown>;
  disconnect(id: string): void;
}

export type { ClientTarget };

/**
 * A client connection, `ipc.of[id]`. `E` is the optional event map (see README "Typed
 * events"); the default `AnyEvents` keeps every name and payload `any`, as `@types/node-ipc` did.
 */
export class Client<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> extends ClientCore<ClientListeners<E>> {
  /** The promise API's state, made on first use. */
  private _async: ClientAsync | null = null;
  /** The IPC instance that registered this client, if any. */
  private _registry: ClientRegistry | null = null;

  /** Requests sent by `request()` still waiting for their reply (diagnostics). */
  get pendingRequests(): number {
    return this._async === null ? 0 : this._async.pendingRequests;
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
    // The hot path calls the protocol itself: every layer between costs a fresh process
    // while V8 warms up (STYLE 6.6).
    const frame = this.protocol.encode(type, data, more);
    const config = this.config;
    if (!config.silent) this.logMessage(`dispatching event to ${this.id} ${this.path} :`, type, data);
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
      isFinished: () => this.destroyed || this.explicitlyDisconnected,
      isDestroyed: () => this.destroyed,
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
  }}
