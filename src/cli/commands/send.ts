/**
 * `node-ipc-ts send <target> <type> [data]` (raw: `send --raw <target> <bytes>`): connects,
 * emits once, closes gracefully and exits 0 once the message was handed over: the library's
 * `close()` resolves when everything emitted was written and the server closed its side.
 * No reconnect: a refused connection is the answer (exit 3), a failed handshake exit 4, a
 * server that closes first exit 5. The printed line says what was sent, after it was.
 *
 * UDP has no connection: the message goes out in one datagram from a port the system picks,
 * and exit 0 means the system took it, not that anything received it.
 */
import { ExitCode, positionals, type Command, type Context } from '../context';
import { failure, refusedCertificate } from '../diagnose';
import { connectClient, makeIpc, startServer, waitReady } from '../endpoint';
import { CliError, codeOf, exitCodeFor, isTlsCode, usageError } from '../exit-codes';
import { bytesFields, type EventRecord } from '../output';
import { describe, parseTarget, type NetTarget } from '../target';
import { parseBytes, parseData } from '../typed-line';

/** What to send: a message, or raw bytes. */
type Payload = { kind: 'message'; type: string; data: unknown } | { kind: 'raw'; bytes: Buffer };

/** `node-ipc-ts send <target> <type> [data]`: see the file comment and docs/CLI.md "send". */
export const send: Command = async (context) => {
  const { options, output } = context;
  const [text, first, second] = options.raw ? positionals(context, ['target', 'bytes']) : positionals(context, ['target', 'type'], ['data']);
  const target = parseTarget(text as string, false);
  const payload = payloadOf(context, first as string, second);
  const record: EventRecord = payload.kind === 'raw'
    ? { event: 'data', direction: 'out', ...bytesFields(payload.bytes) }
    : { event: 'message', direction: 'out', type: payload.type, data: payload.data };
  if (target.kind === 'udp4' || target.kind === 'udp6') {
    await sendDatagram(context, target, payload);
    output.event(record);
    return ExitCode.ok;
  }

  const ipc = makeIpc(options, target, 'client');
  ipc.config.maxRetries = 0; // a refused connection is an answer, not something to wait out
  if (options.timeout > 0) ipc.config.closeTimeout = options.timeout;
  const client = connectClient(ipc, target);
  const where = describe(target, client.path);
  const errors: unknown[] = [];
  let closing = false;
  let dropped = false;
  client.on('error', (err: unknown) => errors.push(err));
  client.on('disconnect', () => {
    if (!closing) dropped = true;
  });
  await waitReady(client, target, options.timeout, where);
  // The socket itself (client.socket, public) tells what the library forgives after a close
  // that handed everything to the kernel: a server that closed without reading resets the
  // connection instead of ending it.
  const socket = client.socket;
  let ended = false;
  if (socket !== false) {
    socket.on('end', () => {
      ended = true;
    });
    socket.on('error', (err: unknown) => {
      // A reset after the server's clean end is the close the library forgives; a TLS alert
      // is a refusal wherever it falls (Node 18.0 reads the end before the alert).
      if (!ended || isTlsCode(codeOf(err))) errors.push(err);
    });
  }
  try {
    if (payload.kind === 'raw') client.emit(payload.bytes);
    else client.emit(payload.type, payload.data);
  } catch (err) {
    // A profile refuses some names on emit (reserved, too long, not allowed).
    closing = true;
    await client.close().catch(() => undefined);
    throw failure('not sent', err);
  }
  closing = true;
  try {
    await client.close();
  } catch (err) {
    throw failure(`the message may not have reached ${where}`, err);
  }
  const fault = errors.find((err) => {
    const exit = exitCodeFor(codeOf(err));
    return exit === ExitCode.tls || exit === ExitCode.closed;
  });
  if (fault !== undefined) {
    const why = `the message may not have been read: ${where} closed the connection without reading everything`;
    throw refusedCertificate(why, fault, target.kind === 'tls' && options.tls.cert !== undefined) ?? failure(why, fault);
  }
  if (dropped) throw new CliError(ExitCode.closed, `${where} closed the connection before the message was handed over`, 'ERR_CLI_CLOSED');
  output.event(record);
  return ExitCode.ok;
};

function payloadOf(context: Context, first: string, second: string | undefined): Payload {
  const { options } = context;
  if (options.raw) {
    const bytes = parseBytes(first, options.encoding);
    if (!bytes.ok) throw usageError(`bad bytes ${JSON.stringify(first)}: ${bytes.reason}`);
    return { kind: 'raw', bytes: bytes.value };
  }
  if (second === undefined) return { kind: 'message', type: first, data: undefined };
  const data = parseData(second);
  if (!data.ok) throw usageError(`bad data ${JSON.stringify(second)}: ${data.reason}`);
  return { kind: 'message', type: first, data: data.value };
}

/** One datagram from an ephemeral port, through a UDP server of the library (how node-ipc sends UDP). */
async function sendDatagram(context: Context, target: NetTarget, payload: Payload): Promise<void> {
  const local: NetTarget = { kind: target.kind, host: target.kind === 'udp6' ? '::' : '0.0.0.0', port: 0, text: target.text };
  const ipc = makeIpc(context.options, local, 'server');
  const server = await startServer(ipc, local);
  const errors: unknown[] = [];
  server.on('error', (err: unknown) => errors.push(err));
  const to = { address: target.host, port: target.port };
  try {
    if (payload.kind === 'raw') server.emit(to, payload.bytes);
    else server.emit(to, payload.type, payload.data);
  } finally {
    await server.close();
  }
  if (errors.length > 0) throw failure(`not sent to ${describe(target)}`, errors[0]);
}
