/**
 * The promise API of a server (`ipc.server`): `ready`, `request`, `handle`, `messages`,
 * `close`. Thin adapters over the events the server already publishes (`start`, `error`,
 * `socket.disconnected`, messages by type); correlation is per client socket (one
 * {@link RequestTable} each, dropped with the socket). One per server, made by it on first
 * use and held in a field of it; it reaches the server only through a {@link ServerSeam}.
 *
 * UDP has no `request`/`handle`: a datagram may be lost (a request would only ever time out)
 * or duplicated (a handler would run twice), and nothing in node-ipc's UDP mode tells either
 * apart from a slow peer. Rather than promise "at most once" and break it, both throw
 * `ERR_IPC_UNSUPPORTED` there; `ready`, `messages` and `close` work on UDP too.
 */
import { IpcError, assertId, invalidArgument } from '../errors';
import type { Replier } from './answer';
import { RequestHandlers } from './handlers';
import type { MessageStream } from './message-stream';
import {
  abortError, checkWaitOptions, rawModeError,
  type HandleOptions, type MessagesOptions, type ReadyOptions, type RequestOptions,
} from './options';
import { RequestTable } from './request-table';
import type { ListeningHandle, ServerSeam } from './seam';
import { waitFor } from './wait';
import { REPLY_TYPE, type ReplyEnvelope } from './wire';

/** Built-in server events: never requests, whatever their data. */
const BUILTIN = new Set(['start', 'connect', 'socket.disconnected', 'error', 'data', 'drain']);

export class ServerAsync implements Replier {
  private readonly _server: ServerSeam;
  /** The requests in flight to each client socket. */
  private readonly _tables = new WeakMap<object, RequestTable>();
  private readonly _handlers: RequestHandlers;
  private _listening = false;

  constructor(server: ServerSeam) {
    this._server = server;
    this._handlers = new RequestHandlers(server.events, BUILTIN, this, { originOf: (socket) => socket, passesSource: true });
  }

  /** Requests to `socket` waiting for their reply (for tests and diagnostics). */
  pendingRequests(socket: object): number {
    return this._tables.get(socket)?.size ?? 0;
  }

  /**
   * @internal Replier. A reply to a socket that closed meanwhile goes nowhere (its connection
   * refuses writes); a local publish() of a request-shaped message has no socket to answer.
   */
  sendReply(from: unknown, type: typeof REPLY_TYPE, envelope: ReplyEnvelope): void {
    if (typeof from === 'object' && from !== null) this._server.send(from, type, envelope);
  }

  /** @internal Replier: a reply that could not be sent is published as `error` with its socket. */
  replyFailed(from: unknown, err: unknown): void {
    this._server.events.publish('error', err, from);
  }

  /** See Server#ready. */
  ready(options: ReadyOptions | undefined): Promise<void> {
    const wait = checkWaitOptions(options);
    const server = this._server;
    if (server.isListening()) return Promise.resolve();
    const signal = wait.signal;
    if (signal !== undefined && signal.aborted) return Promise.reject(abortError(signal));
    if (server.isStopped()) return Promise.reject(new IpcError('ERR_IPC_NOT_CONNECTED', 'The server was stopped; it will not listen'));
    const events = server.events;
    return waitFor(wait, 'ready() of the server', (settle) => {
      const onStart = (): void => settle(undefined);
      // A listen failure (EADDRINUSE, ...) is published without a source; socket faults carry one.
      const onError = (err: Error, source?: unknown): void => {
        if (source === undefined && !server.isListening()) settle(err);
      };
      events.on('start', onStart);
      events.on('error', onError);
      return () => {
        events.off('start', onStart);
        events.off('error', onError);
      };
    });
  }

  /** See Server#request. */
  request(socket: unknown, type: unknown, data: unknown, options: RequestOptions | undefined): Promise<unknown> {
    if (typeof socket !== 'object' || socket === null) throw invalidArgument('socket', 'a client socket', socket);
    assertId('type', type);
    this._refuse('request');
    const wait = checkWaitOptions(options);
    this._listen();
    const stream = socket as { destroyed?: unknown; writable?: unknown };
    if (stream.destroyed === true || stream.writable !== true || !this._server.isClient(socket)) {
      return Promise.reject(new IpcError('ERR_IPC_NOT_CONNECTED', 'The socket is not a connected client of this server'));
    }
    let table = this._tables.get(socket);
    if (table === undefined) {
      const server = this._server;
      table = new RequestTable((name, envelope) => server.send(socket, name, envelope));
      this._tables.set(socket, table);
    }
    return table.request(type, data, wait);
  }

  /** See Server#handle. */
  handle(type: unknown, handler: unknown, options: HandleOptions | undefined): () => void {
    return this._handlers.add(type, handler, options, 'The server', (method) => {
      this._refuse(method);
      this._listen();
    });
  }

  /** See Server#messages. */
  messages(type: unknown, options: MessagesOptions | undefined): MessageStream<[unknown, unknown]> {
    return this._handlers.stream(type, options, (method) => {
      if (this._server.isRaw()) throw rawModeError(method);
      this._listen();
    }, pair, this._server.isStopped());
  }

  /**
   * See Server#close: `stop()` as a promise. Resolves once every client socket was flushed
   * and closed and the listening handle released; rejects with the first
   * `ERR_IPC_CLOSE_TIMEOUT` when a client did not read everything in time.
   */
  close(): Promise<void> {
    this._handlers.endStreams();
    const server = this._server;
    const handle = server.handle();
    if (handle === false) {
      server.stop();
      return Promise.resolve();
    }
    const events = server.events;
    return new Promise<void>((resolve, reject) => {
      let failure: Error | undefined;
      const onError = (err: Error): void => {
        if (failure === undefined && (err as { code?: unknown } | null)?.code === 'ERR_IPC_CLOSE_TIMEOUT') failure = err;
      };
      let handleClosed = false;
      const done = (): void => {
        events.off('error', onError);
        events.off('socket.disconnected', onSocketClosed);
        if (failure === undefined) resolve();
        else reject(failure);
      };
      // Both must be over: the handle's 'close' and every client's 'socket.disconnected' (the
      // listener may close before the last connection has told us).
      const onSocketClosed = (): void => {
        if (handleClosed && server.clientCount() === 0) done();
      };
      const onHandleClosed = (): void => {
        handleClosed = true;
        onSocketClosed();
      };
      events.on('error', onError);
      events.on('socket.disconnected', onSocketClosed);
      if (server.isStopped() && isReleased(server, handle)) {
        process.nextTick(done);
        return;
      }
      const wasListening = server.isListening();
      handle.once('close', onHandleClosed);
      server.stop();
      if (wasListening || !server.isStopped()) return;
      // Never listening (a failed or unfinished start): stop() left the handle to us. Closing a
      // net.Server that does not listen still emits 'close'; a closed dgram socket throws.
      try {
        handle.close();
      } catch {
        handle.off('close', onHandleClosed);
        process.nextTick(onHandleClosed);
      }
    });
  }

  /** Listens for replies and for clients leaving, from the first request, handler or iterator on. */
  private _listen(): void {
    if (this._listening) return;
    this._listening = true;
    const events = this._server.events;
    events.on(REPLY_TYPE, (data: unknown, socket: unknown) => {
      if (typeof data !== 'object' || data === null || typeof (data as ReplyEnvelope).reply !== 'number') return;
      if (typeof socket === 'object' && socket !== null) this._tables.get(socket)?.reply(data as ReplyEnvelope);
    });
    events.on('socket.disconnected', (socket: object) => {
      const table = this._tables.get(socket);
      if (table === undefined) return;
      this._tables.delete(socket);
      table.rejectAll((type) => new IpcError('ERR_IPC_DISCONNECTED',
        `The client closed while the request "${type}" waited for its reply; it is not re-sent`));
    });
  }

  private _refuse(method: string): void {
    if (this._server.isUdp()) {
      throw new IpcError('ERR_IPC_UNSUPPORTED',
        `${method}() is not available on a UDP server: datagrams may be lost or duplicated, so a request could not be answered at most once`);
    }
    if (this._server.isRaw()) throw rawModeError(method);
  }
}

function pair(data: unknown, socket: unknown): [unknown, unknown] {
  return [data, socket];
}

/** After stop(): true when the handle already closed (its 'close' has come and gone). */
function isReleased(server: ServerSeam, handle: ListeningHandle): boolean {
  if ('listening' in handle) return !handle.listening && server.clientCount() === 0;
  try {
    handle.address();
    return false;
  } catch {
    return true;
  }
}
