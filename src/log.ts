/**
 * `ipc.log(...)`: node-ipc's logger. Objects go through `util.inspect` with `logDepth` and
 * `logInColor`, parts are joined by one space and handed to `config.logger`.
 *
 * When `config.silent` is true nothing is formatted. The library's own call sites check
 * `config.silent` before they even build their arguments, so a silent instance does no
 * logging work on any path, per message or otherwise.
 */
import { inspect } from 'node:util';
import type { IpcConfig } from './config';

/** Formats and writes one log line for `config`, unless it is silent. */
export function writeLog(config: IpcConfig, args: readonly unknown[]): void {
  if (config.silent) return;
  const parts = new Array<string>(args.length);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    parts[i] = typeof arg === 'object' && arg !== null
      ? inspect(arg, { depth: config.logDepth, colors: config.logInColor })
      : String(arg);
  }
  config.logger(parts.join(' '));
}

/** A log function bound to a config holder, as clients and servers carry it. */
export type LogFunction = (...args: unknown[]) => void;
