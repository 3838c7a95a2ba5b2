/**
 * How a failed request reads: `ERR_IPC_REMOTE` carries the remote handler's error as
 * `err.remote` (`{name, message, code}`, README "Async API"); the command line shows it and
 * puts it in the `--json` error record.
 */
import { messageOf } from './exit-codes';

/** What `err.remote` holds. */
export interface RemoteError {
  name?: string;
  message?: string;
  code?: string;
}

/** The remote error of an `ERR_IPC_REMOTE` failure (`err.remote`), or nothing. */
export function remoteOf(err: unknown): RemoteError | undefined {
  const remote = (err as { remote?: unknown } | null)?.remote;
  return typeof remote === 'object' && remote !== null ? remote : undefined;
}

/** "the handler failed: RangeError: division by zero (code E_RANGE)", or the error's own message. */
export function remoteText(err: unknown): string {
  const remote = remoteOf(err);
  if ((err as { code?: unknown } | null)?.code === 'ERR_IPC_NO_HANDLER') return 'the server handles no requests of this type (ERR_IPC_NO_HANDLER)';
  if (remote === undefined) return messageOf(err);
  const code = typeof remote.code === 'string' ? ` (remote code ${remote.code})` : '';
  return `the remote handler failed: ${remote.name ?? 'Error'}: ${remote.message ?? ''}${code}`;
}

/** The `remote` field of a `--json` error record, when there is one. */
export function remoteDetails(err: unknown): Record<string, unknown> {
  const remote = remoteOf(err);
  return remote === undefined ? {} : { remote };
}
