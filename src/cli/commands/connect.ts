/**
 * `node-ipc-ts connect <target>`: the interactive client. Prints what the server sends, sends
 * typed lines, `.request type data` waits for the reply and prints it. Reconnects the way the
 * library does (`--retry`, `--max-retries`; forever by default) and says so.
 *
 * Lines are handled one at a time, in order: a `.request` holds the lines after it until its
 * reply (or failure), so a script piped in reads as a conversation. Lines typed while the
 * connection is down are kept by the library and sent, in order, once it is back.
 *
 * Ends on the end of stdin (after the lines read so far, and a connection for messages waiting
 * for one, at most `--timeout`), or at once on `.exit`, Ctrl-C or SIGTERM: closes gracefully
 * (everything sent is handed over) and exits 0. When the library gives up reconnecting it
 * exits 3 (never connected) or 5.
 */
import { ExitCode, positionals, type Command } from '../context';
import { describeError, failure } from '../diagnose';
import { connectClient, isClientWireMessage, makeIpc, type IpcClient } from '../endpoint';
import { CliError, codeOf, type ExitCodeValue } from '../exit-codes';
import type { Options } from '../options';
import { bytesFields, type Output } from '../output';
import { remoteDetails, remoteText } from '../remote-error';
import { readLines, type LineReader } from '../stdin';
import { describe, parseTarget, requireStream } from '../target';
import { parseLine } from '../typed-line';

/** `node-ipc-ts connect <target>`: see the file comment and docs/CLI.md "connect". */
export const connect: Command = async (context) => {
  const { options, output } = context;
  const [text] = positionals(context, ['target']);
  const target = requireStream(parseTarget(text as string, false), 'connect');
  const ipc = makeIpc(options, target, 'client');
  const client = connectClient(ipc, target);
  const where = describe(target, client.path);
  const retry = ipc.config.retry;

  return new Promise<ExitCodeValue>((resolve, reject) => {
    let everConnected = false;
    let up = false;
    let closing = false;
    let lastError: unknown;
    let announced: string | null = null;
    let attempts = 0;
    /** A message was emitted while no connection was open: the end of stdin waits for one. */
    let waitingForConnection = false;
    let reader: LineReader | undefined;
    let requesting = false;

    client.on('connect', () => {
      output.event({ event: 'connect', where, again: everConnected });
      everConnected = true;
      up = true;
      announced = null;
      attempts = 0;
      waitingForConnection = false;
    });
    client.on('error', (err: unknown) => {
      lastError = err;
      if (up && !closing) output.error(describeError(err), codeOf(err));
    });
    client.on('disconnect', () => {
      if (closing) return;
      const wasUp = up;
      up = false;
      if (client.destroyed) {
        if (wasUp) output.event({ event: 'disconnect', where });
        return; // `destroy` follows: the library gave up
      }
      attempts++;
      if (wasUp) {
        output.event({ event: 'disconnect', where, retry });
      } else {
        // One line per kind of failure, not one per attempt: retries run every `retry` ms.
        const code = codeOf(lastError) ?? 'unknown';
        if (code !== announced) output.event({ event: 'retry', where, code, in: retry, attempt: attempts });
        announced = code;
      }
    });
    client.on('destroy', () => {
      if (closing) return;
      reader?.close();
      reject(everConnected
        ? new CliError(ExitCode.closed, `the connection to ${where} closed and the client gave up reconnecting`, codeOf(lastError))
        : failure(`cannot connect to ${where}`, lastError ?? new Error('gave up connecting')));
    });
    client.on('*', (type: string, ...args: unknown[]) => {
      // The answer to a .request is shown as its `reply` line (lines run one at a time, so
      // a reply arriving now answers it); any other ipc.reply is shown as it came.
      if (type === 'ipc.reply' && requesting) return;
      if (options.raw && type === 'data' && Buffer.isBuffer(args[0])) output.event({ event: 'data', direction: 'in', ...bytesFields(args[0]) });
      else if (isClientWireMessage(type, args)) output.event({ event: 'message', direction: 'in', type, data: args[0] });
    });

    let chain = Promise.resolve();
    let lineNumber = 0;
    let stopRequested = false;
    /**
     * Closes gracefully. At the end of stdin (`afterLines`) the lines read so far run first and a
     * connection is awaited for messages waiting for one; on Ctrl-C or `.exit` the close starts
     * now (a request still waiting fails; messages no connection took are reported).
     */
    const close = (afterLines: boolean): void => {
      if (stopRequested) return;
      stopRequested = true;
      reader?.close();
      void (afterLines ? chain : Promise.resolve()).then(async () => {
        if (afterLines && waitingForConnection && !client.destroyed) await client.ready(options.timeout > 0 ? { timeout: options.timeout } : undefined);
        closing = true;
        await client.close();
        output.event({ event: 'closed', where });
        resolve(ExitCode.ok);
      }).catch((err: unknown) => {
        closing = true;
        void client.close().catch(() => undefined);
        reject(failure(`closing the connection to ${where}`, err));
      });
    };
    context.onStop(() => close(false));
    const handle = (line: string): Promise<void> | void => {
      lineNumber++;
      const parsed = parseLine(line, { raw: options.raw, encoding: options.encoding, commands: true, addressed: false });
      switch (parsed.kind) {
        case 'empty':
          return undefined;
        case 'bad':
          output.error(`line ${lineNumber} skipped: ${parsed.reason}: ${line}`, 'ERR_CLI_BAD_LINE');
          return undefined;
        case 'exit':
          context.interrupt();
          return undefined;
        case 'request':
          requesting = true;
          return request(client, options, output, parsed.type, parsed.data).finally(() => {
            requesting = false;
          });
        default:
          try {
            const queued = !client.connected;
            if (parsed.kind === 'raw') {
              client.emit(parsed.bytes);
              output.event({ event: 'data', direction: 'out', ...bytesFields(parsed.bytes) });
            } else {
              client.emit(parsed.type, parsed.data);
              output.event({ event: 'message', direction: 'out', type: parsed.type, data: parsed.data, ...(queued ? { queued } : {}) });
            }
            if (queued) waitingForConnection = true;
          } catch (err) {
            output.error(`line ${lineNumber} not sent: ${describeError(err)}`, codeOf(err));
          }
          return undefined;
      }
    };
    if (options.stdin) {
      reader = readLines(output, '> ', {
        line: (line) => {
          chain = chain.then(() => handle(line));
        },
        end: () => close(true),
        interrupt: () => context.interrupt(),
      });
    }
  });
};

/** `.request type data`: waits for the connection and the reply (each at most `--timeout`), prints it or why not. */
async function request(client: IpcClient, options: Options, output: Output, type: string, data: unknown): Promise<void> {
  const wait = options.timeout > 0 ? { timeout: options.timeout } : undefined;
  try {
    await client.ready(wait);
    const reply: unknown = await client.request(type, data, wait);
    output.event({ event: 'reply', type, data: reply });
  } catch (err) {
    output.error(`request ${type} failed: ${remoteText(err)}`, codeOf(err), remoteDetails(err));
  }
}
