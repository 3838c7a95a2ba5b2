/**
 * `process.exit()` in the same tick as the last emits: no tick runs again, so the batch of
 * that tick leaves only through the `exit` hook (node-ipc wrote through and delivered them).
 * The other side runs here and counts what arrived when the connection ended.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '../../src/client';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { HARD_TRANSPORTS } from '../helpers/hardening';
import { expectErrors, freshIpc, nextEvent, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const FIXTURE = join(__dirname, '..', '..', '..', 'spec', 'fixtures', 'emit-then-exit.js');

/** Runs the fixture; resolves with its first stdout line (servers print their address) and its exit. */
function runSide(args: string[]): { firstLine: Promise<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [FIXTURE, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  teardown.add(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const firstLine = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.split('\n')[0] as string);
    });
    // 'close' (not 'exit'): stdout may still hold the line when the process is gone.
    child.once('close', () => reject(new Error('fixture ended before it printed a line')));
  });
  firstLine.catch(() => undefined); // clients print nothing: only awaited for servers
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  void exited.then(() => clearTimeout(timer));
  return { firstLine, exited };
}

function collect(target: Server | Client, raw: boolean, endEvent: string): Promise<unknown[] | Buffer> {
  const messages: unknown[] = [];
  const chunks: Buffer[] = [];
  if (raw) target.on('data', (chunk: Buffer) => { chunks.push(Buffer.from(chunk)); });
  else target.on('app.msg', (data: unknown) => { messages.push(data); });
  return nextEvent(target, endEvent, 10000).then(() => (raw ? Buffer.concat(chunks) : messages));
}

const EXPECTED_JSON = [0, 1, 2, 3, 4].map((i) => ({ i }));
const EXPECTED_ADVANCED = [0, 1, 2, 3, 4].map((i) => ({ i, map: new Map([[i, Buffer.from([i])]]) }));
const EXPECTED_RAW = Buffer.from([0, 1, 2, 3, 4].map((i) => `raw-${i};`).join(''));

for (const transport of HARD_TRANSPORTS) {
  // serialization 'advanced' (length-prefixed frames) on unix and tls: tcp adds nothing tls does not cover.
  const modes = transport.name === 'tcp' ? ['json', 'raw'] as const : ['json', 'raw', 'advanced'] as const;
  for (const mode of modes) {
    const raw = mode === 'raw';
    const expected = raw ? EXPECTED_RAW : mode === 'advanced' ? EXPECTED_ADVANCED : EXPECTED_JSON;
    describe(`process.exit() right after emit over ${transport.name} (${mode})`, () => {
      it('a client that emits 5 messages and exits delivers all 5', async () => {
        const dir = tempDir();
        const ipc: IPCModule = freshIpc((config) => {
          config.rawBuffer = raw;
          if (mode === 'advanced') config.serialization = 'advanced';
          transport.configureServer(config);
        });
        const server = await transport.serve(ipc, dir);
        // A TLS peer that exits sends no close_notify: Node reports the bare EOF as ECONNRESET
        // (after every byte it sent was read).
        if (transport.name === 'tls') expectErrors(server, 'ECONNRESET');
        const received = collect(server, raw, 'socket.disconnected');
        const side = runSide(['client', transport.name, mode, transport.name === 'unix' ? server.path : String(server.port)]);
        expect(await side.exited).toBe(0);
        expect(await received).toEqual(expected);
      });

      it('a server that answers a message with 5 emits and exits delivers all 5', async () => {
        const dir = tempDir();
        const path = join(dir, 'exit.sock');
        const side = runSide(['server', transport.name, mode, path]);
        const line = await side.firstLine;
        const ipc: IPCModule = freshIpc((config) => {
          config.rawBuffer = raw;
          if (mode === 'advanced') config.serialization = 'advanced';
          config.maxRetries = 0;
          transport.configureClient(config);
        });
        if (transport.name === 'unix') ipc.connectTo('exiting', path);
        else ipc.connectToNet('exiting', '127.0.0.1', Number(line));
        const client = ipc.of.exiting as Client;
        if (transport.name === 'tls') expectErrors(client, 'ECONNRESET');
        const received = collect(client, raw, 'disconnect');
        client.on('connect', () => { if (raw) client.emit('hello'); else client.emit('app.hello', 1); });
        expect(await side.exited).toBe(0);
        expect(await received).toEqual(expected);
      });
    });
  }
}
