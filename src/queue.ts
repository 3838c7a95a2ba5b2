/**
 * The `sync` mode send queue: one message in flight. The first message goes out at once;
 * the rest wait here until a reply arrives (any frame read from the server releases the
 * next one, as node-ipc's js-queue did per received chunk).
 *
 * Why a queue and not a rejection: `sync` is node-ipc's request/response pacing, and its
 * users emit in bursts expecting them to be paced, not refused. The queue is unbounded in
 * count; `maxPendingBytes` still bounds what is handed to the socket.
 */

import { detachFrame } from './codec/raw';

/** Whatever can write a frame now (the client). */
export interface FrameSender {
  send(frame: string | Uint8Array): boolean;
}

export class SendQueue {
  private _items: Array<string | Buffer> = [];
  private _head = 0;
  private _inFlight = false;

  /** Messages waiting (not counting the one in flight). */
  get length(): number {
    return this._items.length - this._head;
  }

  /** True while a sent message waits for its reply. */
  get inFlight(): boolean {
    return this._inFlight;
  }

  /** Sends `frame` now if nothing is in flight, else keeps it (bytes copied: they may be the caller's). */
  add(frame: string | Uint8Array, sender: FrameSender): boolean {
    if (this._inFlight) {
      this._items.push(detachFrame(frame));
      return true;
    }
    this._inFlight = true;
    return sender.send(frame);
  }

  /** A reply arrived: sends the next waiting message, if any. */
  next(sender: FrameSender): void {
    if (this._head === this._items.length) {
      this._inFlight = false;
      return;
    }
    const frame = this._items[this._head] as string | Buffer;
    this._items[this._head++] = '';
    if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    this._inFlight = true;
    sender.send(frame);
  }

  /**
   * A new connection: the message in flight went out on the old one and is not sent twice;
   * the next waiting message (if any) goes out on the new one.
   */
  resume(sender: FrameSender): void {
    this._inFlight = false;
    if (this.length > 0) this.next(sender);
  }

  /** Empties the queue and returns the waiting messages in order (a graceful close sends them). */
  takeWaiting(): Array<string | Buffer> {
    const waiting = this._items.slice(this._head);
    this.clear();
    return waiting;
  }

  /** Drops everything (the client is finished). */
  clear(): void {
    this._items = [];
    this._head = 0;
    this._inFlight = false;
  }
}
