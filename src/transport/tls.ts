/**
 * TLS: node's `tls` options plus node-ipc's file-path keys, read once per server start or
 * client connection, and dialling / serving over TLS.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connect, createServer, type ConnectionOptions, type Server, type TlsOptions, type TLSSocket } from 'node:tls';
import type { InterfaceConfig, TlsConfig } from '../config';
import { IpcError } from '../errors';
import { tcpConnectOptions } from './net';

/** `config.tls` (declared with the config; re-exported here, where it is read). */
export type { TlsConfig };

function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new IpcError('ERR_IPC_TLS_CONFIGURATION', `Cannot read config.tls.${key} file "${path}": ${(cause as Error).message}`, { cause });
  }
}

/** `config.tls` with node-ipc's file-path keys turned into node's own. */
export type ResolvedTlsOptions = Omit<TlsConfig, 'private' | 'public' | 'trustedConnections'>;

/**
 * Node `tls` options from `config.tls`: file paths read into Buffers, node-ipc's keys removed.
 * The config object is not modified (node-ipc wrote `key`/`cert`/`ca` back into it).
 * @throws IpcError ERR_IPC_TLS_CONFIGURATION naming the file that cannot be read.
 */
export function resolveTlsOptions(config: TlsConfig): ResolvedTlsOptions {
  const { private: keyPath, public: certPath, trustedConnections, dhparam, ...options } = config;
  const resolved: ResolvedTlsOptions = { ...options };
  if (keyPath !== undefined) resolved.key = readPem(keyPath, 'private');
  if (certPath !== undefined) resolved.cert = readPem(certPath, 'public');
  if (trustedConnections !== undefined) {
    const paths = typeof trustedConnections === 'string' ? [trustedConnections] : trustedConnections;
    resolved.ca = paths.map((path) => readPem(path, 'trustedConnections'));
  }
  if (typeof dhparam === 'string') {
    resolved.dhparam = dhparam.includes('-----BEGIN') ? dhparam : readPem(dhparam, 'dhparam');
  } else if (dhparam !== undefined) {
    resolved.dhparam = dhparam;
  }
  return resolved;
}

/**
 * How to make a throwaway self-signed key pair for local testing, quoted in the refusal
 * below: upstream's TLS examples (`basic-local-only`) start a server without a key, relying
 * on the one node-ipc shipped, and this package never bundles one.
 */
const THROWAWAY_KEY_PAIR = 'openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=localhost';

/**
 * Server options, refusing to start without a key and certificate. node-ipc fell back to a
 * key shipped inside its package: a publicly known key is no security (BEHAVIOUR.md "TLS").
 * The error names the keys to set and how to make a throwaway pair for local testing.
 */
export function resolveTlsServerOptions(config: TlsConfig): TlsOptions {
  const options = resolveTlsOptions(config);
  const hasIdentity = (options.key !== undefined && options.cert !== undefined) || options.pfx !== undefined;
  if (!hasIdentity) {
    throw new IpcError('ERR_IPC_TLS_CONFIGURATION',
      'A TLS server needs a private key and a certificate: set config.tls.private and config.tls.public ' +
      '(file paths), or config.tls.key and config.tls.cert (PEM), or config.tls.pfx. No key is bundled. ' +
      `For local testing only, make a throwaway pair with \`${THROWAWAY_KEY_PAIR}\` ` +
      'and set config.tls = { private: \'key.pem\', public: \'cert.pem\' }; clients then set ' +
      'config.tls = { trustedConnections: \'cert.pem\' } and connect to \'localhost\'');
  }
  return options;
}

/** Connects over TLS; the socket's ready event is 'secureConnect'. */
export function dialTls(host: string, port: number, iface: Partial<InterfaceConfig> | undefined, options: ResolvedTlsOptions): TLSSocket {
  return connect({ ...(options as ConnectionOptions), ...tcpConnectOptions(host, port, iface) });
}

/** A TLS server; `onSocket` gets every socket whose handshake succeeded. */
export function createTlsServer(options: TlsOptions, onSocket: (socket: Socket) => void): Server {
  return createServer(options, onSocket);
}
