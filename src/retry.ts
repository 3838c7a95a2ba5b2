/**
 * A client's reconnect schedule (BEHAVIOUR.md "Client"): after a drop it waits
 * `config.retry` ms and dials again while attempts remain. The budget is `maxRetries`
 * capped by a numeric `stopRetrying` (`stopRetrying: true` ends it: see `retryBudget`); a
 * successful connect restores it in full.
 */
import { retryBudget, type IpcConfig } from './config';

export class RetrySchedule {
  private readonly _config: IpcConfig;
  /** Attempts left: what decides whether the client retries. */
  private _left: number;
  private _timer: NodeJS.Timeout | null = null;

  constructor(config: IpcConfig) {
    this._config = config;
    this._left = retryBudget(config);
  }

  /** True while an attempt waits for its timer. */
  get pending(): boolean {
    return this._timer !== null;
  }

  /** A connection opened: the whole budget again. */
  refill(): void {
    this._left = retryBudget(this._config);
  }

  /** True when another attempt may follow a drop (the config is read now: `stopRetrying` may have been set). */
  mayRetry(): boolean {
    return retryBudget(this._config) !== 0 && this._left >= 1;
  }

  /** Calls `attempt(target)` after `config.retry` ms, spending one attempt. */
  schedule<T>(attempt: (target: T) => void, target: T): void {
    this.cancel();
    this._timer = setTimeout(retryTimerFired, this._config.retry, this, attempt, target);
  }

  /** Drops a waiting attempt. */
  cancel(): void {
    if (this._timer === null) return;
    clearTimeout(this._timer);
    this._timer = null;
  }

  /** @internal The timer fired. */
  fire<T>(attempt: (target: T) => void, target: T): void {
    this._timer = null;
    this._left--;
    attempt(target);
  }
}

function retryTimerFired<T>(schedule: RetrySchedule, attempt: (target: T) => void, target: T): void {
  schedule.fire(attempt, target);
}

/**
 * node-ipc's `retriesRemaining` after one more attempt: it counted down before each attempt
 * only while the counter was at least 1 (`true` counting as 1), so with `maxRetries: false`
 * (retry forever) it stays.
 */
export function countDown(shown: number | boolean): number | boolean {
  return shown === true || (typeof shown === 'number' && shown >= 1) ? Number(shown) - 1 : shown;
}
