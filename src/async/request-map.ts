/**
 * Opt-in typed requests (types only), in the style of the event maps (../event-map.ts).
 *
 * A request map names each request type with its payload and its reply:
 * `{ add: { request: { a: number; b: number }; reply: number } }`. Give it as the second
 * type argument, `new IPCModule<Events, Requests>()`, and `request`, `handle` check names,
 * payloads and replies. Without one every request and reply is `any`.
 */
import type { ServerSocket, Structured } from '../event-map';
import type { RequestOptions } from './options';

/** One request type: what is sent and what comes back. */
export interface RequestSpec {
  /** The payload `request()` sends. */
  request?: unknown;
  /** What the handler returns (or resolves with), and `request()` resolves with. */
  reply?: unknown;
}

/** The default request map: any name, any payload, any reply. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the untyped default is deliberately any-friendly
export type AnyRequests = Record<string, { request: any; reply: any }>;

/** What a typed request map may look like: request type -> {@link RequestSpec}. */
export type RequestMap = object;

/** The request types of map `R`. */
export type RequestName<R> = keyof R & string;

/** The payload of request spec `S`; `undefined` when it names none. */
export type RequestData<S> = S extends { request: infer Q } ? Q : undefined;

/** The reply of request spec `S`; `undefined` when it names none. */
export type ReplyData<S> = S extends { reply: infer P } ? P : undefined;

/** The arguments of `request(type, ...)` after the type: the payload is optional when it admits `undefined`. */
export type RequestArgs<S> = undefined extends RequestData<S>
  ? [data?: RequestData<S>, options?: RequestOptions]
  : [data: RequestData<S>, options?: RequestOptions];

/** A client's handler of requests the server sends: returns the reply, or a promise of it. */
export type ClientRequestHandler<S> = (data: RequestData<S>) => ReplyData<S> | PromiseLike<ReplyData<S>>;

/** A server's handler of client requests: gets the payload and the client's socket; returns the reply, or a promise of it. */
export type ServerRequestHandler<S> = (data: RequestData<S>, socket: ServerSocket) => ReplyData<S> | PromiseLike<ReplyData<S>>;

/**
 * A catch-all signature that only the untyped default can call (`[never]` for a typed map).
 * Why: it keeps a typed client or server assignable to the untyped `Client` / `Server`, as
 * the event maps' raw `emit` signature does.
 */
export type UntypedArgs<R, A extends unknown[]> = string extends keyof R ? A : [never];

/**
 * A request map for `serialization: 'advanced'`: the map itself, checked. Payloads and replies
 * may be any structured value (Buffers in and out), and a map whose payload or reply
 * structured clone cannot carry (a function, a method, a symbol) does not compile.
 * @example new IPCModule<Events, StructuredRequests<{ hash: { request: Buffer; reply: Buffer } }>>()
 */
export type StructuredRequests<R extends { [K in keyof R]: { [P in keyof R[K]]: Structured<R[K][P]> } }> = R;
