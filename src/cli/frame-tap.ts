/**
 * The proxy's view of a byte stream: it splits what passes on the delimiter and decodes each
 * frame for display. It only watches: the proxy forwards the very chunks it was handed, so
 * nothing the tap does (or fails to do) changes a byte on the wire.
 *
 * Chunks are kept as they arrived until a delimiter ends the frame (one copy per frame, none
 * while searching), the delimiter may be any length and cut across chunks, and a frame longer
 * than `maxFrame` is reported once and skipped up to its delimiter instead of being held.
 */

/** What the tap found in the stream. */
export type TapEvent =
  | { readonly kind: 'frame'; readonly frame: Buffer }
  /** A frame passed `maxFrame` bytes: it is not shown (its bytes are still forwarded). */
  | { readonly kind: 'oversize'; readonly bytes: number };

/** Splits one direction of a connection into frames. */
export class FrameTap {
  private readonly _delimiter: Buffer;
  private readonly _maxFrame: number;
  private readonly _emit: (event: TapEvent) => void;
  private _parts: Buffer[] = [];
  private _size = 0;
  /** Inside a frame that passed `maxFrame`: bytes are dropped until its delimiter. */
  private _skipping = false;

  constructor(delimiter: Buffer, maxFrame: number, emit: (event: TapEvent) => void) {
    if (delimiter.length === 0) throw new RangeError('the delimiter needs at least one byte');
    this._delimiter = delimiter;
    this._maxFrame = maxFrame;
    this._emit = emit;
  }

  /** Bytes of an unfinished frame, held until its delimiter. */
  get pending(): number {
    return this._skipping ? 0 : this._size;
  }

  /** Takes the next chunk of the stream. */
  push(chunk: Buffer): void {
    const delimiter = this._delimiter;
    const d = delimiter.length;
    let start = 0;
    if (this._size > 0 && d > 1) {
      // A delimiter that began in the held bytes and ends in this chunk.
      const tailLength = Math.min(d - 1, this._size);
      const probe = Buffer.concat([this._tail(tailLength), chunk.subarray(0, d - 1)]);
      const at = probe.indexOf(delimiter);
      if (at !== -1 && at < tailLength) {
        this._finish(this._size - (tailLength - at), null);
        start = d - (tailLength - at);
      }
    }
    let at = chunk.indexOf(delimiter, start);
    while (at !== -1) {
      this._finish(this._size, chunk.subarray(start, at));
      start = at + d;
      at = chunk.indexOf(delimiter, start);
    }
    if (start < chunk.length) this._hold(chunk.subarray(start));
  }

  /** The last `n` held bytes (n < delimiter length, so a few small copies at most). */
  private _tail(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let need = n;
    for (let i = this._parts.length - 1; i >= 0 && need > 0; i--) {
      const part = this._parts[i] as Buffer;
      const take = Math.min(need, part.length);
      part.copy(out, need - take, part.length - take);
      need -= take;
    }
    return out;
  }

  /** Ends the frame made of the first `heldBytes` held bytes plus `last`. */
  private _finish(heldBytes: number, last: Buffer | null): void {
    if (this._skipping) {
      this._skipping = false;
    } else if (heldBytes + (last === null ? 0 : last.length) > this._maxFrame) {
      this._emit({ kind: 'oversize', bytes: heldBytes + (last === null ? 0 : last.length) });
    } else {
      const parts = last === null ? this._parts : [...this._parts, last];
      const whole = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      const length = heldBytes + (last === null ? 0 : last.length);
      this._emit({ kind: 'frame', frame: whole.subarray(0, length) });
    }
    this._parts = [];
    this._size = 0;
  }

  private _hold(bytes: Buffer): void {
    this._parts.push(bytes);
    this._size += bytes.length;
    if (this._skipping || this._size <= this._maxFrame) return;
    this._emit({ kind: 'oversize', bytes: this._size });
    this._skipping = true;
    // Keep only what a delimiter cut across the next chunk needs.
    const keep = Math.min(this._delimiter.length - 1, this._size);
    const tail = this._tail(keep);
    this._parts = keep === 0 ? [] : [tail];
    this._size = keep;
  }
}

/** A frame as the proxy shows it: the message, or why it is not one. */
export type Decoded = { readonly type: string; readonly data: unknown } | { readonly invalid: string };

/** Decodes one JSON frame `{"type": ..., "data": ...}` (node-ipc 9/10 and 14 write the same). */
export function decodeFrame(frame: Buffer): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString('utf8'));
  } catch {
    return { invalid: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { invalid: 'JSON, but not a {type, data} object' };
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== 'string') return { invalid: 'no string type' };
  return { type, data };
}
