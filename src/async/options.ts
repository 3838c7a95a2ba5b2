/**
 * Options shared by the promise methods, their checks (programmer mistakes throw at once,
 * STYLE 6.4), and the `AbortError` Node's own APIs reject with.
 */
import { IpcError, invalidArgument } from '../errors';

/** Options of `ready()` and `request()`. */
export interface WaitOptions {
  /** Milliseconds before rejecting with `ERR_IPC_TIMEOUT`; `0` or absent: no time limit. */
  timeout?: number | undefined;
  /** Rejects with an `AbortError` (its `cause` is the signal's reason) when the signal aborts. */
  signal?: AbortSignal | undefined;
}

/** Options of `request()`. */
export type RequestOptions = WaitOptions;

/** Options of `ready()`. */
export type ReadyOptions = WaitOptions;

/** Options of `messages()`. */
export interface MessagesOptions {
  /** Ends the iteration (it rejects with an `AbortError`) and removes its listener. */
  signal?: AbortSignal | undefined;
  /**
   * Most messages kept for a consumer that is behind (default 1024). One more and the
   * iterator stops listening: it yields what it kept, then rejects with `ERR_IPC_OVERFLOW`.
   */
  highWaterMark?: number | undefined;
}

/** Options of `handle()`. */
export interface HandleOptions {
  /** Sends the handler's error stack to the requester (default false: name, message and code only). */
  exposeStack?: boolean | undefined;
}

/** The default `highWaterMark` of `messages()`. */
export const DEFAULT_HIGH_WATER_MARK = 1024;

/** The error an aborted signal rejects with, as Node's own APIs make it (`events.once`, `timers/promises`). */
export class AbortError extends Error {
  /** Always `'AbortError'`. */
  override readonly name = 'AbortError';
  /** Always `'ABORT_ERR'`, Node's code. */
  readonly code = 'ABORT_ERR';

  /** `cause` is the signal's reason. */
  constructor(message = 'The operation was aborted', options?: {
    /** The signal's reason. */
    cause?: unknown;
  }) {
    super(message);
    if (options && 'cause' in options) {
      Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
    }
  }
}

/** The AbortError for `signal`. */
export function abortError(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

/** Validated wait options: the timeout in ms (0 for none) and the signal. */
export interface CheckedWait {
  timeout: number;
  signal: AbortSignal | undefined;
}

const NO_WAIT: CheckedWait = Object.freeze({ timeout: 0, signal: undefined });

/** Checks `options` of ready()/request(); throws a TypeError for a bad one. */
export function checkWaitOptions(options: WaitOptions | undefined): CheckedWait {
  if (options === undefined) return NO_WAIT;
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object', options);
  const { timeout, signal } = options;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
    throw invalidArgument('options.timeout', 'a non-negative number', timeout);
  }
  checkSignal(signal);
  if (timeout === undefined && signal === undefined) return NO_WAIT;
  return { timeout: timeout === undefined || timeout === Infinity ? 0 : timeout, signal };
}

/** Checks `options` of messages(). */
export function checkMessagesOptions(options: MessagesOptions | undefined): { signal: AbortSignal | undefined; highWaterMark: number } {
  if (options === undefined) return { signal: undefined, highWaterMark: DEFAULT_HIGH_WATER_MARK };
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object', options);
  const { signal, highWaterMark } = options;
  checkSignal(signal);
  if (highWaterMark !== undefined && (typeof highWaterMark !== 'number' || !Number.isInteger(highWaterMark) || highWaterMark < 1)) {
    throw invalidArgument('options.highWaterMark', 'a positive integer', highWaterMark);
  }
  return { signal, highWaterMark: highWaterMark ?? DEFAULT_HIGH_WATER_MARK };
}

/** Checks `options` of handle(). */
export function checkHandleOptions(options: HandleOptions | undefined): boolean {
  if (options === undefined) return false;
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'an object', options);
  return options.exposeStack === true;
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal === undefined) return;
  // Checked as the untrusted value it may be: JavaScript callers pass anything.
  const s = signal as unknown as { aborted?: unknown; addEventListener?: unknown } | null;
  if (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw invalidArgument('options.signal', 'an AbortSignal', signal);
  }
}

/** Throws unless `value` is a function. */
export function assertFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') throw invalidArgument(name, 'a function', value);
}

/** The error raw mode (`config.rawBuffer`) throws for the typed async methods. */
export function rawModeError(method: string): IpcError {
  return new IpcError('ERR_IPC_UNSUPPORTED',
    `${method}() needs JSON messages with a type; config.rawBuffer is on, where messages have no type (use 'data' events)`);
}

/** A timeout error for what waited. */
export function timeoutError(what: string, ms: number): IpcError {
  return new IpcError('ERR_IPC_TIMEOUT', `${what} timed out after ${ms} ms`);
}
