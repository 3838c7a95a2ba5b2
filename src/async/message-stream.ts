/**
 * `messages(type)`: an async iterator over one event type, fed by an ordinary listener.
 *
 * Memory is bounded by a high-water mark, not by pausing the socket: a socket carries every
 * type (and the replies of requests), so pausing it for one slow iterator would stall the
 * rest. Past `highWaterMark` unread messages the iterator stops listening, yields what it
 * kept, then rejects with `ERR_IPC_OVERFLOW`: the consumer learns where the gap is, and
 * nothing grows meanwhile.
 */
import { IpcError } from '../errors';
import { abortError } from './options';

/** Adds the listener; returns a function that removes it. */
export type Subscribe<T> = (push: (value: T) => void) => () => void;

interface Waiter<T> {
  resolve: (result: IteratorResult<T, undefined>) => void;
  reject: (err: Error) => void;
}

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

export class MessageStream<T> implements AsyncIterableIterator<T> {
  /** Unread values; `_head` is the next one (no `shift()`: O(1) reads on a long backlog). */
  private _buffer: T[] = [];
  private _head = 0;
  /** next() calls waiting for a message, oldest first (callers may not wait for each other). */
  private _waiters: Array<Waiter<T>> = [];
  /** Set when the stream ends: `null` for a clean end, else the error it ends with. */
  private _end: { error: Error | undefined } | null = null;
  private _unsubscribe: (() => void) | null;
  private readonly _highWaterMark: number;
  private readonly _signal: AbortSignal | undefined;
  private readonly _type: string;
  private readonly _onAbort: (() => void) | null = null;
  private readonly _onEnd: ((stream: MessageStream<T>) => void) | undefined;

  constructor(type: string, subscribe: Subscribe<T>, highWaterMark: number, signal: AbortSignal | undefined, onEnd?: (stream: MessageStream<T>) => void) {
    this._type = type;
    this._highWaterMark = highWaterMark;
    this._signal = signal;
    this._onEnd = onEnd;
    this._unsubscribe = subscribe((value) => this._push(value));
    if (signal !== undefined) {
      if (signal.aborted) {
        this._finish({ error: abortError(signal) }, true);
        return;
      }
      this._onAbort = () => this._finish({ error: abortError(signal) }, true);
      signal.addEventListener('abort', this._onAbort, { once: true });
    }
  }

  /** Messages received and not yet read. */
  get buffered(): number {
    return this._buffer.length - this._head;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this._head < this._buffer.length) {
      const value = this._buffer[this._head] as T;
      this._buffer[this._head++] = undefined as T;
      if (this._head === this._buffer.length) {
        this._buffer = [];
        this._head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    const end = this._end;
    if (end !== null) {
      if (end.error === undefined) return Promise.resolve(DONE);
      // The error is given once; afterwards the iterator is simply done.
      this._end = { error: undefined };
      return Promise.reject(end.error);
    }
    return new Promise((resolve, reject) => {
      this._waiters.push({ resolve, reject });
    });
  }

  /** `break` out of `for await`: stops listening and drops what was kept. */
  return(): Promise<IteratorResult<T, undefined>> {
    this._finish({ error: undefined }, true);
    this._end = { error: undefined };
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the iteration cleanly after what was kept (the client or server closed). */
  end(): void {
    this._finish({ error: undefined }, false);
  }

  private _push(value: T): void {
    if (this._end !== null) return;
    const waiter = this._waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve({ done: false, value });
      return;
    }
    if (this.buffered >= this._highWaterMark) {
      this._finish({
        error: new IpcError('ERR_IPC_OVERFLOW',
          `messages("${this._type}"): more than highWaterMark (${this._highWaterMark}) messages waited to be read; the iterator stopped listening`),
      }, false);
      return;
    }
    this._buffer.push(value);
  }

  /** Stops listening; `drop` also discards what was kept (abort, return). */
  private _finish(end: { error: Error | undefined }, drop: boolean): void {
    if (this._end === null) this._end = end;
    if (drop) {
      this._buffer = [];
      this._head = 0;
    }
    if (this._unsubscribe !== null) {
      this._unsubscribe();
      this._unsubscribe = null;
      if (this._onAbort !== null) this._signal?.removeEventListener('abort', this._onAbort);
      this._onEnd?.(this);
    }
    // The error goes to the first waiting next(); the others (and later calls) are done.
    for (const waiter of this._waiters.splice(0)) {
      const error = this._end.error;
      if (error === undefined) {
        waiter.resolve(DONE);
      } else {
        this._end = { error: undefined };
        waiter.reject(error);
      }
    }
  }
}
