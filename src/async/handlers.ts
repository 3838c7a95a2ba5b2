/**
 * The answering side of a client or server, written once for both: request handlers by
 * type, the catch-all that answers requests nobody handles with `ERR_IPC_NO_HANDLER`, and
 * the `messages()` iterators that end with the endpoint. Installed listeners are ordinary
 * ones on the endpoint's events: no second dispatch path.
 */
import { IpcError, assertId } from '../errors';
import type { EventHub } from '../events';
import { answer, answerNoHandler, type AnyHandler, type Replier } from './answer';
import { MessageStream } from './message-stream';
import { assertFunction, checkHandleOptions, checkMessagesOptions, type HandleOptions, type MessagesOptions } from './options';
import { isRequestEnvelope } from './wire';

/** How an endpoint's requests are answered: who asked, and what its handlers get. */
export interface AnswerRoute {
  /** Where the reply to a request that came with `source` goes (a client's connection number, a server's socket). */
  originOf(source: unknown): unknown;
  /** Servers hand handlers the socket as a second argument; clients do not. */
  readonly passesSource: boolean;
}

export class RequestHandlers {
  private readonly _events: EventHub;
  private readonly _builtins: ReadonlySet<string>;
  private readonly _replier: Replier;
  private readonly _route: AnswerRoute;
  private readonly _byType = new Map<string, unknown>();
  private readonly _streams = new Set<MessageStream<unknown>>();
  private _catchAll: ((type: string, data: unknown, source: unknown) => void) | null = null;

  constructor(events: EventHub, builtins: ReadonlySet<string>, replier: Replier, route: AnswerRoute) {
    this._events = events;
    this._builtins = builtins;
    this._replier = replier;
    this._route = route;
  }

  /**
   * Answers requests of `type` with `handler`; returns the function that removes it.
   * `owner` names the endpoint in the error for a second handler of one type.
   */
  add(type: unknown, handler: unknown, options: HandleOptions | undefined, owner: string, refuse: (method: string) => void): () => void {
    assertId('type', type);
    assertFunction('handler', handler);
    const exposeStack = checkHandleOptions(options);
    refuse('handle');
    if (this._byType.has(type)) {
      throw new IpcError('ERR_IPC_HANDLER_EXISTS', `${owner} already has a handler for "${type}"; call the function the first handle() returned to remove it`);
    }
    const fn = handler as AnyHandler;
    const route = this._route;
    const replier = this._replier;
    const listener = (envelope: unknown, source: unknown): void => {
      if (isRequestEnvelope(envelope)) answer(fn, envelope.data, route.passesSource ? source : undefined, envelope.request, route.originOf(source), exposeStack, replier);
    };
    this._byType.set(type, listener);
    this._events.on(type, listener);
    if (this._catchAll === null) {
      this._catchAll = (name: string, envelope: unknown, source: unknown): void => {
        if (this._builtins.has(name) || this._byType.has(name) || !isRequestEnvelope(envelope)) return;
        answerNoHandler(envelope.request, name, route.originOf(source), replier);
      };
      this._events.on('*', this._catchAll);
    }
    return () => {
      if (this._byType.get(type) !== listener) return;
      this._byType.delete(type);
      this._events.off(type, listener);
    };
  }

  /**
   * Every `type` message as `toValue(data, source)`, as an async iterable that ends with the
   * endpoint ({@link endStreams}); `ended` says whether the endpoint is already over.
   */
  stream<T>(type: unknown, options: MessagesOptions | undefined, refuse: (method: string) => void, toValue: (data: unknown, source: unknown) => T, ended: boolean): MessageStream<T> {
    assertId('type', type);
    const { signal, highWaterMark } = checkMessagesOptions(options);
    refuse('messages');
    const events = this._events;
    const stream = new MessageStream<T>(type, (push) => {
      const listener = (data: unknown, source: unknown): void => push(toValue(data, source));
      events.on(type, listener);
      return () => events.off(type, listener);
    }, highWaterMark, signal, (done) => this._streams.delete(done as MessageStream<unknown>));
    if (ended) stream.end();
    else this._streams.add(stream as MessageStream<unknown>);
    return stream;
  }

  /** Ends every open `messages()` iterator (the endpoint is over). */
  endStreams(): void {
    for (const stream of [...this._streams]) stream.end();
  }
}
