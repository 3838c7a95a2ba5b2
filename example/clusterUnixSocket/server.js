'use strict';
// Cluster: several worker processes serve ONE Unix socket path. Each worker calls
// ipc.serve() with `unlink: false` (a worker must not delete the socket its siblings share);
// the primary removes a stale socket file once, before forking. New connections are spread
// over the workers by node's cluster module.
// When a client sends "app.done", the primary tells every worker to stop, and exits after them.
// Run with `npm run example -- clusterUnixSocket` (after `npm run build`), or each end by hand.
const cluster = require('node:cluster');
const { existsSync, unlinkSync } = require('node:fs');
const ipc = require('../..'); // node-ipc-ts: the package root, built into dist/
const { socketRoot, deadline } = require('../settings');

const WORKERS = 2;
const socketPath = `${socketRoot()}ipc.sock`;
ipc.config.silent = true;
ipc.config.unlink = false;

if (cluster.isPrimary) {
  deadline('primary');
  if (existsSync(socketPath)) unlinkSync(socketPath);
  let listening = 0;
  for (let i = 0; i < WORKERS; i++) {
    const worker = cluster.fork();
    worker.on('message', (message) => {
      if (message === 'listening' && ++listening === WORKERS) {
        console.log(`server listening on ${socketPath} with ${WORKERS} workers`);
      } else if (message === 'done') {
        console.log('primary: the client is done, stopping the workers');
        for (const each of Object.values(cluster.workers)) each.send('stop');
      }
    });
  }
  cluster.on('exit', (worker, code) => console.log(`primary: a worker finished with code ${code}`));
} else {
  deadline('worker');
  ipc.serve(socketPath, () => {
    process.send('listening');
    ipc.server.on('app.currentDate', (data, socket) => {
      console.log(`worker ${cluster.worker.id} got app.currentDate ${JSON.stringify(data)}`);
      ipc.server.emit(socket, 'app.servedBy', { worker: cluster.worker.id, date: data.date });
    });
    ipc.server.on('app.done', (data, socket) => {
      ipc.server.emit(socket, 'app.bye', { worker: cluster.worker.id });
      process.send('done');
    });
  });
  process.on('message', (message) => {
    if (message !== 'stop') return;
    ipc.server.stop();
    process.disconnect(); // the channel to the primary would keep this worker alive
  });
  ipc.server.on('error', (err) => console.log(`worker error ${err.code}: ${err.message}`));
  ipc.server.start();
}
