/**
 * The promise API of a server (`ipc.server`): `ready`, `request`, `handle`, `messages`,
 * `close`. Thin adapters over the events the server already publishes (`start`, `error`,
 * `socket.disconnected`, messages by type); correlation is per client socket (one
 * {@link RequestTable} each, dropped with the socket).
 *
 * UDP has no `request`/`handle`: a datagram may be lost (a request would only ever time out)
 * or duplicated (a handler would run twice), and nothing in node-ipc's UDP mode tells either
 * apart from a slow peer. Rather than promise "at most once" and break it, both throw
 * `ERR_IPC_UNSUPPORTED` there; `ready`, `messages` and `close` work on UDP too.
 */
import type { Server as NetServer } from 'node:net';
import { IpcError, assertId, invalidArgument } from '../errors';
import type { ServerSocket } from '../event-map';
import type { EventHub } from '../events';
import type { Server } from '../server';
import { answer, answerNoHandler, type AnyHandler, type Replier } from './answer';
import { MessageStream } from './message-stream';
import {
  abortError, assertFunction, checkHandleOptions, checkMessagesOptions, checkWaitOptions, rawModeError, timeoutError,
  type HandleOptions, type MessagesOptions, type ReadyOptions, type RequestOptions,
} from './options';
import { RequestTable } from './request-table';
import { REPLY_TYPE, isRequestEnvelope, type ReplyEnvelope } from './wire';

/** Built-in server events: never requests, whatever their data. */
const BUILTIN = new Set(['start', 'connect', 'socket.disconnected', 'error', 'data', 'drain']);

interface ServerState extends Replier {
  readonly tables: WeakMap<object, RequestTable>;
  readonly handlers: Map<string, unknown>;
  readonly streams: Set<MessageStream<unknown>>;
  catchAll: ((type: string, data: unknown, socket: unknown) => void) | null;
}

const states = new WeakMap<Server, ServerState>();

function hub(server: Server): EventHub {
  return server;
}

function stateOf(server: Server): ServerState {
  let state = states.get(server);
  if (state !== undefined) return state;
  const created: ServerState = {
    tables: new WeakMap(),
    handlers: new Map(),
    streams: new Set(),
    catchAll: null,
    // A reply to a socket that closed meanwhile goes nowhere (its connection refuses writes).
    // A local publish() of a request-shaped message has no socket to answer: dropped.
    sendReply(from, type, envelope) {
      if (typeof from === 'object' && from !== null) server.emit(from, type, envelope);
    },
  };
  state = created;
  states.set(server, created);
  const events = hub(server);
  events.on(REPLY_TYPE, (data: unknown, socket: unknown) => {
    if (typeof data !== 'object' || data === null || typeof (data as ReplyEnvelope).reply !== 'number') return;
    if (typeof socket === 'object' && socket !== null) created.tables.get(socket)?.reply(data as ReplyEnvelope);
  });
  events.on('socket.disconnected', (socket: object) => {
    const table = created.tables.get(socket);
    if (table === undefined) return;
    created.tables.delete(socket);
    table.rejectAll((type) => new IpcError('ERR_IPC_DISCONNECTED',
      `The client closed while the request "${type}" waited for its reply; it is not re-sent`));
  });
  return state;
}

function isUdp(server: Server): boolean {
  return server.udp4 || server.udp6;
}

function udpError(method: string): IpcError {
  return new IpcError('ERR_IPC_UNSUPPORTED',
    `${method}() is not available on a UDP server: datagrams may be lost or duplicated, so a request could not be answered at most once`);
}

/** `server.ready()`: see Server#ready. */
export function serverReady(server: Server, options: ReadyOptions | undefined): Promise<void> {
  const wait = checkWaitOptions(options);
  if (server.listening) return Promise.resolve();
  const signal = wait.signal;
  if (signal !== undefined && signal.aborted) return Promise.reject(abortError(signal));
  if (server.stopped) return Promise.reject(new IpcError('ERR_IPC_NOT_CONNECTED', 'The server was stopped; it will not listen'));
  const events = hub(server);
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    const settle = (err: Error | undefined): void => {
      events.off('start', onStart);
      events.off('error', onError);
      if (timer !== null) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onStart = (): void => settle(undefined);
    // A listen failure (EADDRINUSE, ...) is published without a source; socket faults carry one.
    const onError = (err: Error, source?: unknown): void => {
      if (source === undefined && !server.listening) settle(err);
    };
    const onAbort = (): void => settle(abortError(signal as AbortSignal));
    events.on('start', onStart);
    events.on('error', onError);
    if (wait.timeout > 0) timer = setTimeout(() => settle(timeoutError('ready() of the server', wait.timeout)), wait.timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `server.request()`: see Server#request. */
export function serverRequest(server: Server, socket: unknown, type: unknown, data: unknown, options: RequestOptions | undefined): Promise<unknown> {
  if (typeof socket !== 'object' || socket === null) throw invalidArgument('socket', 'a client socket', socket);
  assertId('type', type);
  if (isUdp(server)) throw udpError('request');
  if (server.config.rawBuffer) throw rawModeError('request');
  const wait = checkWaitOptions(options);
  const state = stateOf(server);
  const stream = socket as Partial<ServerSocket>;
  if (stream.destroyed === true || stream.writable !== true || !server.sockets.includes(socket as ServerSocket)) {
    return Promise.reject(new IpcError('ERR_IPC_NOT_CONNECTED', 'The socket is not a connected client of this server'));
  }
  let table = state.tables.get(socket);
  if (table === undefined) {
    table = new RequestTable((name, envelope) => server.emit(socket, name, envelope));
    state.tables.set(socket, table);
  }
  return table.request(type, data, wait);
}

/** `server.handle()`: see Server#handle. */
export function serverHandle(server: Server, type: unknown, handler: unknown, options: HandleOptions | undefined): () => void {
  assertId('type', type);
  assertFunction('handler', handler);
  const exposeStack = checkHandleOptions(options);
  if (isUdp(server)) throw udpError('handle');
  if (server.config.rawBuffer) throw rawModeError('handle');
  const state = stateOf(server);
  if (state.handlers.has(type)) {
    throw new IpcError('ERR_IPC_HANDLER_EXISTS', `The server already has a handler for "${type}"; call the function the first handle() returned to remove it`);
  }
  const fn = handler as AnyHandler;
  const listener = (envelope: unknown, socket: unknown): void => {
    if (isRequestEnvelope(envelope)) answer(fn, envelope.data, socket, envelope.request, socket, exposeStack, state);
  };
  state.handlers.set(type, listener);
  hub(server).on(type, listener);
  if (state.catchAll === null) {
    state.catchAll = (name: string, envelope: unknown, socket: unknown): void => {
      if (BUILTIN.has(name) || state.handlers.has(name) || !isRequestEnvelope(envelope)) return;
      answerNoHandler(envelope.request, name, socket, state);
    };
    hub(server).on('*', state.catchAll);
  }
  return () => {
    if (state.handlers.get(type) !== listener) return;
    state.handlers.delete(type);
    hub(server).off(type, listener);
  };
}

/** `server.messages()`: see Server#messages. */
export function serverMessages(server: Server, type: unknown, options: MessagesOptions | undefined): MessageStream<[unknown, unknown]> {
  assertId('type', type);
  const { signal, highWaterMark } = checkMessagesOptions(options);
  if (server.config.rawBuffer) throw rawModeError('messages');
  const state = stateOf(server);
  const events = hub(server);
  const stream = new MessageStream<[unknown, unknown]>(type, (push) => {
    const listener = (data: unknown, socket: unknown): void => push([data, socket]);
    events.on(type, listener);
    return () => events.off(type, listener);
  }, highWaterMark, signal, (ended) => state.streams.delete(ended as MessageStream<unknown>));
  if (server.stopped) stream.end();
  else state.streams.add(stream as MessageStream<unknown>);
  return stream;
}

/**
 * `server.close()`: `stop()` as a promise. Resolves once every client socket was flushed
 * and closed and the listening handle released; rejects with the first
 * `ERR_IPC_CLOSE_TIMEOUT` when a client did not read everything in time.
 */
export function serverClose(server: Server): Promise<void> {
  const state = states.get(server);
  if (state !== undefined) for (const stream of [...state.streams]) stream.end();
  const handle = server.server;
  if (handle === false) {
    server.stop();
    return Promise.resolve();
  }
  const events = hub(server);
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
      if (handleClosed && server.sockets.length === 0) done();
    };
    const onHandleClosed = (): void => {
      handleClosed = true;
      onSocketClosed();
    };
    events.on('error', onError);
    events.on('socket.disconnected', onSocketClosed);
    if (server.stopped && isReleased(server, handle)) {
      process.nextTick(done);
      return;
    }
    const wasListening = server.listening;
    handle.once('close', onHandleClosed);
    server.stop();
    if (wasListening || server.stopped === false) return;
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

/** After stop(): true when the handle already closed (its 'close' has come and gone). */
function isReleased(server: Server, handle: NetServer | { address(): unknown }): boolean {
  if ('listening' in handle) return !(handle).listening && server.sockets.length === 0;
  try {
    (handle).address();
    return false;
  } catch {
    return true;
  }
}

/** Requests to `socket` waiting for their reply (for tests and diagnostics). */
export function pendingServerRequests(server: Server, socket: object): number {
  return states.get(server)?.tables.get(socket)?.size ?? 0;
}
