/**
 * What every command gets from `main`: its positionals, checked flags, the output, and a way
 * to hear Ctrl-C / SIGTERM / SIGHUP (the first one asks for a graceful close, a second one exits at once).
 */
import { ExitCode, usageError, type ExitCodeValue } from './exit-codes';
import type { Options } from './options';
import type { Output } from './output';

/** A command's inputs. */
export interface Context {
  readonly command: string;
  readonly positionals: readonly string[];
  /** The arguments after `--`, if there was one (they are also the last positionals). */
  readonly rest?: readonly string[] | undefined;
  readonly options: Options;
  readonly output: Output;
  /**
   * Calls `stop` on the first Ctrl-C, SIGTERM or SIGHUP (and on Ctrl-C at an interactive prompt, which
   * the command forwards through {@link Context.interrupt}); a second one exits with 130.
   */
  onStop(stop: () => void): void;
  /** Acts as a Ctrl-C. */
  interrupt(): void;
}

/** A command: resolves with the exit code, or rejects with a CliError. */
export type Command = (context: Context) => Promise<ExitCodeValue>;

/** Makes the stop handling of a context: SIGINT and SIGTERM listeners, removed by `dispose`. */
export function stopSignals(): { onStop(stop: () => void): void; interrupt(): void; dispose(): void } {
  let handler: (() => void) | undefined;
  let stopping = false;
  const interrupt = (): void => {
    if (stopping || handler === undefined) {
      // A second Ctrl-C, or one before the command could close anything: leave now.
      process.exit(130);
    }
    stopping = true;
    handler();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  // The terminal went away: close as gracefully as for Ctrl-C (a socket file is not left behind).
  process.on('SIGHUP', interrupt);
  return {
    onStop(stop) {
      handler = stop;
    },
    interrupt,
    dispose() {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
      process.off('SIGHUP', interrupt);
    },
  };
}

/**
 * The positionals of a command, checked for count. `names` are the required ones, `optional`
 * the ones that may follow; more is a usage error naming the extra argument.
 */
export function positionals(context: Context, names: readonly string[], optional: readonly string[] = []): Array<string | undefined> {
  const given = context.positionals;
  const usage = `node-ipc-ts ${context.command} ${[...names.map((n) => `<${n}>`), ...optional.map((n) => `[${n}]`)].join(' ')}`;
  if (given.length < names.length) throw usageError(`${context.command} needs ${names.slice(given.length).map((n) => `<${n}>`).join(' ')}: ${usage}`);
  if (given.length > names.length + optional.length) {
    throw usageError(`${context.command} got an extra argument ${JSON.stringify(given[names.length + optional.length])}: ${usage} (quote data that has spaces)`);
  }
  return [...given];
}

/** Exit codes of a finished command, re-exported for commands. */
export { ExitCode };
