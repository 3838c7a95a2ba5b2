/**
 * The implementation under test as a child process (the `-- <command>` forms): started with
 * the contract's environment variables (docs/PROTOCOL.md §11.1), its output passed through to
 * the kit's stderr (an adapter's own complaints belong next to the FAIL lines they explain),
 * and always killed: SIGTERM, then SIGKILL after 2 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A mode group of cases, each run against one start of the command. */
export type Mode = 'json' | 'raw' | 'delimiter';

/** What an adapter is told: where, and how to frame. */
export interface Setting {
  /** `unix:<path>` or `tcp:<host>:<port>`. */
  readonly target: string;
  readonly mode: Mode;
}

/** How long a command has to end after SIGTERM before it gets SIGKILL. */
const KILL_AFTER_MS = 2000;

/** The delimiter of a mode group (raw mode has none). */
export function delimiterOf(mode: Mode): string | undefined {
  return mode === 'json' ? '\f' : mode === 'delimiter' ? '\r\n' : undefined;
}

/** A started command. */
export class Launch {
  private readonly _child: ChildProcess;
  private _exited = false;
  private readonly _onExit = new Set<() => void>();
  /** How it failed to start, if it did (ENOENT for a command that is not there). */
  startError: Error | undefined;

  constructor(command: readonly string[], setting: Setting, stderr: NodeJS.WritableStream) {
    const delimiter = delimiterOf(setting.mode);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_IPC_CONFORMANCE_TARGET: setting.target,
      NODE_IPC_CONFORMANCE_MODE: setting.mode === 'raw' ? 'raw' : 'json',
    };
    if (delimiter === undefined) delete env.NODE_IPC_CONFORMANCE_DELIMITER;
    else env.NODE_IPC_CONFORMANCE_DELIMITER = JSON.stringify(delimiter);
    // No shell: the argv after `--` is the program and its arguments, as given.
    this._child = spawn(command[0] as string, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this._child.stdout?.on('data', (chunk: Buffer) => stderr.write(chunk));
    this._child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
    this._child.on('error', (err) => {
      this.startError = err;
      this._exit();
    });
    this._child.on('exit', () => this._exit());
  }

  /** Whether it has exited (or could not start). */
  get exited(): boolean {
    return this._exited;
  }

  /** Calls `listener` once it exits (at once if it has). Returns a function that removes it. */
  onExit(listener: () => void): () => void {
    if (this._exited) {
      listener();
      return () => undefined;
    }
    this._onExit.add(listener);
    return () => this._onExit.delete(listener);
  }

  /** SIGTERM, SIGKILL after 2 s; resolves once it has exited. */
  stop(): Promise<void> {
    if (this._exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this._child.kill('SIGKILL'), KILL_AFTER_MS);
      this.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      this._child.kill('SIGTERM');
    });
  }

  private _exit(): void {
    if (this._exited) return;
    this._exited = true;
    for (const listener of [...this._onExit]) listener();
    this._onExit.clear();
  }
}
