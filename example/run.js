#!/usr/bin/env node
/**
 * `npm run example -- <dir>`, e.g. `npm run example -- TCPSocket/basic`: runs the server of
 * one example, waits until it prints "listening on ...", then runs every `*client.js` of the
 * same directory, prefixing each line with the script's name. Exits 0 when every script
 * exited 0, else 1 (2 for a usage error).
 *
 * Unless the environment says otherwise (see settings.js), the servers get port 0 (the OS
 * picks a free one, which the runner hands to the clients) and a fresh temp dir for socket
 * files, so examples never collide with each other or with anything on port 8000.
 */
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const TIMEOUT_MS = Number(process.env.IPC_EXAMPLE_RUN_TIMEOUT_MS || 30000);

/** Every example directory (one holding a server.js), relative to example/. */
function examples(dir = __dirname) {
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) continue;
    if (existsSync(join(path, 'server.js'))) found.push(relative(__dirname, path));
    else found.push(...examples(path));
  }
  return found;
}

function usage(message) {
  console.error(`${message}\nusage: npm run example -- <example>\nexamples:\n  ${examples().join('\n  ')}`);
  process.exit(2);
}

const name = process.argv[2];
if (!name) usage('which example?');
const dir = resolve(__dirname, name);
if (!existsSync(join(dir, 'server.js'))) usage(`no example "${name}"`);
if (!existsSync(join(ROOT, 'dist', 'index.js'))) usage('dist/ is missing: run `npm run build` first');

const clients = readdirSync(dir).filter((file) => file.endsWith('client.js')).sort();
const env = { ...process.env };
let tempRoot = null;
if (env.IPC_EXAMPLE_SOCKET_ROOT === undefined) {
  tempRoot = mkdtempSync(join(tmpdir(), 'ipc-example-'));
  env.IPC_EXAMPLE_SOCKET_ROOT = tempRoot;
}
if (env.IPC_EXAMPLE_PORT === undefined) env.IPC_EXAMPLE_PORT = '0';
if (env.IPC_EXAMPLE_CLIENT_PORT === undefined) env.IPC_EXAMPLE_CLIENT_PORT = '0';

const children = new Set();
let failed = false;

/** Runs one script; `onLine` sees each line it prints. Resolves with its exit code. */
function run(script, scriptEnv, onLine) {
  const label = script.replace(/\.js$/, '');
  const child = spawn(process.execPath, [join(dir, script)], { cwd: dir, env: scriptEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        process.stdout.write(`[${label}] ${line}\n`);
        if (onLine) onLine(line);
      }
    });
    stream.on('end', () => {
      if (pending) process.stdout.write(`[${label}] ${pending}\n`);
    });
  }
  return new Promise((resolveExit) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      if (code !== 0) {
        failed = true;
        process.stdout.write(`[${label}] exited with ${signal || code}\n`);
      }
      resolveExit(code);
    });
  });
}

function finish() {
  if (tempRoot !== null) rmSync(tempRoot, { recursive: true, force: true });
  console.log(`example ${name}: ${failed ? 'FAILED' : 'ok'}`);
  process.exit(failed ? 1 : 0);
}

const timer = setTimeout(() => {
  console.log(`example ${name}: not done after ${TIMEOUT_MS} ms, stopping it`);
  failed = true;
  for (const child of children) child.kill();
}, TIMEOUT_MS);

let clientsStarted = null;
const serverDone = run('server.js', env, (line) => {
  const ready = /listening on (.*)$/.exec(line);
  if (ready === null || clientsStarted !== null) return;
  // A TCP, TLS or UDP server says which port it got: the clients need it.
  const port = /:(\d+)$/.exec(ready[1]);
  const clientEnv = port === null ? env : { ...env, IPC_EXAMPLE_PORT: port[1] };
  clientsStarted = Promise.all(clients.map((client) => run(client, clientEnv)));
});

serverDone.then(async () => {
  if (clientsStarted === null) {
    failed = true;
    console.log('the server exited before it was listening');
  } else {
    await clientsStarted;
  }
  clearTimeout(timer);
  finish();
});
