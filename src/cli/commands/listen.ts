/**
 * `node-ipc-ts listen <target>`: a server that prints every message, connect and disconnect,
 * and sends each typed line to every client (`@N` to client #N only). Runs until Ctrl-C or
 * SIGTERM, then closes gracefully (what was sent is delivered) and exits 0. The end of stdin
 * does not stop it: a server piped from nothing keeps serving.
 */
import type { Socket } from 'node:net';
import { ExitCode, positionals, type Command } from '../context';
import { describeError } from '../diagnose';
import { isServerWireMessage, makeIpc, startServer, whereListening, type IpcServer, type Source } from '../endpoint';
import { codeOf, type ExitCodeValue } from '../exit-codes';
import { bytesFields, type Peer } from '../output';
import { readLines } from '../stdin';
import { parseTarget, type Target } from '../target';
import { parseLine } from '../typed-line';

/** The transport a target names, as the `listening` event shows it. */
export function transportOf(target: Target): string {
  return target.kind === 'path' || target.kind === 'id' ? (process.platform === 'win32' ? 'pipe' : 'unix') : target.kind;
}

/** `node-ipc-ts listen <target>`: see the file comment and docs/CLI.md "listen". */
export const listen: Command = async (context) => {
  const { options, output } = context;
  const [text] = positionals(context, ['target']);
  const target = parseTarget(text as string, true);
  const udp = target.kind === 'udp4' || target.kind === 'udp6';
  const ipc = makeIpc(options, target, 'server');
  const server: IpcServer = await startServer(ipc, target);
  output.event({ event: 'listening', where: whereListening(server, target), transport: transportOf(target) });

  // Clients are numbered in the order they connect; UDP peers are named by address.
  const numbers = new WeakMap<object, number>();
  const clients = new Map<number, Socket>();
  let next = 1;
  const peerOf = (source: unknown): Peer => {
    if (udp) {
      const { address, port } = source as { address: string; port: number };
      return `${address.includes(':') ? `[${address}]` : address}:${port}`;
    }
    return numbers.get(source as object) ?? '?';
  };

  server.on('connect', (socket: Socket) => {
    if (udp) return; // a UDP server publishes `connect` once, with its own dgram socket
    const n = next++;
    numbers.set(socket, n);
    clients.set(n, socket);
    const from = socket.remoteAddress === undefined ? undefined : `${socket.remoteAddress}:${socket.remotePort ?? ''}`;
    output.event(from === undefined ? { event: 'connect', client: n } : { event: 'connect', client: n, from });
  });
  server.on('socket.disconnected', (socket: Socket, id: unknown) => {
    const n = numbers.get(socket);
    if (n === undefined) return;
    clients.delete(n);
    output.event(typeof id === 'string' ? { event: 'disconnect', client: n, id } : { event: 'disconnect', client: n });
  });
  server.on('error', (err: unknown, source?: Source) => {
    // A TLS client that failed its handshake never connected, so it has no number.
    const who = source === undefined ? '' : !udp && !numbers.has(source) ? 'a client (before connecting): ' : `${String(peerOf(source))}: `;
    output.error(`${who}${describeError(err)}`, codeOf(err));
  });
  server.on('*', (type: string, ...args: unknown[]) => {
    if (options.raw && type === 'data' && Buffer.isBuffer(args[0])) {
      output.event({ event: 'data', direction: 'in', client: peerOf(args[1]), ...bytesFields(args[0]) });
    } else if (isServerWireMessage(args)) {
      output.event({ event: 'message', direction: 'in', client: peerOf(args[1]), type, data: args[0] });
    }
  });

  let lineNumber = 0;
  const typed = (line: string): void => {
    lineNumber++;
    const parsed = parseLine(line, { raw: options.raw, encoding: options.encoding, commands: false, addressed: true });
    if (parsed.kind === 'empty') return;
    if (parsed.kind === 'bad' || parsed.kind === 'request' || parsed.kind === 'exit') {
      output.error(`line ${lineNumber} skipped: ${parsed.kind === 'bad' ? parsed.reason : 'not a command of listen'}: ${line}`, 'ERR_CLI_BAD_LINE');
      return;
    }
    let to: Socket | undefined;
    if (parsed.to !== undefined) {
      to = udp ? undefined : clients.get(parsed.to);
      if (to === undefined) {
        output.error(`line ${lineNumber} skipped: ${udp ? 'UDP peers have no numbers' : `no client #${parsed.to} is connected`}`, 'ERR_CLI_BAD_LINE');
        return;
      }
    } else if (server.sockets.length === 0) {
      output.error(`line ${lineNumber} not sent: ${udp ? 'no peer has sent anything yet' : 'no client is connected'}`, 'ERR_CLI_NO_CLIENT');
      return;
    }
    const client: Peer = parsed.to ?? 'all';
    try {
      if (parsed.kind === 'raw') {
        if (to === undefined) server.broadcast(parsed.bytes);
        else server.emit(to, parsed.bytes);
        output.event({ event: 'data', direction: 'out', client, ...bytesFields(parsed.bytes) });
      } else {
        if (to === undefined) server.broadcast(parsed.type, parsed.data);
        else server.emit(to, parsed.type, parsed.data);
        output.event({ event: 'message', direction: 'out', client, type: parsed.type, data: parsed.data });
      }
    } catch (err) {
      // A profile refuses some names on emit (reserved, too long, not allowed): say why, go on.
      output.error(`line ${lineNumber} not sent: ${describeError(err)}`, codeOf(err));
    }
  };

  return new Promise<ExitCodeValue>((resolve) => {
    const reader = readLines(output, '> ', { line: typed, end: () => undefined, interrupt: () => context.interrupt() });
    context.onStop(() => {
      reader.close();
      server.close().then(() => {
        output.event({ event: 'closed', where: whereListening(server, target) });
        resolve(ExitCode.ok);
      }, (err: unknown) => {
        output.error(`closing: ${describeError(err)}`, codeOf(err));
        resolve(ExitCode.closed);
      });
    });
  });
};
