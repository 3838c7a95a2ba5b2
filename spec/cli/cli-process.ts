/**
 * The `node-ipc-ts` command as the specs run it: a child process of `bin/node-ipc-ts.js`
 * (the built dist/, exactly what `npx node-ipc-ts` runs), driven through its stdin, read
 * through its stdout and stderr. Every wait is for a line or the exit, with a deadline that
 * fails naming what was awaited and showing what the command printed; every process is
 * killed in the spec's teardown if it is still running.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { teardown } from '../helpers/teardown';

/** The bin script, from build/spec/cli/. */
export const CLI = join(__dirname, '..', '..', '..', 'bin', 'node-ipc-ts.js');
/** Development certificates (public, for tests only). */
export const CERTS = join(__dirname, '..', '..', '..', 'example', 'certs');
export const cert = (file: string): string => join(CERTS, file);

/** Jasmine timeout of a spec that runs the command (each wait inside has its own, shorter, deadline). */
export const SPEC_MS = 15000;

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link cli}. */
export interface CliOptions {
  /** Extra environment (NO_COLOR and FORCE_COLOR are cleared unless given here). */
  env?: Record<string, string>;
}

/** A running command. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far. */
  readonly lines: string[] = [];
  /** Everything written to stderr so far. */
  stderr = '';
  readonly exited: Promise<Exit>;
  private _partial = '';
  private _ended = false;
  private readonly _waiters = new Set<() => void>();

  constructor(readonly args: readonly string[], options: CliOptions = {}) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NO_COLOR;
    delete env.FORCE_COLOR;
    this.child = spawn(process.execPath, [CLI, ...args], { env: { ...env, ...options.env }, stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (text: string) => {
      const parts = (this._partial + text).split('\n');
      this._partial = parts.pop() as string;
      this.lines.push(...parts);
      this._wake();
    });
    this.child.stderr.on('data', (text: string) => {
      this.stderr += text;
      this._wake();
    });
    // A command that exited early must not make writes to its stdin crash the spec.
    this.child.stdin.on('error', () => undefined);
    // 'close', not 'exit': every byte of stdout has been read by then.
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => {
      this._ended = true;
      if (this._partial.length > 0) this.lines.push(this._partial);
      this._partial = '';
      this._wake();
      resolve({ code, signal });
    }));
  }

  /** Resolves with the first stdout line (since the start) that passes `test`. */
  line(test: (line: string) => boolean, what: string, ms = 5000): Promise<string> {
    return this._until(() => this.lines.find(test), what, ms);
  }

  /** Resolves with the first stdout line parsed as JSON that passes `test` (a `--json` command). */
  json(test: (record: any) => boolean, what: string, ms = 5000): Promise<any> {
    return this._until(() => this.records().find(test), what, ms);
  }

  /** Every stdout line parsed as JSON (fails the spec on a line that is not JSON). */
  records(): any[] {
    return this.lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`stdout line is not JSON: ${line}`);
      }
    });
  }

  /** Resolves once stderr holds `text`. */
  stderrHas(text: string, ms = 5000): Promise<string> {
    return this._until(() => (this.stderr.includes(text) ? this.stderr : undefined), `stderr containing ${JSON.stringify(text)}`, ms);
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  /** Ends stdin. */
  end(): void {
    this.child.stdin.end();
  }

  /** Sends SIGINT (Ctrl-C) and resolves with the exit. */
  interrupt(): Promise<Exit> {
    this.child.kill('SIGINT');
    return this.exit();
  }

  /** The exit, within `ms`. */
  exit(ms = 8000): Promise<Exit> {
    return this._until(() => (this._ended ? true : undefined), 'the exit', ms).then(() => this.exited);
  }

  /** What it printed, for failure messages. */
  printed(): string {
    return `node-ipc-ts ${this.args.join(' ')}\n--- stdout\n${this.lines.join('\n')}\n--- stderr\n${this.stderr}`;
  }

  private _until<T>(found: () => T | undefined, what: string, ms: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = found();
        if (value === undefined) return false;
        done();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${ms} ms waiting for ${what}\n${this.printed()}`));
      }, ms);
      const waiter = (): void => {
        if (check()) return;
        if (this._ended && found() === undefined) {
          done();
          reject(new Error(`the command ended before ${what}\n${this.printed()}`));
        }
      };
      const done = (): void => {
        clearTimeout(timer);
        this._waiters.delete(waiter);
      };
      this._waiters.add(waiter);
      waiter();
    });
  }

  private _wake(): void {
    for (const waiter of [...this._waiters]) waiter();
  }
}

/** Starts the command; it is killed after the spec if still running. */
export function cli(args: readonly string[], options?: CliOptions): CliProcess {
  const proc = new CliProcess(args, options);
  teardown.add(async () => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  });
  return proc;
}

/** Runs the command to its end (stdin given, or closed at once) and resolves with what it printed. */
export async function run(args: readonly string[], input = '', options?: CliOptions): Promise<{ code: number | null; lines: string[]; stderr: string; proc: CliProcess }> {
  const proc = cli(args, options);
  proc.child.stdin.end(input);
  const { code } = await proc.exit();
  return { code, lines: proc.lines, stderr: proc.stderr, proc };
}
