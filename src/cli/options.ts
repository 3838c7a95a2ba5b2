/**
 * The flags of every command, and their values checked and typed. Each command lists the flags
 * it takes; a flag another command has is an unknown flag here, with the same message.
 */
import { accessSync, constants } from 'node:fs';
import type { FlagSpec, ParsedArgs } from './args';
import { usageError } from './exit-codes';

/** The node-ipc 14 profiles `--parser` selects (`raw` is `--raw`). */
export type ParserProfile = 'fast' | 'guarded' | 'assured';

/** TLS files and checks. Listening side: `cert`/`key` identify the server, `ca` asks clients for a certificate it signed. Dialling side: `ca` is what to trust, `cert`/`key` a client certificate. */
export interface TlsFiles {
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly ca: string | undefined;
  /** Dialling side: do not verify the server's certificate. */
  readonly insecure: boolean;
}

/** The checked flags of one command. */
export interface Options {
  readonly json: boolean;
  readonly socketRoot: string | undefined;
  readonly appspace: string | undefined;
  readonly tls: TlsFiles;
  /** proxy: the TLS files of the side it dials (`--to-cert`, `--to-key`, `--to-ca`, `--insecure`). */
  readonly toTls: TlsFiles;
  readonly raw: boolean;
  readonly encoding: BufferEncoding;
  readonly delimiter: string;
  readonly parser: ParserProfile | undefined;
  readonly allowedEvents: string[] | undefined;
  /** Milliseconds; 0 waits for ever. */
  readonly timeout: number;
  readonly retry: number | undefined;
  readonly maxRetries: number | undefined;
  /** connect: read typed lines from stdin (`--no-stdin` turns it off). */
  readonly stdin: boolean;
  readonly listen: string | undefined;
  readonly to: string | undefined;
  /** conformance: the role of the implementation under test (`--server`, `--client`). */
  readonly server: boolean;
  readonly client: boolean;
  /** conformance: the same implementation's servers in raw mode and with delimiter `\r\n`. */
  readonly rawServer: string | undefined;
  readonly delimiterServer: string | undefined;
  /** conformance: `--case a,b` and `--expect-fail a,b`, as given (the command checks the names). */
  readonly cases: string[] | undefined;
  readonly expectFail: string[] | undefined;
}

const flag = (name: string, value = true): FlagSpec => ({ name, value });
const BASE: FlagSpec[] = [{ name: 'help', value: false, short: 'h' }, flag('json', false)];
const LOCAL = [flag('socket-root'), flag('appspace')];
const TLS_SERVER = [flag('cert'), flag('key'), flag('ca')];
const TLS_CLIENT = [...TLS_SERVER, flag('insecure', false)];
const CODEC = [flag('raw', false), flag('encoding'), flag('delimiter'), flag('parser'), flag('allowed-events')];

/** The flags each command accepts. */
export const COMMAND_FLAGS: Readonly<Record<string, readonly FlagSpec[]>> = {
  listen: [...BASE, ...LOCAL, ...TLS_SERVER, ...CODEC],
  connect: [...BASE, ...LOCAL, ...TLS_CLIENT, ...CODEC, flag('timeout'), flag('retry'), flag('max-retries'), flag('no-stdin', false)],
  send: [...BASE, ...LOCAL, ...TLS_CLIENT, ...CODEC, flag('timeout')],
  request: [...BASE, ...LOCAL, ...TLS_CLIENT, flag('delimiter'), flag('parser'), flag('allowed-events'), flag('timeout')],
  proxy: [...BASE, ...LOCAL, ...TLS_SERVER, flag('to-cert'), flag('to-key'), flag('to-ca'), flag('insecure', false),
    flag('raw', false), flag('delimiter'), flag('listen'), flag('to')],
  conformance: [...BASE, ...LOCAL, flag('server', false), flag('client', false), flag('raw-server'), flag('delimiter-server'),
    flag('timeout'), flag('case'), flag('expect-fail')],
};

/** Default `--timeout` of send, request and connect's `.request`, in milliseconds. */
export const DEFAULT_TIMEOUT = 10000;
/** Default `--timeout` of a command that has its own (conformance: per case wait, docs/PROTOCOL.md §11.1). */
const COMMAND_TIMEOUT: Readonly<Record<string, number>> = { conformance: 5000 };

/** Checks and types the flags `parseArgs` found for `command`. @throws CliError (exit 2) naming the flag and what it wants. */
export function readOptions(args: ParsedArgs, command = ''): Options {
  const f = args.flags;
  const text = (name: string): string | undefined => {
    const value = f.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const encoding = text('encoding') ?? 'utf8';
  if (!Buffer.isEncoding(encoding)) {
    throw usageError(`--encoding ${JSON.stringify(encoding)} is not an encoding Node knows (utf8, hex, base64, latin1, ascii, utf16le)`);
  }
  const parser = text('parser');
  if (parser !== undefined && parser !== 'fast' && parser !== 'guarded' && parser !== 'assured') {
    throw usageError(`--parser must be fast, guarded or assured (got ${JSON.stringify(parser)}); for raw bytes use --raw`);
  }
  const allowed = text('allowed-events');
  const allowedEvents = allowed === undefined ? undefined : allowed.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (allowedEvents !== undefined && allowedEvents.length === 0) throw usageError('--allowed-events needs at least one event name (comma-separated)');
  const raw = f.get('raw') === true;
  if (raw && parser !== undefined) throw usageError('--raw and --parser exclude each other (raw mode has no parser)');
  if (parser === 'assured' && allowedEvents === undefined) throw usageError('--parser assured needs --allowed-events (the only event names it sends and accepts)');
  return {
    json: f.get('json') === true,
    socketRoot: nonEmpty('socket-root', text('socket-root')),
    appspace: text('appspace'),
    tls: { cert: file('cert', text('cert')), key: file('key', text('key')), ca: file('ca', text('ca')), insecure: f.get('insecure') === true },
    toTls: { cert: file('to-cert', text('to-cert')), key: file('to-key', text('to-key')), ca: file('to-ca', text('to-ca')), insecure: f.get('insecure') === true },
    raw,
    encoding,
    delimiter: delimiterOf(text('delimiter')),
    parser,
    allowedEvents,
    timeout: count('timeout', text('timeout')) ?? COMMAND_TIMEOUT[command] ?? DEFAULT_TIMEOUT,
    retry: count('retry', text('retry')),
    maxRetries: count('max-retries', text('max-retries')),
    stdin: f.get('no-stdin') !== true,
    listen: text('listen'),
    to: text('to'),
    server: f.get('server') === true,
    client: f.get('client') === true,
    rawServer: nonEmpty('raw-server', text('raw-server')),
    delimiterServer: nonEmpty('delimiter-server', text('delimiter-server')),
    cases: names('case', text('case')),
    expectFail: names('expect-fail', text('expect-fail')),
  };
}

/** A comma-separated list of names, at least one. */
function names(name: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (list.length === 0) throw usageError(`--${name} needs at least one case name (comma-separated)`);
  return list;
}

function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value === '') throw usageError(`--${name} needs a non-empty value`);
  return value;
}

/** A file the process must be able to read, checked now so a typo is a usage error, not a failed handshake. */
function file(name: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw usageError(`--${name} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return path;
}

/** A whole number of at least 0 (milliseconds or a count). */
function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw usageError(`--${name} must be a whole number of at least 0 (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}

/**
 * `--delimiter`: the text itself, with the escapes a shell makes hard to type: `\f` (node-ipc's
 * default), `\n`, `\r`, `\t`, `\0`, `\\`, `\xHH` and `\uHHHH`.
 */
export function delimiterOf(value: string | undefined): string {
  if (value === undefined) return '\f';
  const SIMPLE: Record<string, string> = { f: '\f', n: '\n', r: '\r', t: '\t', 0: '\0', '\\': '\\' };
  const text = value.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (all, escape: string) => {
    if (escape.length > 1) return String.fromCharCode(parseInt(escape.slice(1), 16));
    const simple = SIMPLE[escape];
    if (simple === undefined) throw usageError(`--delimiter: unknown escape ${all} (use \\f \\n \\r \\t \\0 \\\\ \\xHH or \\uHHHH)`);
    return simple;
  });
  if (text.length === 0) throw usageError('--delimiter needs at least one character');
  return text;
}
