/**
 * What the commands print. stdout carries events, one per line: a human line (time, mark,
 * who, type, data), or with `--json` one JSON object (`time` first, then `event` and its
 * fields). stderr carries diagnostics as text; with `--json` each error is also an `error`
 * event on stdout, so a script reading stdout sees it in order.
 *
 * Colours only on a TTY, never with `NO_COLOR` set (https://no-color.org); `FORCE_COLOR`
 * (other than `0`) turns them on anywhere.
 */

/** Which peer a line is about: a client number (`#1`), a UDP peer (`127.0.0.1:5000`), or `all`. */
export type Peer = number | string;

/** Every event the commands print. */
export type EventRecord =
  | { event: 'listening'; where: string; transport: string }
  | { event: 'connect'; client?: Peer; where?: string; from?: string; again?: boolean }
  | { event: 'disconnect'; client?: Peer; where?: string; id?: string; retry?: number }
  | { event: 'retry'; where: string; code?: string; in: number; attempt: number }
  | { event: 'message'; direction: 'in' | 'out'; client?: Peer; type: string; data?: unknown; queued?: boolean }
  | { event: 'data'; direction: 'in' | 'out'; client?: Peer; bytes: number; hex: string; text: string }
  | { event: 'reply'; type: string; data?: unknown }
  | { event: 'frame'; client: number; direction: 'to-server' | 'to-client'; bytes: number; type?: string; data?: unknown; invalid?: string; hex?: string; text?: string }
  | { event: 'error'; code?: string; message: string; [key: string]: unknown }
  | { event: 'closed'; where?: string }
  | ({ event: 'case' } & CaseLine)
  | { event: 'summary'; passed: number; failed: number; skipped: number; expectedFailures: number };

/** A conformance case's result (docs/PROTOCOL.md §11.1). */
export interface CaseLine {
  readonly result: 'pass' | 'fail' | 'skip' | 'xfail' | 'xpass';
  readonly name: string;
  readonly section: string;
  readonly detail?: string;
}

/** `PASS name (§2.1)`, `FAIL name (§2.1): what differed`: the contract's line of a case. */
export function caseLine(line: CaseLine): string {
  return `${line.result.toUpperCase()} ${line.name} (§${line.section})${line.detail === undefined ? '' : `: ${line.detail}`}`;
}

/** `N passed, N failed, N skipped` (and `, N expected failures` when `--expect-fail` was given). */
export function summaryLine(t: { passed: number; failed: number; skipped: number; expectedFailures: number }, expected: boolean): string {
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${expected ? `, ${t.expectedFailures} expected failures` : ''}`;
}

/** Where output goes; `process.stdout`/`stderr` in the command line, anything with `write` in tests. */
export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Called around every stdout line, so an interactive prompt can step aside and come back. */
export interface LineGuard {
  before(): void;
  after(): void;
}

/** Most characters of data or bytes a human line shows; `--json` prints everything. */
export const HUMAN_PREVIEW = 2048;

const ANSI = { dim: 2, bold: 1, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
type Style = keyof typeof ANSI;

/** Whether to colour a stream: a TTY, no `NO_COLOR`; `FORCE_COLOR` wins over the TTY test. */
export function useColour(stream: Sink, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return stream.isTTY === true;
}

/** Prints events and diagnostics (see the file comment). */
export class Output {
  readonly json: boolean;
  private readonly _out: Sink;
  private readonly _err: Sink;
  private readonly _colour: boolean;
  private readonly _errColour: boolean;
  private readonly _now: () => Date;
  private _guard: LineGuard | undefined;

  constructor(json: boolean, out: Sink, err: Sink, env: NodeJS.ProcessEnv, now: () => Date = () => new Date()) {
    this.json = json;
    this._out = out;
    this._err = err;
    this._colour = !json && useColour(out, env);
    this._errColour = useColour(err, env);
    this._now = now;
  }

  /** Lets an interactive prompt redraw itself around each line. */
  setGuard(guard: LineGuard | undefined): void {
    this._guard = guard;
  }

  /** Prints one event on stdout. */
  event(record: EventRecord): void {
    const time = this._now();
    const line = this.json ? JSON.stringify({ time: time.toISOString(), ...record }) : `${this._paint('dim', clock(time))} ${this._human(record)}`;
    this._guard?.before();
    this._out.write(`${line}\n`);
    this._guard?.after();
  }

  /** Prints a line on stdout as it is (request's reply in the human format). */
  plain(text: string): void {
    this._guard?.before();
    this._out.write(`${text}\n`);
    this._guard?.after();
  }

  /** Prints an error: text on stderr, and with `--json` an `error` event on stdout. */
  error(message: string, code?: string, details: Record<string, unknown> = {}): void {
    this._guard?.before();
    const prefix = this._errColour ? `\x1b[${ANSI.red}merror\x1b[0m` : 'error';
    this._err.write(`${prefix}: ${message}\n`);
    this._guard?.after();
    if (this.json) this.event({ event: 'error', ...(code === undefined ? {} : { code }), message, ...details });
  }

  /** Prints a note on stderr (never on stdout: it is not an event). */
  note(message: string): void {
    this._guard?.before();
    this._err.write(`${message}\n`);
    this._guard?.after();
  }

  private _paint(style: Style, text: string): string {
    return this._colour ? `\x1b[${ANSI[style]}m${text}\x1b[0m` : text;
  }

  private _human(r: EventRecord): string {
    switch (r.event) {
      case 'listening':
        return `${this._paint('green', '*')} listening on ${r.where} (${r.transport})`;
      case 'connect':
        if (r.where !== undefined) return `${this._paint('green', '+')} ${r.again === true ? 'reconnected' : 'connected'} to ${r.where}`;
        return `${this._paint('green', '+')} ${peer(r.client)} connected${r.from === undefined ? '' : ` from ${r.from}`}`;
      case 'disconnect': {
        const who = r.where !== undefined ? `disconnected from ${r.where}` : `${peer(r.client)} disconnected${r.id === undefined ? '' : ` (id ${r.id})`}`;
        return `${this._paint('yellow', '-')} ${who}${r.retry === undefined ? '' : `; reconnecting in ${r.retry} ms`}`;
      }
      case 'retry':
        return `${this._paint('yellow', '-')} no connection to ${r.where}${r.code === undefined ? '' : ` (${r.code})`}; retrying every ${r.in} ms`;
      case 'message':
        return `${this._arrow(r.direction)} ${r.client === undefined ? '' : `${peer(r.client)} `}${this._paint('cyan', r.type)}${r.data === undefined ? '' : ` ${preview(JSON.stringify(r.data))}`}${r.queued === true ? ' (queued until connected)' : ''}`;
      case 'data':
        return `${this._arrow(r.direction)} ${r.client === undefined ? '' : `${peer(r.client)} `}${bytesLine(r.bytes, r.hex, r.text)}`;
      case 'reply':
        return `${this._arrow('in')} ${this._paint('bold', 'reply')} ${this._paint('cyan', r.type)}${r.data === undefined ? '' : ` ${preview(JSON.stringify(r.data))}`}`;
      case 'frame': {
        const dir = this._paint(r.direction === 'to-server' ? 'magenta' : 'green', r.direction === 'to-server' ? 'client>server' : 'server>client');
        if (r.type !== undefined) return `#${r.client} ${dir} ${this._paint('cyan', r.type)}${r.data === undefined ? '' : ` ${preview(JSON.stringify(r.data))}`}`;
        const why = r.invalid === undefined ? '' : `${this._paint('red', `(${r.invalid})`)} `;
        return `#${r.client} ${dir} ${why}${bytesLine(r.bytes, r.hex ?? '', r.text ?? '')}`;
      }
      case 'error':
        return `${this._paint('red', '!')} ${r.code === undefined ? '' : `${r.code} `}${r.message}`;
      case 'closed':
        return `${this._paint('yellow', '*')} closed${r.where === undefined ? '' : ` ${r.where}`}`;
      case 'case':
        return caseLine(r);
      case 'summary':
        return summaryLine(r, r.expectedFailures > 0);
    }
  }

  private _arrow(direction: 'in' | 'out'): string {
    return direction === 'in' ? this._paint('green', '<') : this._paint('magenta', '>');
  }
}

/** `12:34:56.789`, local time. */
function clock(time: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

function peer(client: Peer | undefined): string {
  return typeof client === 'number' ? `#${client}` : client ?? '';
}

function preview(text: string | undefined): string {
  if (text === undefined) return '';
  return text.length <= HUMAN_PREVIEW ? text : `${text.slice(0, HUMAN_PREVIEW)}... (${text.length - HUMAN_PREVIEW} more characters)`;
}

function bytesLine(bytes: number, hex: string, text: string): string {
  return `${bytes} byte${bytes === 1 ? '' : 's'} ${preview(hex)} ${preview(JSON.stringify(text))}`;
}

/** The `hex` and `text` (UTF-8, lossy) fields of a bytes record. */
export function bytesFields(bytes: Uint8Array): { bytes: number; hex: string; text: string } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { bytes: buffer.length, hex: buffer.toString('hex'), text: buffer.toString('utf8') };
}
