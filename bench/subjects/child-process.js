'use strict';
/**
 * `cp-json` / `cp-advanced`: Node's built-in `child_process` channel (`fork` with
 * `serialization: 'json'` or `'advanced'`), messages `{type, data}` through `process.send` /
 * `child.send`, dispatch by `type`.
 *
 * The channel only exists between a parent and the child it forked, so here the server process
 * forks the client process itself (child.js asks `forkClient`), and relays the client's report
 * to the orchestrator. Lanes that need a TCP port, several clients in one process (broadcast) or
 * a byte stream (raw) do not exist for it: `supports(lane)` says so and the tables print "n/a".
 */
const { fork } = require('node:child_process');

exports.supports = (lane) => lane.transport === 'unix' && lane.kind !== 'broadcast' && !lane.raw;

exports.adapter = function adapter(subject) {
  const serialization = subject === 'cp-advanced' ? 'advanced' : 'json';
  return {
    /**
     * Server side: `forkClient(modulePath, argv, execArgv, relay)` forks the client; messages
     * without a `type` (the client's report or failure) go to `relay(msg)`.
     */
    createServer() {
      const handlers = new Map();
      let child = null;
      return Promise.resolve({
        address: {},
        on(type, fn) { handlers.set(type, fn); },
        onData() { throw new Error('child_process has no raw mode'); },
        emit(conn, type, data) { conn.send({ type, data }); },
        emitRaw() { throw new Error('child_process has no raw mode'); },
        broadcast() { throw new Error('child_process has no broadcast'); },
        forkClient(modulePath, argv, execArgv, relay) {
          child = fork(modulePath, argv, { serialization, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          child.on('message', (msg) => {
            const fn = msg.type === undefined ? undefined : handlers.get(msg.type);
            if (fn !== undefined) fn(msg.data, child);
            else if (msg.type === undefined) relay(msg);
          });
          child.on('exit', (code, signal) => relay({ exited: signal || code }));
          process.on('exit', () => child.kill('SIGKILL'));
        },
      });
    },
    /** Client side: this process was forked by the server; its channel is the connection. */
    createClient() {
      const handlers = new Map();
      process.on('message', (msg) => {
        const fn = handlers.get(msg.type);
        if (fn !== undefined) fn(msg.data);
      });
      return Promise.resolve({
        on(type, fn) { handlers.set(type, fn); },
        onData() { throw new Error('child_process has no raw mode'); },
        emit(type, data) { process.send({ type, data }); },
        emitRaw() { throw new Error('child_process has no raw mode'); },
      });
    },
  };
};
