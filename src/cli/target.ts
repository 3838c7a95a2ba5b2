/**
 * Targets: where to listen or connect, written the way people name node-ipc endpoints.
 *
 * | written | means |
 * | --- | --- |
 * | `/tmp/app.world`, `./s.sock`, `\\.\pipe\x` | a Unix socket path or Windows pipe (it holds `/` or `\`) |
 * | `world` | an id: `socketRoot + appspace + id`, as `ipc.connectTo('world')` resolves it |
 * | `localhost:8000`, `[::1]:8000`, `:8000`, `tcp://host:port` | TCP |
 * | `tls://localhost:8000` | TLS |
 * | `udp4://127.0.0.1:8000`, `udp6://[::1]:8000` | UDP (listen and send only) |
 */
import { usageError } from './exit-codes';

/** A parsed target. `text` is what was written. */
export type Target =
  | { readonly kind: 'path'; readonly path: string; readonly text: string }
  | { readonly kind: 'id'; readonly id: string; readonly text: string }
  | { readonly kind: 'tcp' | 'tls' | 'udp4' | 'udp6'; readonly host: string; readonly port: number; readonly text: string };

/** A target over the network. */
export type NetTarget = Extract<Target, { host: string }>;

/** node-ipc's default `networkHost`, for `:8000`. */
const DEFAULT_HOST = '127.0.0.1';
const SCHEMES = ['tcp', 'tls', 'udp4', 'udp6'] as const;

/**
 * Parses a target. `listening`: port 0 is allowed (the system picks one and the command prints it).
 * @throws CliError (exit 2) saying what is wrong and what a target looks like.
 */
export function parseTarget(text: string, listening: boolean): Target {
  if (text.length === 0) throw badTarget(text, 'it is empty');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (scheme !== null) {
    const name = (scheme[1] as string).toLowerCase();
    const kind = SCHEMES.find((s) => s === name);
    if (kind === undefined) throw badTarget(text, `unknown scheme ${name}:// (use ${SCHEMES.map((s) => `${s}://`).join(', ')}, or a path or an id)`);
    return { kind, ...hostPort(text, scheme[2] as string, listening, kind === 'udp6'), text };
  }
  if (text.includes('/') || text.includes('\\')) return { kind: 'path', path: text, text };
  if (text.includes(':')) return { kind: 'tcp', ...hostPort(text, text, listening, false), text };
  return { kind: 'id', id: text, text };
}

function hostPort(text: string, rest: string, listening: boolean, ipv6: boolean): { host: string; port: number } {
  let host: string;
  let port: string;
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (bracketed !== null) {
    host = bracketed[1] as string;
    port = bracketed[2] as string;
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon === -1) throw badTarget(text, 'it has no port (host:port)');
    host = rest.slice(0, colon);
    port = rest.slice(colon + 1);
    if (host.includes(':')) throw badTarget(text, `an IPv6 address needs brackets: [${host}]:${port}`);
  }
  if (host.length === 0) host = ipv6 ? '::1' : DEFAULT_HOST;
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw badTarget(text, `the port must be a number from ${listening ? 0 : 1} to 65535 (got ${JSON.stringify(port)})`);
  if (Number(port) === 0 && !listening) throw badTarget(text, 'port 0 only makes sense when listening');
  return { host, port: Number(port) };
}

function badTarget(text: string, why: string) {
  return usageError(`bad target ${JSON.stringify(text)}: ${why}. A target is a socket path (/tmp/app.world), an id (world), host:port, tls://host:port, udp4://host:port or udp6://[::1]:port`);
}

/** How a target is shown: `tls://localhost:8000`, `[::1]:8000`, the path, or the id's resolved path. */
export function describe(target: Target, resolvedPath?: string): string {
  switch (target.kind) {
    case 'path':
      return target.path;
    case 'id':
      return resolvedPath ?? target.id;
    default: {
      const host = target.host.includes(':') ? `[${target.host}]` : target.host;
      return `${target.kind === 'tcp' ? '' : `${target.kind}://`}${host}:${target.port}`;
    }
  }
}

/** @throws CliError (exit 2) when a command that needs a connection is given a UDP target. */
export function requireStream(target: Target, command: string): Exclude<Target, { kind: 'udp4' | 'udp6' }> {
  if (target.kind === 'udp4' || target.kind === 'udp6') {
    throw usageError(`${command} needs a connection; ${target.kind}:// targets work with listen and send only (UDP has no connection)`);
  }
  return target;
}
