/**
 * Error codes and argument checks.
 *
 * Two kinds of failure, two channels (see README "Error codes"):
 * - programmer mistakes (a wrong argument) throw a `TypeError` synchronously;
 * - runtime faults (a peer's bad frame, a limit passed, a lost peer) are published as an
 *   `error` event carrying an {@link IpcError} with a stable `code`.
 * System errors from `net`/`tls`/`dgram` (ECONNREFUSED, EADDRINUSE, ...) are published as
 * Node created them, because existing node-ipc users test their `code`.
 */

/**
 * Stable codes of the errors this library creates. Codes are API; messages are not. Where
 * node-ipc 14 has a code for the same fault, it is node-ipc 14's (README "Error codes").
 */
export type IpcErrorCode =
  /** An incoming frame grew past `config.maxMessageSize` before its delimiter arrived (guarded: also a frame sent). */
  | 'ERR_IPC_FRAME_TOO_LARGE'
  /** A frame is not JSON (node-ipc 14's code). */
  | 'ERR_IPC_INVALID_JSON'
  /** A frame is JSON but not an object envelope `{"type": ..., "data": ...}`. */
  | 'ERR_IPC_INVALID_MESSAGE'
  /** `serialization: 'advanced'`: a frame whose header, end byte or structured-clone body does not decode. */
  | 'ERR_IPC_INVALID_FRAME'
  /** The peer speaks the other serialization (JSON frames to an advanced endpoint, or advanced frames to a JSON one). */
  | 'ERR_IPC_SERIALIZATION_MISMATCH'
  /** An envelope's `type` is not a non-empty string, or (guarded) a prototype name such as `__proto__`. */
  | 'ERR_IPC_INVALID_EVENT'
  /** Guarded: an event name longer than `config.maxEventNameLength`. */
  | 'ERR_IPC_EVENT_TOO_LARGE'
  /** Guarded: a lifecycle name (`connect`, `error`, `data`, ...) from the wire or sent, without `allowReservedEvents`. */
  | 'ERR_IPC_RESERVED_EVENT'
  /** Assured: an event name missing from `config.allowedEvents`, received or sent. */
  | 'ERR_IPC_EVENT_NOT_ALLOWED'
  /** Assured: a transport the profile cannot secure (plain TCP, UDP, a local endpoint outside the secure root, Windows pipes). */
  | 'ERR_IPC_ASSURED_TRANSPORT'
  /** Assured: TLS options without verified mutual authentication. */
  | 'ERR_IPC_ASSURED_TLS'
  /** `secureSocketRoot`: the socket root is a symlink, not a directory, or owned by another user. */
  | 'ERR_IPC_SOCKET_ROOT'
  /** node-ipc 14 keys set: a server path holds something that is not a socket, and `unlink` would remove it. */
  | 'ERR_IPC_UNLINK_NOT_SOCKET'
  /** `emit()` on a client that has given up (destroyed or disconnected). */
  | 'ERR_IPC_NOT_CONNECTED'
  /** Async API: a `request` or `ready` got no answer within its `timeout`. */
  | 'ERR_IPC_TIMEOUT'
  /** Async API: the peer's request handler threw or rejected (`err.remote` has its name, message, code). */
  | 'ERR_IPC_REMOTE'
  /** Async API: the peer has no `handle` for the request's type. */
  | 'ERR_IPC_NO_HANDLER'
  /** Async API: the connection closed while a request waited for its reply (never re-sent). */
  | 'ERR_IPC_DISCONNECTED'
  /** Async API: a `messages()` iterator nobody drained passed its `highWaterMark`. */
  | 'ERR_IPC_OVERFLOW'
  /** The call cannot work in this mode (`rawBuffer` has no types; UDP has no requests), or the runtime lacks what `serialization: 'advanced'` needs. */
  | 'ERR_IPC_UNSUPPORTED'
  /** Async API: `handle` for a type that already has a handler. */
  | 'ERR_IPC_HANDLER_EXISTS'
  /** Bytes waiting to be written to one peer passed `config.maxPendingBytes` (node-ipc 14's code). */
  | 'ERR_IPC_BACKPRESSURE'
  /** An incomplete frame was older than `config.messageTimeout`. */
  | 'ERR_IPC_MESSAGE_TIMEOUT'
  /** A graceful close (disconnect, stop) still had unsent bytes after `config.closeTimeout`. */
  | 'ERR_IPC_CLOSE_TIMEOUT'
  /** A client finished (disconnected, or gave up retrying) with messages no connection ever took. */
  | 'ERR_IPC_UNSENT'
  /** `config.tls` lacks what a TLS server or client needs, or names an unreadable file (node-ipc 14's code). */
  | 'ERR_IPC_TLS_CONFIGURATION'
  /** A UDP datagram larger than the operating system allows. */
  | 'ERR_IPC_DATAGRAM_TOO_LARGE'
  /** A server was started without a path or port. */
  | 'ERR_IPC_NO_ADDRESS';

/** A runtime fault reported through an `error` event. */
export class IpcError extends Error {
  /** Always `'IpcError'`, so `err.name` tells it from Node's system errors. */
  override readonly name = 'IpcError';
  /** The stable code: match on it, never on the message (codes are API, messages are not). */
  readonly code: IpcErrorCode;

  /** Made by the library; `options.cause` carries the underlying system error, if any. */
  constructor(code: IpcErrorCode, message: string, options?: {
    /** The underlying error (as `Error.cause`). */
    cause?: unknown;
  }) {
    super(message);
    this.code = code;
    // Assigned by hand: `Error(message, {cause})` is ES2022 and we promise Node 18 typings.
    if (options && 'cause' in options) {
      Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
    }
  }
}

/** The error thrown for a wrong argument, in Node's own wording and code. */
export function invalidArgument(name: string, expected: string, actual: unknown): TypeError {
  const err = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(actual)}`);
  return Object.assign(err, { code: 'ERR_INVALID_ARG_TYPE' as const });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'string') return `type string (${JSON.stringify(value.length > 28 ? `${value.slice(0, 25)}...` : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `type ${typeof value} (${String(value)})`;
  }
  if (typeof value === 'object') return Array.isArray(value) ? 'an instance of Array' : `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `type ${typeof value}`;
}

/**
 * Throws unless `value` is a string. The empty string is sent, as node-ipc 9 and 10 sent it
 * (their receivers publish it), and reported once with NODEIPC_EMPTY_TYPE.
 */
export function assertMessageType(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw invalidArgument('type', 'a non-empty string', value);
  if (value.length === 0) {
    warnOnce('NODEIPC_EMPTY_TYPE', 'A message was sent with the empty string as its type, as node-ipc sent it; receivers publish it under \'\'. Name the message type.');
  }
}

/** Throws unless `value` is a non-empty string (the async API: new calls, no node-ipc tolerance to keep). */
export function assertId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(name, 'a non-empty string', value);
}

/** Throws unless `value` is a function or undefined. */
export function assertOptionalFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw invalidArgument(name, 'a function', value);
}

/**
 * Codes of the warnings this library emits (`process.emitWarning`, once per code per process;
 * see README "Warnings"). Each marks a call node-ipc accepted and went on with, which this
 * library also goes on with, doing what node-ipc did, instead of throwing.
 */
export type IpcWarningCode =
  /** Raw mode `emit` / `server.emit` / `broadcast` got values past the first; only the first is sent. */
  | 'NODEIPC_RAW_EXTRA_ARGS'
  /** `connectTo` / `connectToNet` / `disconnect` without an id (or an empty one): nothing is done. */
  | 'NODEIPC_NO_ID'
  /** A client id that is not a string: it is used as the string it converts to. */
  | 'NODEIPC_ID_NOT_STRING'
  /** `serveNet` got a string that is neither a port nor `'udp4'`/`'udp6'` as UDP type: ignored (a TCP server). */
  | 'NODEIPC_UNKNOWN_UDP_TYPE'
  /** `emit` / `server.emit` / `broadcast` with the empty string as message type: sent as it is. */
  | 'NODEIPC_EMPTY_TYPE';

/** The `name` of every warning this library emits (`process.on('warning', w => w.name)`). */
export const WARNING_NAME = 'NodeIpcWarning';

const warned = new Set<IpcWarningCode>();

/**
 * Tells the programmer, once per process and code, that a call was tolerated as node-ipc
 * tolerated it. Later calls with the same code stay silent (a hot path pays one Set lookup).
 */
export function warnOnce(code: IpcWarningCode, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  process.emitWarning(message, { type: WARNING_NAME, code });
}
