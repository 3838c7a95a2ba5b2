/**
 * Error text people can act on: OpenSSL's long lines cut to their reason, and for the usual
 * faults (nothing listens, an untrusted certificate, a server that wants a client certificate)
 * what to do about it. The exit code comes from the code (exit-codes.ts), never from the text.
 */
import { CliError, ExitCode, codeOf, exitCodeFor, messageOf } from './exit-codes';

const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing listens there',
  ENOENT: 'nothing listens there',
  EADDRINUSE: 'the address is in use: another server listens there',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host (name lookup failed)',
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not trusted: give its CA with --ca (or skip the check with --insecure)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed: give it with --ca (or skip the check with --insecure)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not trusted: give its CA with --ca (or skip the check with --insecure)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not trusted: give its CA with --ca (or skip the check with --insecure)",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not name this host: connect with a name it lists",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server wants a client certificate: give it with --cert and --key',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server refused the client certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the server does not trust the CA of the client certificate',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the other side does not speak TLS (a plain target has no tls://)',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'the other side does not speak TLS (a plain target has no tls://)',
};

/** OpenSSL's `8034...:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/...` -> its reason. */
export function cleanMessage(message: string): string {
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)(?::|$)/.exec(message.trim());
  return openssl === null ? message.trim() : (openssl[1] as string).trim();
}

/** "CODE: what it means (the system's words)", or the message when the error has no code. */
export function describeError(err: unknown): string {
  const code = codeOf(err);
  const message = cleanMessage(messageOf(err));
  if (code === undefined) return message;
  const hint = HINTS[code];
  if (hint !== undefined) return `${hint} (${message.includes(code) ? message : `${code}: ${message}`})`;
  return message.includes(code) ? message : `${code}: ${message}`;
}

/**
 * A {@link CliError} for `err`, its exit code chosen by its code. `ready()` rejects with
 * `ERR_IPC_NOT_CONNECTED` whose `cause` is what went wrong (ECONNREFUSED, a certificate, ...):
 * that cause is what is reported.
 */
export function failure(context: string, err: unknown): CliError {
  if (err instanceof CliError) return err;
  const cause = (err as { cause?: unknown } | null)?.cause;
  const inner = codeOf(err) === 'ERR_IPC_NOT_CONNECTED' && cause !== undefined ? cause : err;
  const code = codeOf(inner);
  return new CliError(exitCodeFor(code), `${context}: ${describeError(inner)}`, code);
}

/**
 * Under TLS 1.3 a client finishes its handshake before the server has checked the client's
 * certificate; a server that refuses it then often just resets the connection. A reset right
 * after presenting a certificate is reported as the TLS failure it most likely is (exit 4).
 */
export function refusedCertificate(context: string, err: unknown, presentedCertificate: boolean): CliError | undefined {
  if (!presentedCertificate || codeOf(err) !== 'ECONNRESET') return undefined;
  return new CliError(ExitCode.tls, `${context}: the server reset the connection after the TLS handshake (ECONNRESET): it most likely refused the client certificate`, 'ECONNRESET');
}
