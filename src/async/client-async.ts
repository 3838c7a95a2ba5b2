/**
 * The promise API of a client (`ipc.of[id]`): `ready`, `request`, `handle`, `messages`,
 * `close`. Thin adapters over the events the client already publishes (`connect`,
 * `disconnect`, `destroy`, messages by type): no second state machine (STYLE 6.11).
 *
 * One per client, made by the client on first use and held in a field of it. It owns one
 * {@link RequestTable} (its requests die with the connection they went out on: `disconnect`
 * rejects them, they are never re-sent), the `ipc.reply` listener that settles them, and the
 * client's {@link RequestHandlers}. It reaches the client only through a {@link ClientSeam}.
 */
import { IpcError, assertId } from '../errors';
import type { ReplyEnvelope } from './wire';
import type { Replier } from './answer';
import { RequestHandlers } from './handlers';
import type { MessageStream } from './message-stream';
import {
  checkWaitOptions, rawModeError,
  type HandleOptions, type MessagesOptions, type ReadyOptions, type RequestOptions,
} from './options';
import { RequestTable } from './request-table';
import type { ClientSeam } from './seam';
import { waitFor } from './wait';
import { REPLY_TYPE } from './wire';

/** Built-in client events: never requests, whatever their data. */
const BUILTIN = new Set(['connect', 'disconnect', 'destroy', 'error', 'data', 'drain']);

export class ClientAsync implements Replier {
  private readonly _client: ClientSeam;
  private readonly _table: RequestTable;
  private readonly _handlers: RequestHandlers;
  /** Counts connections: a reply computed for an older connection is not sent on a newer one. */
  private _generation = 0;
  private _listening = false;

  constructor(client: ClientSeam) {
    this._client = client;
    this._table = new RequestTable((type, envelope) => client.send(type, envelope));
    this._handlers = new RequestHandlers(client.events, BUILTIN, this, { originOf: () => this._generation, passesSource: false });
  }

  /** Requests waiting for their reply (for tests and diagnostics). */
  get pendingRequests(): number {
    return this._table.size;
  }

  /**
   * Listens for replies and for the ends of connections, from the first request, handler or
   * iterator on (`ready` and `close` need none of it, and add nothing to the client).
   */
  private _listen(): void {
    if (this._listening) return;
    this._listening = true;
    const client = this._client;
    const events = client.events;
    events.on(REPLY_TYPE, (data: unknown) => {
      if (typeof data === 'object' && data !== null && typeof (data as ReplyEnvelope).reply === 'number') this._table.reply(data as ReplyEnvelope);
    });
    events.on('connect', () => {
      this._generation++;
    });
    events.on('disconnect', () => {
      this._generation++;
      this._table.rejectAll((type) => new IpcError('ERR_IPC_DISCONNECTED',
        `The connection to "${client.id}" closed while the request "${type}" waited for its reply; it is not re-sent`));
    });
    events.on('destroy', () => this._handlers.endStreams());
  }

  /** @internal Replier: replies go back only on the connection the request came in on. */
  sendReply(from: unknown, type: typeof REPLY_TYPE, envelope: ReplyEnvelope): void {
    if (this._generation === from && this._client.isConnected()) this._client.send(type, envelope);
  }

  /** @internal Replier: a reply that could not be sent is published as `error`. */
  replyFailed(_from: unknown, err: unknown): void {
    this._client.events.publish('error', err);
  }

  /** See Client#ready. */
  ready(options: ReadyOptions | undefined): Promise<void> {
    const wait = checkWaitOptions(options);
    const client = this._client;
    if (client.isConnected()) return Promise.resolve();
    if (client.isFinished()) return Promise.reject(notConnected(client.id, undefined));
    const events = client.events;
    return waitFor(wait, `ready() of client "${client.id}"`, (settle) => {
      let lastError: Error | undefined;
      const onConnect = (): void => settle(undefined);
      const onDestroy = (): void => settle(notConnected(client.id, lastError));
      const onError = (err: Error): void => {
        lastError = err;
      };
      events.on('connect', onConnect);
      events.on('destroy', onDestroy);
      events.on('error', onError);
      return () => {
        events.off('connect', onConnect);
        events.off('destroy', onDestroy);
        events.off('error', onError);
      };
    });
  }

  /** See Client#request. */
  request(type: unknown, data: unknown, options: RequestOptions | undefined): Promise<unknown> {
    assertId('type', type);
    this._refuseRaw('request');
    const wait = checkWaitOptions(options);
    this._listen();
    if (!this._client.isConnected()) {
      return Promise.reject(new IpcError('ERR_IPC_NOT_CONNECTED',
        `Client "${this._client.id}" is not connected; await ready() before request() (a request is sent at most once, never queued)`));
    }
    return this._table.request(type, data, wait);
  }

  /** See Client#handle. */
  handle(type: unknown, handler: unknown, options: HandleOptions | undefined): () => void {
    return this._handlers.add(type, handler, options, `Client "${this._client.id}"`, (method) => {
      this._refuseRaw(method);
      this._listen();
    });
  }

  /** See Client#messages. */
  messages(type: unknown, options: MessagesOptions | undefined): MessageStream<unknown> {
    return this._handlers.stream(type, options, (method) => {
      this._refuseRaw(method);
      this._listen();
    }, identity, this._client.isDestroyed());
  }

  /**
   * See Client#close: `ipc.disconnect(id)` as a promise. Resolves once the socket closed after
   * writing everything emitted before; rejects with `ERR_IPC_CLOSE_TIMEOUT` or
   * `ERR_IPC_UNSENT` when the close lost messages.
   */
  close(): Promise<void> {
    const client = this._client;
    const events = client.events;
    if (client.isDestroyed()) {
      client.unregister();
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
      client.disconnect();
    });
  }

  private _refuseRaw(method: string): void {
    if (this._client.isRaw()) throw rawModeError(method);
  }
}

function identity(data: unknown): unknown {
  return data;
}

function notConnected(id: string, cause: unknown): IpcError {
  return new IpcError('ERR_IPC_NOT_CONNECTED', `Client "${id}" gave up connecting (or was disconnected)`,
    cause === undefined ? undefined : { cause });
}
