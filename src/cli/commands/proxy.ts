/**
 * `node-ipc-ts proxy --listen <target> --to <target>`: sits between a real client and a real
 * server. Each connection accepted on `--listen` gets its own connection to `--to`; bytes are
 * piped both ways unchanged (the very chunks received, with backpressure and half-close), and
 * a tap on each direction prints every frame decoded, numbered by connection (`#1`), with its
 * direction and time. `--raw` shows chunks as bytes instead of frames.
 *
 * Runs until Ctrl-C or SIGTERM: then it stops accepting, ends both sides of each connection
 * (a second Ctrl-C cuts them), and exits 0.
 */
import type { Socket } from 'node:net';
import { ExitCode, positionals, type Command } from '../context';
import { describeError } from '../diagnose';
import { codeOf, usageError, type ExitCodeValue } from '../exit-codes';
import { decodeFrame, FrameTap } from '../frame-tap';
import { bytesFields, type Output } from '../output';
import { checkTlsFlags, dialler, listenOn } from '../proxy-sockets';
import { describe, parseTarget, requireStream } from '../target';
import { transportOf } from './listen';

/** Largest frame the tap decodes (the library's default `maxMessageSize`); larger ones pass through unshown. */
const MAX_SHOWN_FRAME = 100 * 1024 * 1024;
/** Milliseconds Ctrl-C waits for open connections to close before cutting them. */
const STOP_GRACE = 2000;

/** `node-ipc-ts proxy --listen <target> --to <target>`: see the file comment and docs/CLI.md "proxy". */
export const proxy: Command = async (context) => {
  const { options, output } = context;
  positionals(context, []);
  if (options.listen === undefined || options.to === undefined) {
    throw usageError('proxy needs --listen <target> and --to <target>: node-ipc-ts proxy --listen <target> --to <target>');
  }
  const from = requireStream(parseTarget(options.listen, true), 'proxy --listen');
  const to = requireStream(parseTarget(options.to, false), 'proxy --to');
  checkTlsFlags(options.tls, from, 'listen');
  checkTlsFlags(options.toTls, to, 'to');
  const upstreams = dialler(to, options);
  const toWhere = describe(to);
  const { server, where, connectionEvent } = await listenOn(from, options);
  output.event({ event: 'listening', where, transport: transportOf(from) });

  const delimiter = Buffer.from(options.delimiter, 'utf8');
  const live = new Set<Socket>();
  let next = 1;
  server.on('tlsClientError', (err: Error) => output.error(`a client failed the TLS handshake: ${describeError(err)}`, codeOf(err)));
  server.on(connectionEvent, (downstream: Socket) => {
    const client = next++;
    const remote = downstream.remoteAddress === undefined ? undefined : `${downstream.remoteAddress}:${downstream.remotePort ?? ''}`;
    output.event(remote === undefined ? { event: 'connect', client } : { event: 'connect', client, from: remote });
    const upstream = upstreams.dial();
    live.add(downstream);
    live.add(upstream);
    // Bytes flow once the server is reached (a plain --listen reads nothing before: see listenOn).
    upstream.once(upstreams.readyEvent, () => {
      tap(downstream, client, 'to-server', delimiter, options.raw, output);
      tap(upstream, client, 'to-client', delimiter, options.raw, output);
      downstream.pipe(upstream);
      upstream.pipe(downstream);
    });
    // One side failing cuts the other: a client must see its server vanish, and the reverse.
    upstream.on('error', (err: Error) => {
      // The flags that fix a TLS fault toward --to are the --to-* ones.
      output.error(`#${client} ${toWhere}: ${describeError(err).replace(/--(ca|cert|key)\b/g, '--to-$1')}`, codeOf(err));
      cut(downstream);
    });
    downstream.on('error', (err: Error) => {
      output.error(`#${client} the client: ${describeError(err)}`, codeOf(err));
      cut(upstream);
    });
    let open = 2;
    const closed = (socket: Socket): void => {
      live.delete(socket);
      if (--open === 0) output.event({ event: 'disconnect', client });
    };
    // A side that closed without ending first (a reset, a crash) ends the other gracefully:
    // what was already piped is still written before its FIN.
    downstream.once('close', () => {
      closed(downstream);
      upstream.end();
    });
    upstream.once('close', () => {
      closed(upstream);
      downstream.end();
    });
  });

  return new Promise<ExitCodeValue>((resolve) => {
    context.onStop(() => {
      server.close(() => {
        output.event({ event: 'closed', where });
        resolve(ExitCode.ok);
      });
      for (const socket of live) socket.end();
      // A peer that never closes its side must not keep the proxy alive.
      setTimeout(() => {
        for (const socket of live) socket.destroy();
      }, STOP_GRACE).unref();
    });
  });
};

/**
 * Ends a connection with a reset where Node can (TCP, Node 18.3+): a clean FIN would tell the
 * peer that everything it sent was taken, when the other side never got it (`send` reads a
 * reset as "not handed over"). A Unix socket has no reset; its unread bytes do the same.
 */
function cut(socket: Socket): void {
  try {
    if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) {
      socket.resetAndDestroy();
      return;
    }
  } catch {
    // not a TCP socket
  }
  socket.destroy();
}

/** Prints what passes in one direction; it never changes the chunks, which `pipe` forwards. */
function tap(socket: Socket, client: number, direction: 'to-server' | 'to-client', delimiter: Buffer, raw: boolean, output: Output): void {
  if (raw) {
    socket.on('data', (chunk: Buffer) => output.event({ event: 'frame', client, direction, ...bytesFields(chunk) }));
    return;
  }
  const frames = new FrameTap(delimiter, MAX_SHOWN_FRAME, (found) => {
    if (found.kind === 'oversize') {
      output.event({ event: 'frame', client, direction, bytes: found.bytes, invalid: `over ${MAX_SHOWN_FRAME} bytes, not shown` });
      return;
    }
    const decoded = decodeFrame(found.frame);
    if ('type' in decoded) output.event({ event: 'frame', client, direction, bytes: found.frame.length, type: decoded.type, data: decoded.data });
    else output.event({ event: 'frame', client, direction, invalid: decoded.invalid, ...bytesFields(found.frame) });
  });
  socket.on('data', (chunk: Buffer) => frames.push(chunk));
  socket.once('end', () => {
    if (frames.pending > 0) output.event({ event: 'frame', client, direction, bytes: frames.pending, invalid: 'unfinished frame at the end of the stream' });
  });
}
