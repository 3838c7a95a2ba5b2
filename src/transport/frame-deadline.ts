/**
 * The slowloris guard of a stream connection (`messageTimeout`): an incomplete frame may not
 * wait longer than the timeout for its end. One timer per connection, re-armed with
 * `refresh()` when a frame completes and a new one is left incomplete, never a new timer per
 * chunk (guarded profiles run this on most chunks of a stream).
 */

/** Who hears that the deadline passed. */
export interface DeadlineOwner {
  timeoutIncompleteFrame(): void;
}

export class FrameDeadline {
  private readonly _ms: number;
  private readonly _owner: DeadlineOwner;
  private _timer: NodeJS.Timeout | null = null;

  /** `ms`: the timeout; 0 turns the guard off. */
  constructor(ms: number, owner: DeadlineOwner) {
    this._ms = ms;
    this._owner = owner;
  }

  /** The timeout in milliseconds. */
  get ms(): number {
    return this._ms;
  }

  /** After a chunk: `incomplete` when a frame waits for its end, `frameCompleted` when one ended in it. */
  watch(incomplete: boolean, frameCompleted: boolean): void {
    if (this._ms === 0) return;
    if (!incomplete) {
      this.clear();
      return;
    }
    if (this._timer !== null) {
      // A new incomplete frame gets its own full time.
      if (frameCompleted) this._timer.refresh();
      return;
    }
    this._timer = setTimeout(deadlinePassed, this._ms, this);
    this._timer.unref();
  }

  /** No frame waits any more (or the connection is gone). */
  clear(): void {
    if (this._timer === null) return;
    clearTimeout(this._timer);
    this._timer = null;
  }

  /** @internal */
  passed(): void {
    this._timer = null;
    this._owner.timeoutIncompleteFrame();
  }
}

function deadlinePassed(deadline: FrameDeadline): void {
  deadline.passed();
}
