/**
 * What a client's `emit` accepted while no connection was open (dialling, between retries):
 * kept in order and written when the next connection OPENS. One written to a socket still
 * dialling would be lost when the dial fails (a server down for several retries); node-ipc
 * wrote them into a dead socket.
 */
import { detachFrame } from './codec/raw';

/** Bytes kept offline past which `emit` returns false (a socket's default high-water mark). */
export const OFFLINE_HIGH_WATER_MARK = 16384;

export class OfflineBuffer {
  private _frames: Array<string | Buffer> = [];
  private _bytes = 0;
  /** A frame was refused since the last connection (reported once per offline spell). */
  private _overflowed = false;

  /** Frames kept. */
  get length(): number {
    return this._frames.length;
  }

  /** Bytes kept. */
  get bytes(): number {
    return this._bytes;
  }

  /** True when `emit` returned false for what is kept (the caller waits for `drain`). */
  get full(): boolean {
    return this._bytes >= OFFLINE_HIGH_WATER_MARK;
  }

  /** Keeps a copy of `frame` (it may be the caller's buffer); false when that would pass `maxPendingBytes`: dropped. */
  keep(frame: string | Uint8Array, maxPendingBytes: number): boolean {
    if (this._bytes + frame.length > maxPendingBytes) return false;
    this._frames.push(detachFrame(frame));
    this._bytes += frame.length;
    return true;
  }

  /** True the first time it is called after a refusal since the last connection: the refusal to report. */
  firstOverflow(): boolean {
    if (this._overflowed) return false;
    this._overflowed = true;
    return true;
  }

  /** Empties the buffer and returns its frames in order (a connection opened). */
  take(): Array<string | Buffer> {
    const frames = this._frames;
    this.clear();
    this._overflowed = false;
    return frames;
  }

  /** Drops everything. */
  clear(): void {
    this._frames = [];
    this._bytes = 0;
  }
}
