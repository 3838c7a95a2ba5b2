/**
 * What one connection writes at the end of a tick. Text frames (JSON mode) are joined into
 * one string; bytes (raw mode) are COPIED, when added, into a slab shared by later batches.
 * Either way the tick costs one socket write, whatever its frame count.
 *
 * Why copy on add: the caller may reuse its buffer as soon as `emit` returns, yet the write
 * happens at the end of the tick. Copying straight into the slab is the only copy made: no
 * Buffer object per message (a copy per emit, as node-ipc made) and no `Buffer.concat` at
 * flush (what joining the callers' own buffers would cost). The one exception is a large
 * frame its protocol made in a Buffer of its own and marked so (`ownFrame` in codec/raw.ts, the
 * structured-clone frames of `serialization: 'advanced'`): nobody else holds it, so it is
 * written as it is, and a 32 MiB message is not copied a second time.
 */
import { isOwnedFrame } from '../codec/raw';
import { UTF8_FRAMES, type TextFrames } from '../codec/text-frames';

/** First slab of a connection: small, since a quiet connection keeps its slab. */
const MIN_SLAB_BYTES = 8 * 1024;
/**
 * Largest slab. Kept under glibc's mmap threshold (128 KiB): larger allocations are fresh
 * mappings, whose page faults cost more than the copies they hold.
 */
const MAX_SLAB_BYTES = 64 * 1024;
/** Byte chunks this long or longer get a copy of their own instead of a region of a slab. */
const OWN_COPY_BYTES = MAX_SLAB_BYTES / 4;

/** A batch taken for writing: one string, one Buffer, or Buffers to write in order (corked). */
export type BatchPayload = string | Buffer | Buffer[];

/**
 * Bytes go into a slab: like Node's Buffer pool, a region of it is handed to the socket and
 * never written again, and later batches continue after it while they fit. A connection
 * whose ticks outgrow its slab gets larger slabs (doubling up to 64 KiB); a tick larger than
 * that is several parts, written together (cork: one writev, no join).
 */
export class WriteBatch {
  /** How text becomes bytes: UTF-8, or Latin-1 for strings whose characters are bytes. */
  readonly textEncoding: 'utf8' | 'latin1';
  private readonly _frames: TextFrames;
  /** Bytes in the batch (a string's length stands in for its UTF-8 size: exact for ASCII, never more than 3x off). */
  size = 0;
  private _text = '';
  /** Bytes were added: everything in the batch is in `_parts` and the slab region. */
  private _binary = false;
  /** Finished byte parts, in order (the open slab region comes after them). */
  private _parts: Buffer[] = [];
  private _slab: Buffer | null = null;
  /** This batch's region of the slab: [_regionStart, _regionEnd). */
  private _regionStart = 0;
  private _regionEnd = 0;
  /** Size of the next slab. */
  private _slabBytes = MIN_SLAB_BYTES;

  constructor(frames: TextFrames = UTF8_FRAMES) {
    this._frames = frames;
    this.textEncoding = frames.encoding;
  }

  /** Appends text, written in the batch's text encoding. */
  addText(text: string): void {
    if (this._binary) this._pushOwned(this._frames.bytes(text));
    else this._text += text;
    this.size += text.length;
  }

  /** Appends a copy of `bytes`; the caller may change or reuse them afterwards. */
  addBytes(bytes: Uint8Array): void {
    if (!this._binary) {
      this._binary = true;
      if (this._text.length > 0) {
        this._parts.push(this._frames.bytes(this._text));
        this._text = '';
      }
    }
    const length = bytes.length;
    if (length >= OWN_COPY_BYTES && isOwnedFrame(bytes)) {
      // A frame the protocol made and nobody else holds (a large structured-clone frame):
      // written as it is, no second copy of a large payload.
      this._pushOwned(bytes);
    } else if (length >= OWN_COPY_BYTES) {
      const copy = Buffer.allocUnsafeSlow(length);
      copy.set(bytes);
      this._pushOwned(copy);
    } else if (length > 0) {
      if (this._slab === null || this._regionEnd + length > this._slab.length) this._newSlab();
      (this._slab as Buffer).set(bytes, this._regionEnd);
      this._regionEnd += length;
    }
    this.size += length;
  }

  /**
   * Empties the batch and returns what it held, or null when it is empty. With `queued` (the
   * socket still has unsent bytes, so this batch will wait in its write queue) text comes as
   * bytes: a string waiting there stays on the JS heap, where every young-generation GC copies
   * it and then promotes it (with a receiver that falls behind, that was a quarter of the
   * sender's CPU), while a Buffer's bytes wait outside it. Encoding now costs what Node's
   * `writev` would spend encoding the string later. Text its encoding cannot write as it is
   * (a rare Latin-1 frame with a wider character) comes as the bytes its protocol makes of it.
   */
  take(queued = false): BatchPayload | null {
    if (this.size === 0) return null;
    this.size = 0;
    if (!this._binary) {
      const text = this._text;
      this._text = '';
      return queued || !this._frames.writable(text) ? this._frames.bytes(text) : text;
    }
    this._binary = false;
    const regionBytes = this._regionEnd - this._regionStart;
    this._closeRegion();
    // No room for another batch like this one: the next starts a fresh slab, so that it is
    // one region (one plain write) rather than the tail of this slab plus the head of another.
    if (this._slab !== null && this._slab.length - this._regionEnd < regionBytes) this._dropSlab();
    const parts = this._parts;
    this._parts = [];
    return parts.length === 1 ? (parts[0] as Buffer) : parts;
  }

  /** Drops the batch (the connection is gone). */
  clear(): void {
    this.size = 0;
    this._text = '';
    this._binary = false;
    this._parts = [];
    this._dropSlab();
  }

  /** The open region becomes a part; the next bytes go into a new slab. */
  private _newSlab(): void {
    // Filling a slab within one batch means this connection writes in larger ticks.
    if (this._regionEnd > this._regionStart && this._slabBytes < MAX_SLAB_BYTES) this._slabBytes *= 2;
    this._closeRegion();
    this._slab = Buffer.allocUnsafeSlow(this._slabBytes);
    this._regionStart = 0;
    this._regionEnd = 0;
  }

  private _dropSlab(): void {
    this._slab = null;
    this._regionStart = 0;
    this._regionEnd = 0;
  }

  /** Bytes that need no copy (already ours) go after what the batch holds. */
  private _pushOwned(bytes: Buffer): void {
    this._closeRegion();
    this._parts.push(bytes);
  }

  /** The slab region becomes a finished part; the slab's rest serves the next bytes. */
  private _closeRegion(): void {
    if (this._regionEnd === this._regionStart) return;
    this._parts.push((this._slab as Buffer).subarray(this._regionStart, this._regionEnd));
    this._regionStart = this._regionEnd;
  }
}
