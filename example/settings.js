/**
 * What every example reads from the environment, so that `npm run example` and the spec can
 * run them on free ports and in temp dirs. Run by hand, the defaults are node-ipc's: socket
 * files under /tmp/, TCP/TLS/UDP servers on 127.0.0.1:8000.
 *
 *   IPC_EXAMPLE_SOCKET_ROOT   directory of Unix socket files (default /tmp/)
 *   IPC_EXAMPLE_PORT          the server's port (default 8000; 0 lets the OS choose)
 *   IPC_EXAMPLE_CLIENT_PORT   the port a UDP client binds for replies (default 8001, 8002, ...)
 *   IPC_EXAMPLE_TIMEOUT_MS    an example that is not done by then exits 1 (default 10000)
 */
'use strict';
const { join } = require('node:path');

const env = process.env;

/** Where the development certificates live (see certs/generate.sh; never use them for real). */
const certs = join(__dirname, 'certs');

function socketRoot() {
  const root = env.IPC_EXAMPLE_SOCKET_ROOT || '/tmp/';
  return root.endsWith('/') ? root : `${root}/`;
}

function port() {
  return env.IPC_EXAMPLE_PORT === undefined ? 8000 : Number(env.IPC_EXAMPLE_PORT);
}

function clientPort(fallback) {
  return env.IPC_EXAMPLE_CLIENT_PORT === undefined ? fallback : Number(env.IPC_EXAMPLE_CLIENT_PORT);
}

/** Exits 1 if the example has not finished in time, so a broken example never hangs. */
function deadline(name) {
  const ms = Number(env.IPC_EXAMPLE_TIMEOUT_MS || 10000);
  setTimeout(() => {
    console.log(`${name}: not done after ${ms} ms, giving up`);
    process.exit(1);
  }, ms).unref();
}

module.exports = { certs, socketRoot, port, clientPort, deadline };
