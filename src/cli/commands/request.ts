/**
 * `node-ipc-ts request <target> <type> [data] [--timeout ms]`: one request of the Async API
 * (README "Protocol: requests and replies on the wire"), the reply printed as JSON on stdout
 * (`null` when the handler returned nothing; with `--json` a `reply` event).
 *
 * Exit 1 when the remote handler failed (its name, message and code on stderr) or the server
 * handles no such type; 6 when no connection or no reply came within `--timeout` (each);
 * 5 when the connection closed before the reply; 3 and 4 as for every command.
 */
import { ExitCode, positionals, type Command } from '../context';
import { failure, refusedCertificate } from '../diagnose';
import { connectClient, makeIpc, waitReady } from '../endpoint';
import { CliError, codeOf, exitCodeFor, usageError } from '../exit-codes';
import { remoteDetails, remoteText } from '../remote-error';
import { describe, parseTarget, requireStream } from '../target';
import { parseData } from '../typed-line';

/** `node-ipc-ts request <target> <type> [data]`: see the file comment and docs/CLI.md "request". */
export const request: Command = async (context) => {
  const { options, output } = context;
  const [text, type, dataText] = positionals(context, ['target', 'type'], ['data']);
  const target = requireStream(parseTarget(text as string, false), 'request');
  let data: unknown;
  if (dataText !== undefined) {
    const parsed = parseData(dataText);
    if (!parsed.ok) throw usageError(`bad data ${JSON.stringify(dataText)}: ${parsed.reason}`);
    data = parsed.value;
  }
  const ipc = makeIpc(options, target, 'client');
  ipc.config.maxRetries = 0;
  const client = connectClient(ipc, target);
  const where = describe(target, client.path);
  const wait = options.timeout > 0 ? { timeout: options.timeout } : undefined;
  const errors: unknown[] = [];
  client.on('error', (err: unknown) => errors.push(err));
  let reply: unknown;
  await waitReady(client, target, options.timeout, where);
  try {
    reply = await client.request(type as string, data, wait);
  } catch (err) {
    await client.close().catch(() => undefined);
    const code = codeOf(err);
    if (code === 'ERR_IPC_REMOTE' || code === 'ERR_IPC_NO_HANDLER') {
      throw new CliError(ExitCode.remote, `request ${type as string} failed: ${remoteText(err)}`, code, remoteDetails(err));
    }
    if (code === 'ERR_IPC_TIMEOUT') {
      throw new CliError(ExitCode.timeout, `no reply to ${type as string} from ${where} within ${options.timeout} ms (does the server handle() it?)`, code);
    }
    // Dropped before the reply: a TLS refusal shows as the error that closed the connection.
    const cause = errors.find((e) => exitCodeFor(codeOf(e)) === ExitCode.tls) ?? errors.find((e) => codeOf(e) === 'ECONNRESET');
    const context = `request ${type as string} to ${where}`;
    throw refusedCertificate(context, cause, target.kind === 'tls' && options.tls.cert !== undefined) ?? failure(context, cause ?? err);
  }
  if (output.json) output.event(reply === undefined ? { event: 'reply', type: type as string } : { event: 'reply', type: type as string, data: reply });
  else output.plain(reply === undefined ? 'null' : JSON.stringify(reply));
  await client.close().catch(() => undefined);
  return ExitCode.ok;
};
