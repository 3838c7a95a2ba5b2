'use strict';
/**
 * One side of one trial, in its own process: `node child.js server|client <subject> <lane> <json>`.
 * Talks to the orchestrator over the fork channel:
 *   server: -> {ready, address}; <- {cmd: 'report'} -> {report}; <- {cmd: 'exit'}
 *   client: -> {report}; <- {cmd: 'exit'}
 */
const { LANES, KINDS } = require('./lanes');
const baseline = require('./subjects/net-baseline');
const nodeIpc = require('./subjects/node-ipc');

const [role, subject, laneName, json] = process.argv.slice(2);
const opts = JSON.parse(json);
const lane = LANES.find((l) => l.name === laneName);
const kind = KINDS[lane.kind];

function adapter() {
  if (subject === 'net-baseline') return baseline;
  nodeIpc.preload(subject);
  return { createServer: (o) => nodeIpc.createServer(subject, o), createClient: (o) => nodeIpc.createClient(subject, o) };
}

function rssMiB() {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

/** CPU time (user + system) since the connection was made: less disturbed by a busy machine than wall time. */
let cpuStart = null;
function cpuMs() {
  const used = process.cpuUsage(cpuStart);
  return (used.user + used.system) / 1000;
}

function fail(err) {
  process.send({ failed: String(err && err.stack ? err.stack : err) });
}

process.on('message', (msg) => {
  if (msg.cmd === 'exit') process.exit(0);
});

async function main() {
  const subj = adapter();
  const connOpts = { transport: lane.transport, raw: Boolean(lane.raw), path: opts.path, port: opts.port, host: opts.host };
  if (role === 'server') {
    const srv = await subj.createServer(connOpts);
    cpuStart = process.cpuUsage();
    const side = kind.server(srv, opts.params);
    process.on('message', (msg) => {
      if (msg.cmd !== 'report') return;
      side.result().then((result) => process.send({ report: { ...result, rssMiB: rssMiB(), cpuMs: cpuMs() } }), fail);
    });
    process.send({ ready: true, address: srv.address });
  } else {
    const connect = (extra) => subj.createClient({ ...connOpts, ...opts.address, ...extra });
    cpuStart = process.cpuUsage();
    const result = await kind.client(connect, opts.params);
    process.send({ report: { ...result, rssMiB: rssMiB(), cpuMs: cpuMs() } });
  }
}

main().catch(fail);
