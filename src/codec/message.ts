/**
 * The JSON-mode message: `JSON.stringify({type, data}) + delimiter`, byte for byte what
 * node-ipc (js-message) sends, and its validating inverse.
 */
import { IpcError } from '../errors';

/** A decoded message. */
export interface Message {
  type: string;
  data: unknown;
}

/** The longest piece of a bad frame kept on its error (the frame may be megabytes). */
const RESPONSE_EXCERPT = 1024;

/**
 * One JSON-mode frame. `undefined`, `null`, `''` (any falsy value but `false` and `0`) go out
 * as `{}`, as node-ipc sends them (BEHAVIOUR.md "Wire format"), so old receivers that read
 * `data.id` keep working. Throws what `JSON.stringify` throws (circular data, BigInt).
 */
export function encodeMessage(type: string, data: unknown, delimiter: string): string {
  return JSON.stringify({ type, data: legacyPayload(data) }) + delimiter;
}

/**
 * What node-ipc 9/10 put under `data`: `{}` for any falsy value but `false` and `0`, and for
 * an EventEmitter (it has `_maxListeners`), which would otherwise serialise its listeners or
 * throw on a cycle; anything else as it is.
 */
export function legacyPayload(data: unknown): unknown {
  if (!data && data !== false && data !== 0) return EMPTY_PAYLOAD;
  return typeof data === 'object' && (data as { _maxListeners?: unknown })._maxListeners ? EMPTY_PAYLOAD : data;
}

const EMPTY_PAYLOAD = {};

/**
 * Parses one frame. Returns an {@link IpcError} instead of throwing: ERR_IPC_INVALID_JSON when
 * the frame is not JSON, ERR_IPC_INVALID_MESSAGE when it is not an object, ERR_IPC_INVALID_EVENT
 * when its `type` is not a string (node-ipc 14's codes).
 * The error keeps node-ipc's fields: `message` starts 'Invalid JSON response format' for
 * unparsable frames, `response` is (an excerpt of) the frame text and `err` the parse error.
 */
export function decodeMessage(frame: string | Buffer): Message | IpcError {
  // No argument: Buffer#toString's UTF-8 fast path (naming the encoding costs a lookup per frame).
  const text = typeof frame === 'string' ? frame : frame.toString();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return invalid('ERR_IPC_INVALID_JSON', 'Invalid JSON response format', text, err);
  }
  if (typeof value !== 'object' || value === null) {
    return invalid('ERR_IPC_INVALID_MESSAGE', 'Invalid message format: expected {"type": string, "data": ...}', text, undefined);
  }
  if (typeof (value as { type?: unknown }).type !== 'string') {
    return invalid('ERR_IPC_INVALID_EVENT', 'Invalid message format: expected {"type": string, "data": ...}', text, undefined);
  }
  return value as Message;
}

function invalid(code: 'ERR_IPC_INVALID_JSON' | 'ERR_IPC_INVALID_MESSAGE' | 'ERR_IPC_INVALID_EVENT', message: string, text: string, cause: unknown): IpcError {
  const err = new IpcError(code, message, { cause });
  const response = text.length > RESPONSE_EXCERPT ? `${text.slice(0, RESPONSE_EXCERPT)}...` : text;
  return Object.assign(err, { err: cause, response });
}
