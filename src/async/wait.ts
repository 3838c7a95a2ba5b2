/**
 * The shape every `ready()` shares: wait for an endpoint's events to say yes or no, bounded
 * by `options.timeout` and `options.signal`; whatever ends the wait removes every listener
 * and the timer, so a settled wait leaves nothing behind.
 */
import { abortError, timeoutError, type CheckedWait } from './options';

/** Ends the wait: `undefined` resolves, an Error rejects. Later calls do nothing. */
export type Settle = (err: Error | undefined) => void;

/**
 * Resolves or rejects when `listen`'s listeners call `settle`, after `wait.timeout` ms
 * (`ERR_IPC_TIMEOUT` naming `what`), or when `wait.signal` aborts. `listen` adds its
 * listeners and returns the function that removes them.
 */
export function waitFor(wait: CheckedWait, what: string, listen: (settle: Settle) => () => void): Promise<void> {
  const signal = wait.signal;
  if (signal !== undefined && signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | null = null;
    let unlisten: (() => void) | null = null;
    const settle: Settle = (err) => {
      if (done) return;
      done = true;
      unlisten?.();
      if (timer !== null) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => settle(abortError(signal as AbortSignal));
    unlisten = listen(settle);
    if (wait.timeout > 0) timer = setTimeout(() => settle(timeoutError(what, wait.timeout)), wait.timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
