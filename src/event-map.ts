/**
 * Opt-in typed events (types only: this module emits no code).
 *
 * An event map names each message type and its payload, e.g.
 * `{ ping: { n: number }; pong: string }`. Give it to `new IPCModule<Events>()` (or cast an
 * untyped client or server to `IpcClient<Events>` / `IpcServer<Events>`) and `on`, `once`,
 * `off` and `emit` check names and payloads; built-in events (`connect`, `error`, ...) get
 * their real argument types. Without a map everything stays `any`, as with `@types/node-ipc`.
 */
import type { Socket as DgramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { UdpPeer } from './transport/udp';

/**
 * The default event map: any name, any payload. Why: code written for `@types/node-ipc`
 * (untyped handlers, `err.code` on `any`) must compile unchanged.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the untyped default is deliberately any-friendly
export type AnyEvents = Record<string, any>;

/**
 * What a typed event map may look like: message type -> payload (JSON-serialisable). An
 * interface works as well as a type literal.
 */
export type EventMap = object;

/** Any handler: the untyped default, what `@types/node-ipc` declared. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners receive whatever the peer sent
export type AnyListener = (...args: any[]) => void;

/** `true` for the untyped default map (it has a string index signature), else `false`. */
export type IsUntyped<E> = string extends keyof E ? true : false;

/**
 * The message types of map `E`: its string keys.
 * Why: the wire carries `type` as a string, so numeric or symbol keys cannot be sent.
 */
export type EventName<E> = keyof E & string;

/**
 * The payload argument(s) of `emit` for payload type `T`: optional when `T` admits
 * `undefined` (node-ipc sends `{}` for a missing payload), required otherwise.
 */
export type PayloadArgs<T> = undefined extends T ? [data?: T] : [data: T];

/** A server connection as handlers see it: the `net.Socket` / `tls.TLSSocket`, plus the id the client announced. */
export type ServerSocket = Socket & {
  /** The `id` of the last message whose data carried one (node-ipc copies `data.id` here); `socket.disconnected` reports it. */
  id?: unknown;
};

/**
 * Where a server message came from, and what `server.emit` takes back to reply: the
 * stream socket, or (UDP) the peer's `{address, port}`.
 */
export type MessageSource = ServerSocket | UdpPeer;

/**
 * What `server.emit` accepts as its first argument: a connected socket, or a UDP
 * `{address, port}`. Why optional keys: `@types/node-ipc` declared them so; a UDP target
 * without both falls back to `broadcast`, as node-ipc did.
 */
export type EmitTarget = ServerSocket | UdpTarget;

/** A UDP destination for `server.emit`. Without both keys the message is broadcast (node-ipc's behaviour). */
export interface UdpTarget {
  /** IP address of the peer. */
  address?: string | undefined;
  /** UDP port of the peer. */
  port?: number | undefined;
}

/** What `error` handlers get: an `IpcError`, or Node's own system error. */
export type ErrorWithCode = Error & {
  /** `ERR_IPC_*` for an `IpcError`, Node's code (`ECONNREFUSED`, ...) for a system error. */
  code?: string;
};

/** Built-in events of a client (`ipc.of[id]`) and their handler types. */
export interface ClientBuiltinListeners {
  /** The connection is open (TLS: after the handshake). */
  connect: () => void;
  /** The connection closed; a retry may follow. */
  disconnect: () => void;
  /** Retrying ended for good: no more reconnects, `ipc.of[id]` is stale. */
  destroy: () => void;
  /** A runtime fault: an `IpcError` with a `code`, or Node's own system error (ECONNREFUSED, ...). */
  error: (err: ErrorWithCode) => void;
  /** Raw mode (`config.rawBuffer`): received bytes. */
  data: (bytes: Buffer) => void;
  /** The socket's write buffer drained after `emit` returned `false`. */
  drain: () => void;
}

/** Built-in events of a server (`ipc.server`) and their handler types. */
export interface ServerBuiltinListeners {
  /** Listening. UDP servers pass their bound `{address, port}`; stream servers pass nothing. */
  start: (address?: UdpPeer) => void;
  /** A client connected (stream servers), or the UDP socket is ready (UDP servers get the dgram socket). */
  connect: (socket: ServerSocket | DgramSocket) => void;
  /** A client connection closed; `id` is the id it announced (`data.id`), or `false`. */
  'socket.disconnected': (socket: ServerSocket, id: unknown) => void;
  /** node-ipc 14 keys set: a client socket closed (after `socket.disconnected`), as node-ipc 14 publishes it. */
  close: (socket: ServerSocket) => void;
  /** A runtime fault; `source` is the connection it happened on, if any. */
  error: (err: ErrorWithCode, source?: MessageSource) => void;
  /** Raw mode (`config.rawBuffer`): received bytes and who sent them. */
  data: (bytes: Buffer, source: MessageSource) => void;
  /** A client socket's write buffer drained after `emit` returned `false`. */
  drain: (socket: ServerSocket) => void;
}

/** The untyped listener map: any name, any handler (`@types/node-ipc`'s `on(event: string, ...)`). */
export interface AnyListeners {
  [type: string]: AnyListener;
}

/** The `'*'` catch-all: every event as `(type, ...args)`. */
export interface CatchAllListener {
  /** Receives every event, after the event's own handlers. */
  '*': (type: string, ...args: unknown[]) => void;
}

/** Handler types of a client for event map `E`: message handlers get `(data)`. */
export type ClientListeners<E> = IsUntyped<E> extends true
  ? AnyListeners
  : { [K in EventName<E>]: (data: E[K]) => void } & Omit<ClientBuiltinListeners, EventName<E>> & CatchAllListener;

/** Handler types of a server for event map `E`: message handlers get `(data, source)`. */
export type ServerListeners<E> = IsUntyped<E> extends true
  ? AnyListeners
  : { [K in EventName<E>]: (data: E[K], source: MessageSource) => void } & Omit<ServerBuiltinListeners, EventName<E>> & CatchAllListener;

/**
 * The raw-mode arguments of `emit` (`config.rawBuffer`): strings, Buffers, typed arrays or
 * byte arrays, only without an event map. Why: typed maps describe JSON messages.
 */
export type RawArgs<E> = IsUntyped<E> extends true ? unknown[] : [never];

/**
 * What structured clone copies as it is, a whole value: primitives (BigInt and `undefined`
 * included), Date, RegExp, errors, ArrayBuffer and every view of one (Buffer, typed arrays,
 * DataView).
 */
export type CloneableLeaf = string | number | boolean | bigint | null | undefined | Date | RegExp | Error | ArrayBuffer | ArrayBufferView;

/**
 * A value `serialization: 'advanced'` carries (what `structuredClone` copies): a
 * {@link CloneableLeaf}, or arrays, Maps, Sets and plain objects of such values. Use it as a
 * payload type for "any structured value".
 */
export type Cloneable = CloneableLeaf | readonly Cloneable[] | ReadonlyMap<Cloneable, Cloneable> | ReadonlySet<Cloneable> | { readonly [key: string]: Cloneable };

/**
 * `T` with every part structured clone cannot copy replaced by `never`: functions (methods
 * too: a class instance with methods, a Promise, a WeakMap) and symbols. `T` itself when
 * nothing is (`any` and `unknown` pass as they are).
 */
export type Structured<T> =
  0 extends 1 & T ? T
    : unknown extends T ? T
      // Already known to be cloneable (and Cloneable itself, which would recurse for ever).
      : [T] extends [Cloneable] ? T
      : T extends CloneableLeaf ? T
        // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any callable, whatever its signature
        : T extends Function | symbol ? never
          : T extends ReadonlyMap<infer K, infer V> ? (T extends Map<K, V> ? Map<Structured<K>, Structured<V>> : ReadonlyMap<Structured<K>, Structured<V>>)
            : T extends ReadonlySet<infer V> ? (T extends Set<V> ? Set<Structured<V>> : ReadonlySet<Structured<V>>)
              : { [K in keyof T]: Structured<T[K]> };

/**
 * An event map for `serialization: 'advanced'`: the map itself, checked. Every payload may be
 * any {@link Cloneable} value (Buffer, Map, Set, Date, BigInt, ...), and a map with a payload
 * structured clone cannot carry (a function, a method, a symbol) does not compile.
 * @example new IPCModule<StructuredEvents<{ chunk: Buffer; stats: Map<string, bigint> }>>()
 */
export type StructuredEvents<E extends { [K in keyof E]: Structured<E[K]> }> = E;
