/**
 * The requests one connection has in flight: correlation numbers, the pending map, timeouts
 * and abort. It never sees a socket: the owner gives it a `send` function and hands it the
 * replies it hears (STYLE 6.11). Client and server use it alike, one table per connection.
 *
 * Bounds: a settled request leaves the map and its timer is cleared at once (timeout, abort,
 * reply or drop, whichever comes first; the others then find nothing). Correlation numbers
 * wrap at {@link MAX_CORRELATION}, so they stay small integers however long a connection lives.
 */
import { type IpcError } from '../errors';
import { abortError, timeoutError, type CheckedWait } from './options';
import { MAX_CORRELATION, fromRemoteError, type ReplyEnvelope } from './wire';

/** Sends one request message; returns what `emit` returned. */
export type SendRequest = (type: string, envelope: { request: number; data: unknown }) => unknown;

interface Pending {
  readonly type: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  timer: NodeJS.Timeout | null;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

export class RequestTable {
  private readonly _pending = new Map<number, Pending>();
  private readonly _send: SendRequest;
  private _last = 0;

  constructor(send: SendRequest) {
    this._send = send;
  }

  /** Requests waiting for their reply. */
  get size(): number {
    return this._pending.size;
  }

  /**
   * Sends a request and resolves with the reply's data. Rejects with `ERR_IPC_TIMEOUT`,
   * an `AbortError`, `ERR_IPC_REMOTE` / `ERR_IPC_NO_HANDLER` (a failure reply), or whatever
   * {@link rejectAll} is given (the connection dropped). A send that throws (unserialisable
   * data) rejects with that error and leaves nothing behind.
   */
  request(type: string, data: unknown, wait: CheckedWait): Promise<unknown> {
    const signal = wait.signal;
    if (signal !== undefined && signal.aborted) return Promise.reject(abortError(signal));
    const id = this._last = this._last >= MAX_CORRELATION ? 1 : this._last + 1;
    let pending!: Pending;
    const promise = new Promise<unknown>((resolve, reject) => {
      pending = { type, resolve, reject, timer: null, signal: undefined, onAbort: null };
    });
    try {
      this._send(type, { request: id, data });
    } catch (err) {
      // What JSON.stringify throws (a cycle, a BigInt): always an Error.
      return Promise.reject(err instanceof Error ? err : new TypeError(String(err)));
    }
    this._pending.set(id, pending);
    if (wait.timeout > 0) {
      pending.timer = setTimeout(requestTimedOut, wait.timeout, this, id, wait.timeout);
      pending.timer.unref();
    }
    if (signal !== undefined) {
      pending.signal = signal;
      pending.onAbort = () => this._settle(id, false, abortError(signal));
      signal.addEventListener('abort', pending.onAbort, { once: true });
    }
    return promise;
  }

  /** A reply arrived: settles its request, if it still waits (late and unknown replies are ignored). */
  reply(envelope: ReplyEnvelope): void {
    const id = envelope.reply;
    const pending = this._pending.get(id);
    if (pending === undefined) return;
    if (envelope.error !== undefined) this._settle(id, false, fromRemoteError(pending.type, envelope.error));
    else this._settle(id, true, envelope.data);
  }

  /** Rejects every waiting request with a fresh error from `make` (the connection dropped). */
  rejectAll(make: (type: string) => IpcError): void {
    if (this._pending.size === 0) return;
    for (const [id, pending] of [...this._pending]) this._settle(id, false, make(pending.type));
  }

  /** @internal The timer of request `id` fired. */
  timedOut(id: number, ms: number): void {
    const pending = this._pending.get(id);
    if (pending === undefined) return;
    pending.timer = null;
    this._settle(id, false, timeoutError(`The request "${pending.type}"`, ms));
  }

  private _settle(id: number, ok: boolean, value: unknown): void {
    // `value` is the reply's data when ok, else the Error to reject with.
    const pending = this._pending.get(id);
    if (pending === undefined) return;
    this._pending.delete(id);
    if (pending.timer !== null) clearTimeout(pending.timer);
    if (pending.onAbort !== null) pending.signal?.removeEventListener('abort', pending.onAbort);
    if (ok) pending.resolve(value);
    else pending.reject(value as Error);
  }
}

function requestTimedOut(table: RequestTable, id: number, ms: number): void {
  table.timedOut(id, ms);
}
