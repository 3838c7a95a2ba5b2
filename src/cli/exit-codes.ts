/**
 * The command line's exit codes and the one error class its commands fail with. Codes are
 * API (scripts branch on them, docs/CLI.md lists them); messages are for people.
 */

/** Every exit code the command line uses, documented in docs/CLI.md "Exit codes". */
export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** `request`: the remote handler failed (`ERR_IPC_REMOTE`) or has no handler for the type (`ERR_IPC_NO_HANDLER`). */
  remote: 1,
  /** `conformance`: a case failed (or passed though `--expect-fail` lists it). The same 1: "the other side did not do it". */
  caseFailed: 1,
  /** A bad command line: unknown command or flag, missing or bad value, bad target, bad JSON data. */
  usage: 2,
  /** Nothing listens at the target, the host is unknown, or listening failed (address in use, permissions). */
  unreachable: 3,
  /** TLS: the handshake failed (certificate not trusted, wrong name, client certificate refused). */
  tls: 4,
  /** The peer closed the connection before the command was done (message not handed over, no reply). */
  closed: 5,
  /** `--timeout` passed: no connection, or no reply, in time. */
  timeout: 6,
  /** Any other failure (its code and message are printed). */
  failure: 7,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure that ends a command: the text for stderr, the exit code, and the library's or system's code if any. */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** What the process exits with. */
  readonly exitCode: ExitCodeValue;
  /** The underlying error's `code` (`ECONNREFUSED`, `ERR_IPC_REMOTE`, ...), or `undefined`. */
  readonly code: string | undefined;
  /** Extra fields for the `--json` error record (for `ERR_IPC_REMOTE`: the remote error). */
  readonly details: Record<string, unknown>;

  constructor(exitCode: ExitCodeValue, message: string, code?: string, details: Record<string, unknown> = {}) {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
    this.details = details;
  }
}

/** A bad command line (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(ExitCode.usage, message, 'ERR_USAGE');
}

/** The `code` of an error, or of the error it wraps (`cause`), if it is a string. */
export function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ENOENT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRINUSE', 'EADDRNOTAVAIL',
  'EACCES', 'EPERM', 'ENOTSOCK', 'ECONNABORTED', 'ERR_IPC_SOCKET_ROOT', 'ERR_IPC_UNLINK_NOT_SOCKET',
]);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'ERR_IPC_DISCONNECTED', 'ERR_IPC_UNSENT', 'ERR_IPC_CLOSE_TIMEOUT', 'ERR_STREAM_DESTROYED']);
// What the command line asked for that the library refuses: a profile's transport rules, or a
// name a profile will not send (reserved, too long, not in --allowed-events).
const CONFIGURATION = new Set([
  'ERR_IPC_ASSURED_TRANSPORT', 'ERR_IPC_ASSURED_TLS', 'ERR_IPC_RESERVED_EVENT', 'ERR_IPC_EVENT_NOT_ALLOWED',
  'ERR_IPC_EVENT_TOO_LARGE', 'ERR_IPC_INVALID_EVENT', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE',
]);

/** Whether `code` names a TLS failure: OpenSSL's `ERR_SSL_*`, Node's `ERR_TLS_*` and the certificate checks. */
export function isTlsCode(code: string | undefined): boolean {
  if (code === undefined) return false;
  return /^(ERR_SSL_|ERR_TLS_|ERR_IPC_TLS_)|CERT|^DEPTH_ZERO|^SELF_SIGNED|^UNABLE_TO_|_SIGNATURE_FAILURE$|^HOSTNAME_MISMATCH$/.test(code);
}

/** The exit code for an error code (a system code or the library's `ERR_IPC_*`). */
export function exitCodeFor(code: string | undefined): ExitCodeValue {
  if (code === undefined) return ExitCode.failure;
  if (code === 'ERR_IPC_REMOTE' || code === 'ERR_IPC_NO_HANDLER') return ExitCode.remote;
  if (code === 'ERR_IPC_TIMEOUT') return ExitCode.timeout;
  if (isTlsCode(code)) return ExitCode.tls;
  if (UNREACHABLE.has(code)) return ExitCode.unreachable;
  if (CLOSED.has(code)) return ExitCode.closed;
  if (CONFIGURATION.has(code)) return ExitCode.usage;
  return ExitCode.failure;
}

/** The message of an error, or its string form. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
