/**
 * The promise API of a client (`ipc.of[id]`): `ready`, `request`, `handle`, `messages`,
 * `close`. Thin adapters over the events the client already publishes (`connect`,
 * `disconnect`, `destroy`, messages by type): no second state machine (STYLE 6.11).
 *
 * Per client, installed on first use: one {@link RequestTable} (its requests die with the
 * connection they went out on: `disconnect` rejects them, they are never re-sent), an
 * `ipc.reply` listener that settles them, and once a handler exists a `'*'` listener that
 * answers requests of types nobody handles with `ERR_IPC_NO_HANDLER`.
 */
import type { Client } from '../client';
import { IpcError, assertId } from '../errors';
import type { EventHub } from '../events';
import { answer, answerNoHandler, type AnyHandler, type Replier } from './answer';
import { MessageStream } from './message-stream';
import {
  abortError, assertFunction, checkHandleOptions, checkMessagesOptions, checkWaitOptions, rawModeError, timeoutError,
  type HandleOptions, type MessagesOptions, type ReadyOptions, type RequestOptions,
} from './options';
import { RequestTable } from './request-table';
import { REPLY_TYPE, isRequestEnvelope, type ReplyEnvelope } from './wire';

/** What `close()` needs of the IPC instance that registered the client (`ipc.disconnect(id)`). */
export interface ClientRegistry {
  of: Record<string, unknown>;
  disconnect(id: string): void;
}

/** Built-in client events: never requests, whatever their data. */
const BUILTIN = new Set(['connect', 'disconnect', 'destroy', 'error', 'data', 'drain']);

interface ClientState extends Replier {
  readonly table: RequestTable;
  readonly handlers: Map<string, unknown>;
  readonly streams: Set<MessageStream<unknown>>;
  /** Counts connections: a reply computed for an older connection is not sent on a newer one. */
  generation: number;
  catchAll: ((type: string, data: unknown) => void) | null;
}

const states = new WeakMap<Client, ClientState>();
const registries = new WeakMap<Client, ClientRegistry>();

/** @internal Called by the IPC instance for each client it registers, so `close()` can act as `ipc.disconnect(id)`. */
export function registerClient(client: Client, registry: ClientRegistry): void {
  registries.set(client, registry);
}

function hub(client: Client): EventHub {
  return client;
}

function stateOf(client: Client): ClientState {
  let state = states.get(client);
  if (state !== undefined) return state;
  const created: ClientState = {
    table: new RequestTable((type, envelope) => client.emit(type, envelope)),
    handlers: new Map(),
    streams: new Set(),
    generation: 0,
    catchAll: null,
    // Replies go back only on the connection the request came in on (`from`: its number).
    sendReply(from, type, envelope) {
      if (created.generation === from && client.connected) client.emit(type, envelope);
    },
  };
  state = created;
  states.set(client, created);
  const events = hub(client);
  events.on(REPLY_TYPE, (data: unknown) => {
    if (typeof data === 'object' && data !== null && typeof (data as ReplyEnvelope).reply === 'number') created.table.reply(data as ReplyEnvelope);
  });
  events.on('connect', () => {
    created.generation++;
  });
  events.on('disconnect', () => {
    created.generation++;
    created.table.rejectAll((type) => new IpcError('ERR_IPC_DISCONNECTED',
      `The connection to "${client.id}" closed while the request "${type}" waited for its reply; it is not re-sent`));
  });
  events.on('destroy', () => {
    for (const stream of [...created.streams]) stream.end();
  });
  return state;
}

/** `client.ready()`: see Client#ready. */
export function clientReady(client: Client, options: ReadyOptions | undefined): Promise<void> {
  const wait = checkWaitOptions(options);
  if (client.connected) return Promise.resolve();
  if (client.destroyed || client.explicitlyDisconnected) return Promise.reject(notConnected(client, undefined));
  const signal = wait.signal;
  if (signal !== undefined && signal.aborted) return Promise.reject(abortError(signal));
  const events = hub(client);
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    let timer: NodeJS.Timeout | null = null;
    const settle = (err: Error | undefined): void => {
      events.off('connect', onConnect);
      events.off('destroy', onDestroy);
      events.off('error', onError);
      if (timer !== null) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onConnect = (): void => settle(undefined);
    const onDestroy = (): void => settle(notConnected(client, lastError));
    const onError = (err: Error): void => {
      lastError = err;
    };
    const onAbort = (): void => settle(abortError(signal as AbortSignal));
    events.on('connect', onConnect);
    events.on('destroy', onDestroy);
    events.on('error', onError);
    if (wait.timeout > 0) timer = setTimeout(() => settle(timeoutError(`ready() of client "${client.id}"`, wait.timeout)), wait.timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function notConnected(client: Client, cause: unknown): IpcError {
  return new IpcError('ERR_IPC_NOT_CONNECTED', `Client "${client.id}" gave up connecting (or was disconnected)`,
    cause === undefined ? undefined : { cause });
}

/** `client.request()`: see Client#request. */
export function clientRequest(client: Client, type: unknown, data: unknown, options: RequestOptions | undefined): Promise<unknown> {
  assertId('type', type);
  if (client.config.rawBuffer) throw rawModeError('request');
  const wait = checkWaitOptions(options);
  const state = stateOf(client);
  if (!client.connected) {
    return Promise.reject(new IpcError('ERR_IPC_NOT_CONNECTED',
      `Client "${client.id}" is not connected; await ready() before request() (a request is sent at most once, never queued)`));
  }
  return state.table.request(type, data, wait);
}

/** `client.handle()`: see Client#handle. */
export function clientHandle(client: Client, type: unknown, handler: unknown, options: HandleOptions | undefined): () => void {
  assertId('type', type);
  assertFunction('handler', handler);
  const exposeStack = checkHandleOptions(options);
  if (client.config.rawBuffer) throw rawModeError('handle');
  const state = stateOf(client);
  if (state.handlers.has(type)) {
    throw new IpcError('ERR_IPC_HANDLER_EXISTS', `Client "${client.id}" already has a handler for "${type}"; call the function the first handle() returned to remove it`);
  }
  const fn = handler as AnyHandler;
  const listener = (envelope: unknown): void => {
    if (isRequestEnvelope(envelope)) answer(fn, envelope.data, undefined, envelope.request, state.generation, exposeStack, state);
  };
  state.handlers.set(type, listener);
  hub(client).on(type, listener);
  if (state.catchAll === null) {
    state.catchAll = (name: string, envelope: unknown): void => {
      if (BUILTIN.has(name) || state.handlers.has(name) || !isRequestEnvelope(envelope)) return;
      answerNoHandler(envelope.request, name, state.generation, state);
    };
    hub(client).on('*', state.catchAll);
  }
  return () => {
    if (state.handlers.get(type) !== listener) return;
    state.handlers.delete(type);
    hub(client).off(type, listener);
  };
}

/** `client.messages()`: see Client#messages. */
export function clientMessages(client: Client, type: unknown, options: MessagesOptions | undefined): MessageStream<unknown> {
  assertId('type', type);
  const { signal, highWaterMark } = checkMessagesOptions(options);
  if (client.config.rawBuffer) throw rawModeError('messages');
  const state = stateOf(client);
  const events = hub(client);
  const stream = new MessageStream<unknown>(type, (push) => {
    events.on(type, push);
    return () => events.off(type, push);
  }, highWaterMark, signal, (ended) => state.streams.delete(ended));
  if (client.destroyed) stream.end();
  else state.streams.add(stream);
  return stream;
}

/**
 * `client.close()`: `ipc.disconnect(id)` as a promise. Resolves once the socket closed after
 * writing everything emitted before; rejects with `ERR_IPC_CLOSE_TIMEOUT` or
 * `ERR_IPC_UNSENT` when the close lost messages.
 */
export function clientClose(client: Client): Promise<void> {
  const registry = registries.get(client);
  const events = hub(client);
  if (client.destroyed) {
    if (registry !== undefined && registry.of[client.id] === client) delete registry.of[client.id];
    return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
    let failure: Error | undefined;
    const onError = (err: Error): void => {
      const code = (err as { code?: unknown } | null)?.code;
      if (failure === undefined && (code === 'ERR_IPC_CLOSE_TIMEOUT' || code === 'ERR_IPC_UNSENT')) failure = err;
    };
    const onDestroy = (): void => {
      events.off('error', onError);
      if (failure === undefined) resolve();
      else reject(failure);
    };
    events.on('error', onError);
    events.once('destroy', onDestroy);
    if (registry !== undefined && registry.of[client.id] === client) {
      registry.disconnect(client.id);
    } else if (!client.explicitlyDisconnected) {
      // Not (or no longer) in an `ipc.of`: the same steps as ipc.disconnect.
      client.off('*', '*');
      client.disconnectNow();
    }
  });
}

/** Requests of `client` waiting for their reply (for tests and diagnostics). */
export function pendingRequests(client: Client): number {
  return states.get(client)?.table.size ?? 0;
}

