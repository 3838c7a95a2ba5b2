'use strict';
// What the conformance kit tells an adapter (docs/PROTOCOL.md §11.1), read from the
// environment once, shared by the adapters of this folder.

/** `unix:<path>` or `tcp:<host>:<port>` as `{ path }` or `{ host, port }`. */
function parseTarget(text) {
  if (typeof text !== 'string') throw new Error('NODE_IPC_CONFORMANCE_TARGET is not set: run me through node-ipc-ts conformance');
  if (text.startsWith('unix:')) return { path: text.slice('unix:'.length) };
  const tcp = /^tcp:(.*):(\d+)$/.exec(text);
  if (tcp !== null) return { host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new Error(`NODE_IPC_CONFORMANCE_TARGET: cannot read ${JSON.stringify(text)}`);
}

const role = process.argv[2];
if (role !== 'server' && role !== 'client') throw new Error('usage: node <adapter> server|client');

module.exports = {
  role,
  target: parseTarget(process.env.NODE_IPC_CONFORMANCE_TARGET),
  raw: process.env.NODE_IPC_CONFORMANCE_MODE === 'raw',
  // A JSON string literal ("\f", "\r\n"); absent in raw mode.
  delimiter: process.env.NODE_IPC_CONFORMANCE_DELIMITER === undefined ? '\f' : JSON.parse(process.env.NODE_IPC_CONFORMANCE_DELIMITER),
  /** How long an adapter's own request (`ask`) waits for the kit's reply. */
  askTimeout: 5000,
};
