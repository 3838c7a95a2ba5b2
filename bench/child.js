'use strict';
/**
 * One side of one trial, in its own process: `node child.js server|client <subject> <lane> <json>`.
 * Talks to the orchestrator over the fork channel:
 *   server: -> {ready, address}; <- {cmd: 'report'} -> {report}; <- {cmd: 'exit'}
 *   client: -> {report}; <- {cmd: 'exit'}
 * A subject whose client must be the server's own child (child_process) gets
 *   server: <- {cmd: 'fork-client', argv, execArgv} -> {clientReport} (or {failed})
 * and its client reports to the server, which relays.
 */
const { LANES, KINDS } = require('./lanes');
const baseline = require('./subjects/net-baseline');
const nodeIpc = require('./subjects/node-ipc');
const childProcess = require('./subjects/child-process');

const [role, subject, laneName, json] = process.argv.slice(2);
const opts = JSON.parse(json);
const lane = LANES.find((l) => l.name === laneName);
const kind = KINDS[lane.kind];

async function adapter() {
  if (subject === 'net-baseline') return baseline;
  if (subject === 'net-buffer') return require('./subjects/net-buffer');
  if (subject === 'net-bytes') return require('./subjects/net-bytes');
  if (subject === 'ws') return require('./subjects/ws');
  if (subject === 'cp-json' || subject === 'cp-advanced') return childProcess.adapter(subject);
  await nodeIpc.preload(subject);
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

/**
 * One full GC once the subject is loaded, before connecting (a no-op without --expose-gc). Until
 * its first full GC, V8 lets a process's old generation grow to half its heap limit (512 MB here)
 * before collecting; the first full GC sizes that limit from the live heap (tens of MB). Loading
 * a library sets the limit by the way (node-ipc-ts: the garbage of loading 54 modules), loading
 * nothing does not: child_process's server, which loads nothing, then took 200 x 1 MiB strings
 * with 1 major GC and 270 MiB peak RSS, the same server after 300,000 short-lived objects with 13
 * and 100 MiB, as node-ipc-ts. A program that has run a while has a sized heap, so every child
 * starts from one.
 */
function settleHeap() {
  if (typeof global.gc === 'function' && process.env.BENCH_NO_SETTLE !== '1') global.gc();
}

function fail(err) {
  process.send({ failed: String(err && err.stack ? err.stack : err) });
}

process.on('message', (msg) => {
  if (msg.cmd === 'exit') process.exit(0);
});
// Orphaned (the orchestrator, or for child_process the server, went away): leave.
process.on('disconnect', () => process.exit(0));

async function main() {
  const subj = await adapter();
  settleHeap();
  const connOpts = { transport: lane.transport, raw: Boolean(lane.raw), path: opts.path, port: opts.port, host: opts.host };
  if (role === 'server') {
    const srv = await subj.createServer(connOpts);
    cpuStart = process.cpuUsage();
    const side = kind.server(srv, opts.params);
    process.on('message', (msg) => {
      if (msg.cmd === 'fork-client') {
        srv.forkClient(__filename, msg.argv, msg.execArgv, (m) => {
          if (m.report) process.send({ clientReport: m.report });
          else if (m.failed) process.send({ failed: `client: ${m.failed}` });
          else if (m.exited !== undefined) process.send({ failed: `client exited (${m.exited})` });
        });
      }
      if (msg.cmd !== 'report') return;
      side.result().then((result) => process.send({ report: { ...result, errors: [...result.errors], rssMiB: rssMiB(), cpuMs: cpuMs() } }), fail);
    });
    process.send({ ready: true, address: srv.address });
  } else {
    const connect = (extra) => subj.createClient({ ...connOpts, ...opts.address, ...extra });
    cpuStart = process.cpuUsage();
    const result = await kind.client(connect, opts.params);
    // A plain array: the errors list carries an `add` method, which the 'advanced' serialization cannot clone.
    process.send({ report: { ...result, errors: [...result.errors], rssMiB: rssMiB(), cpuMs: cpuMs() } });
  }
}

main().catch(fail);
