/**
 * The kit's own end of a connection: plain `node:net` and bytes, never the library, so that a
 * case can write a frame one byte at a time, send garbage or half-close, and so that what it
 * checks is the peer under test, not node-ipc-ts reading its own output back.
 *
 * Every wait has a deadline and ends early when the connection does, with a message saying
 * what was awaited: a peer that sends nothing, or the wrong thing, makes a case FAIL and never
 * hangs the kit.
 */
import type { Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

/** What a case reports when the peer did not do what PROTOCOL.md says: the text of its FAIL line. */
export class Mismatch extends Error {
  override readonly name = 'Mismatch';
}

/** One frame as it came off the wire: its bytes, without the delimiter. */
export interface Frame {
  readonly bytes: Buffer;
}

/** A frame read as an envelope (§3.1). `hasData` is false when the `data` member is absent. */
export interface Envelope {
  readonly type: string;
  readonly data: unknown;
  readonly hasData: boolean;
}

/** At most this many characters of a value in a FAIL line: enough to see what differed. */
const PREVIEW = 160;

/** A value for a FAIL line, shortened. */
export function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : typeof value === 'string' && value.length > PREVIEW ? `a string of ${value.length} characters` : JSON.stringify(value);
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}... (${text.length} characters)` : text;
}

/** Parses a frame as §3.1 requires, or fails naming the bytes. */
export function envelope(frame: Frame): Envelope {
  const text = frame.bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Mismatch(`a frame that is not JSON: ${show(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Mismatch(`a frame that is not a JSON object: ${show(text)}`);
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'string') throw new Mismatch(`a frame whose type is not a string: ${show(text)}`);
  return { type: record.type, data: record.data, hasData: Object.prototype.hasOwnProperty.call(record, 'data') };
}

/** The bytes of a frame of `{type, data}` (data left out when undefined) with delimiter `d`. */
export function frameOf(type: string, data: unknown, d: Buffer): Buffer {
  return Buffer.concat([Buffer.from(JSON.stringify(data === undefined ? { type } : { type, data }), 'utf8'), d]);
}

/** Fails unless `got` is `expected`, deeply. */
export function same(what: string, got: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(got, expected)) throw new Mismatch(`${what}: got ${show(got)}, expected ${show(expected)}`);
}

/**
 * Cuts a byte stream into frames at a delimiter of any length (§2.1, §2.2). Keeps the chunks
 * of an unfinished frame in a list and searches only new bytes (plus the few a delimiter may
 * start in), so a 16 MiB frame in 64 KiB reads costs one copy, not one per read.
 */
export class FrameReader {
  private _chunks: Buffer[] = [];
  private _length = 0;

  constructor(private readonly _d: Buffer) {}

  /** The frames a chunk completes, in order. */
  push(chunk: Buffer): Buffer[] {
    const d = this._d;
    const carry = Math.min(d.length - 1, this._length);
    const joined = carry > 0 ? Buffer.concat([this._tail(carry), chunk]) : chunk;
    let at = joined.indexOf(d);
    if (at === -1) {
      this._chunks.push(chunk);
      this._length += chunk.length;
      return [];
    }
    const head = this._length > carry ? Buffer.concat(this._chunks, this._length).subarray(0, this._length - carry) : Buffer.alloc(0);
    const frames = [head.length > 0 ? Buffer.concat([head, joined.subarray(0, at)]) : joined.subarray(0, at)];
    let start = at + d.length;
    while ((at = joined.indexOf(d, start)) !== -1) {
      frames.push(joined.subarray(start, at));
      start = at + d.length;
    }
    const rest = joined.subarray(start);
    this._chunks = rest.length > 0 ? [rest] : [];
    this._length = rest.length;
    return frames;
  }

  private _tail(n: number): Buffer {
    const parts: Buffer[] = [];
    let have = 0;
    for (let i = this._chunks.length - 1; i >= 0 && have < n; i--) {
      const chunk = this._chunks[i] as Buffer;
      parts.unshift(chunk);
      have += chunk.length;
    }
    const all = Buffer.concat(parts, have);
    return all.subarray(all.length - n);
  }
}

/**
 * One connection to the peer under test. JSON mode (`delimiter` given): received bytes are
 * cut into frames, read in order with {@link Conn.next}. Raw mode: bytes are kept as they
 * come, read with {@link Conn.bytes}.
 */
export class Conn {
  private readonly _frames: Frame[] = [];
  private readonly _raw: Buffer[] = [];
  private _rawLength = 0;
  private readonly _reader: FrameReader | undefined;
  private readonly _waiters = new Set<() => void>();
  private _ended = false;
  private _closed = false;
  private _error: Error | undefined;

  /** Milliseconds each wait may take; the session sets it per case (a slow case gets more). */
  timeout: number;

  constructor(readonly socket: Socket, delimiter: Buffer | undefined, timeout: number) {
    this.timeout = timeout;
    this._reader = delimiter === undefined ? undefined : new FrameReader(delimiter);
    socket.on('data', (chunk: Buffer) => {
      if (this._reader === undefined) {
        this._raw.push(chunk);
        this._rawLength += chunk.length;
      } else {
        for (const bytes of this._reader.push(chunk)) this._frames.push({ bytes });
      }
      this._wake();
    });
    socket.on('end', () => {
      this._ended = true;
      this._wake();
    });
    socket.on('error', (err) => {
      // ECONNRESET, EPIPE: the peer went away. Kept for the FAIL line; 'close' follows.
      this._error = err;
    });
    socket.on('close', () => {
      this._closed = true;
      this._wake();
    });
  }

  /** Whether both directions may still carry bytes: the peer has not ended or closed it. */
  get open(): boolean {
    return !this._ended && !this._closed;
  }

  /** Whether the peer ended its side (end-of-stream) or the connection closed. */
  get ended(): boolean {
    return this._ended || this._closed;
  }

  /** Frames received and not yet read. */
  get queued(): number {
    return this._frames.length;
  }

  /** Writes bytes and resolves once the system took them (so the next write is a separate one). */
  send(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed || this.socket.writableEnded) {
        reject(new Mismatch(`the connection was already closed when the kit wrote${this._why()}`));
        return;
      }
      // A peer that stops reading must not stall the kit: the write has the timeout too.
      const timer = setTimeout(() => reject(new Mismatch(`the peer did not take ${bytes.length} bytes within ${this.timeout} ms`)), this.timeout);
      this.socket.write(bytes, (err) => {
        clearTimeout(timer);
        if (err) reject(new Mismatch(`the kit's write failed: ${err.message}`));
        else resolve();
      });
    });
  }

  /** Half-closes the kit's side (end-of-stream for the peer); reading goes on. */
  end(): void {
    this.socket.end();
  }

  /** Closes at once. */
  destroy(): void {
    this.socket.destroy();
  }

  /** The next frame. Fails when none arrives within the timeout or the peer ends first. */
  next(what: string): Promise<Frame> {
    return this._until(() => this._frames.shift(), what);
  }

  /** The next frame as an envelope (§3.1). */
  async message(what: string): Promise<Envelope> {
    return envelope(await this.next(what));
  }

  /** Raw mode: the next `n` bytes, however they were chunked. */
  bytes(n: number, what: string): Promise<Buffer> {
    return this._until(() => {
      if (this._rawLength < n) return undefined;
      const all = Buffer.concat(this._raw, this._rawLength);
      this._raw.length = 0;
      if (all.length > n) this._raw.push(all.subarray(n));
      this._rawLength = all.length - n;
      return all.subarray(0, n);
    }, what);
  }

  /** Resolves once the peer ended its side, after every frame it sent (which stay readable). */
  endOfStream(what: string): Promise<void> {
    return this._until(() => (this._ended ? true : undefined), what, true).then(() => undefined);
  }

  /** Resolves with true when the connection is closed or ended within `ms`, false when it is still open then. */
  closedWithin(ms: number): Promise<boolean> {
    return this._until(() => (this.ended ? true : undefined), 'the close', true, ms).then(() => true, () => false);
  }

  private _why(): string {
    return this._error === undefined ? '' : ` (${(this._error as NodeJS.ErrnoException).code ?? this._error.message})`;
  }

  private _until<T>(found: () => T | undefined, what: string, endIsFine = false, ms = this.timeout): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = found();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (!endIsFine && (this._ended || this._closed)) {
          done();
          reject(new Mismatch(`the peer ${this._ended ? 'ended' : 'closed'} the connection before ${what}${this._why()}`));
        } else if (endIsFine && this._closed && !this._ended) {
          done();
          reject(new Mismatch(`the connection was reset instead of ended before ${what}${this._why()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Mismatch(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        this._waiters.delete(check);
      };
      this._waiters.add(check);
      check();
    });
  }

  private _wake(): void {
    for (const waiter of [...this._waiters]) waiter();
  }
}
