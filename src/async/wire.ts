/**
 * The wire shape of requests and replies: ordinary node-ipc messages, so an old node-ipc
 * peer sees a request as an ordinary event and can answer with nothing but `on` and `emit`.
 *
 * ```
 * request  {"type": "<type>",     "data": {"request": 7, "data": <payload>}}
 * reply    {"type": "ipc.reply",  "data": {"reply": 7, "data": <result>}}
 * failure  {"type": "ipc.reply",  "data": {"reply": 7, "error": {"name", "message", "code"}}}
 * ```
 * No `id` key at the top of `data`: node-ipc servers copy `data.id` to `socket.id`, and
 * `socket.disconnected` reports it (BEHAVIOUR.md "Server"), so a request must not touch it.
 * Correlation numbers are per connection: each side counts its own requests.
 */
import { IpcError } from '../errors';

/** The message type every reply travels under. */
export const REPLY_TYPE = 'ipc.reply';

/** The `data` of a request message. */
export interface RequestEnvelope {
  /** The correlation number, echoed as `reply` in the answer. */
  request: number;
  /** The request's payload. */
  data?: unknown;
}

/** What a failed handler sends back: never its stack unless the handler opted in. */
export interface RemoteErrorInfo {
  /** The remote error's `name` (`'Error'` when it had none). */
  name: string;
  /** The remote error's `message`. */
  message: string;
  /** The remote error's `code`, if it had a string or number one. */
  code?: string | number;
  /** The remote stack, only when the handler was registered with `exposeStack: true`. */
  stack?: string;
}

/** The `data` of a reply message. */
export interface ReplyEnvelope {
  /** The correlation number of the request it answers. */
  reply: number;
  /** The result, when the handler succeeded. */
  data?: unknown;
  /** The failure, when the handler threw or rejected (or there was none). */
  error?: RemoteErrorInfo;
}

/** Correlation numbers wrap here, far below 2^53, so they stay small integers. */
export const MAX_CORRELATION = 0x7fffffff;

/** True when `data` is a request envelope (a number under `request`). */
export function isRequestEnvelope(data: unknown): data is RequestEnvelope {
  return typeof data === 'object' && data !== null && typeof (data as RequestEnvelope).request === 'number';
}

/** The wire form of what a handler threw or rejected with. */
export function toRemoteError(err: unknown, exposeStack: boolean): RemoteErrorInfo {
  if (typeof err !== 'object' || err === null) return { name: 'Error', message: String(err) };
  const e = err as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown };
  const info: RemoteErrorInfo = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : 'a non-Error object was thrown',
  };
  if (typeof e.code === 'string' || typeof e.code === 'number') info.code = e.code;
  if (exposeStack && typeof e.stack === 'string') info.stack = e.stack;
  return info;
}

/** The error a requester rejects with for a failure reply (`ERR_IPC_REMOTE` or `ERR_IPC_NO_HANDLER`). */
export function fromRemoteError(type: string, error: unknown): IpcError {
  const raw = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Partial<Record<keyof RemoteErrorInfo, unknown>>;
  const remote: RemoteErrorInfo = {
    name: typeof raw.name === 'string' ? raw.name : 'Error',
    message: typeof raw.message === 'string' ? raw.message : '',
  };
  if (typeof raw.code === 'string' || typeof raw.code === 'number') remote.code = raw.code;
  if (typeof raw.stack === 'string') remote.stack = raw.stack;
  if (remote.code === 'ERR_IPC_NO_HANDLER') {
    return Object.assign(new IpcError('ERR_IPC_NO_HANDLER', `The peer has no handler for requests of type "${type}"`), { remote });
  }
  return Object.assign(new IpcError('ERR_IPC_REMOTE', `The peer's handler of "${type}" failed: ${remote.message}`), { remote });
}

/** The failure a peer answers with when it has no handler for a request's type. */
export function noHandlerError(type: string): RemoteErrorInfo {
  return { name: 'IpcError', message: `No handler for requests of type "${type}"`, code: 'ERR_IPC_NO_HANDLER' };
}
