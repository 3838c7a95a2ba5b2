/**
 * Calls node-ipc 9.2.9 and 10.1.11 tolerated, and what we do with them (README "Warnings"):
 * go on as they did, and tell the programmer once per process with a NODEIPC_* warning.
 * The per-argument verdicts are in spec/hardening/arguments.spec.ts; here, what only a peer on
 * the wire or a fresh process can show.
 */
import { execFile } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';
import { OLD_SIDES, OURS, type AnyIpc, type Side } from './peers';

const FIXTURE = join(__dirname, '..', '..', '..', 'spec', 'fixtures', 'warnings.js');
const SIDES: Side[] = [OURS, ...OLD_SIDES];

/** The end marker: a byte no value before it contains. */
const END = 0xee;

/** Collects what `socket` receives until the END byte arrives. */
function bytesUntilEnd(socket: Socket, ms = 4000): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`no end byte within ${ms} ms; got ${Buffer.concat(chunks).toString('hex')}`)), ms);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (chunk.includes(END)) {
        clearTimeout(timer);
        resolve([...Buffer.concat(chunks)]);
      }
    });
  });
}

/** Raw-mode calls written for JSON mode: `(type, data)` and more values than one. */
function clientCalls(client: any): void {
  client.emit('0a0b', [5, 6], Buffer.from([7]));
  client.emit([1, 2], { id: 1 });
  client.emit(Buffer.from([3]), 'ff');
  client.emit('ee');
}

function serverCalls(server: any, socket: unknown): void {
  server.emit(socket, '0a0b', [5, 6]);
  server.broadcast([1, 2], { id: 1 }, 'ff');
  server.emit(socket, Buffer.from([3]), Buffer.from([4]));
  server.emit(socket, 'ee');
}

/** What a side's client writes, read by a plain server. */
async function clientWrites(side: Side): Promise<number[]> {
  const path = join(tempDir(), 'plain.sock');
  const received = new Promise<number[]>((resolve, reject) => {
    const server = createServer((socket) => {
      bytesUntilEnd(socket).then(resolve, reject);
    });
    teardown.add(() => server.close());
    server.listen(path, () => {
      const ipc: AnyIpc = side.create((config) => {
        config.rawBuffer = true;
        config.encoding = 'hex';
      });
      ipc.connectTo('peer', path);
      ipc.of.peer.on('connect', () => clientCalls(ipc.of.peer));
    });
  });
  return received;
}

/** What a side's server writes, read by a plain client. */
async function serverWrites(side: Side): Promise<number[]> {
  const ipc: AnyIpc = side.create((config) => {
    config.rawBuffer = true;
    config.encoding = 'hex';
  });
  ipc.serve(join(tempDir(), 's.sock'));
  await side.start(ipc);
  const accepted = new Promise<unknown>((resolve) => ipc.server.on('connect', resolve));
  const socket = connect(ipc.server.path as string);
  teardown.add(() => socket.destroy());
  const received = bytesUntilEnd(socket);
  serverCalls(ipc.server, await accepted);
  return received;
}

describe('raw mode with more values than one (code written for JSON mode)', () => {
  it('a client writes the first value of each emit only, byte for byte as 9.2.9 and 10.1.11', async () => {
    const [ours, v9, v10] = await Promise.all(SIDES.map(clientWrites));
    expect(v9).toEqual([0x0a, 0x0b, 1, 2, 3, END]);
    expect(v10).toEqual(v9);
    expect(ours).toEqual(v9);
  });

  it('a server (emit and broadcast) writes the first value only, byte for byte as 9.2.9 and 10.1.11', async () => {
    const [ours, v9, v10] = await Promise.all(SIDES.map(serverWrites));
    expect(v9).toEqual([0x0a, 0x0b, 1, 2, 3, END]);
    expect(v10).toEqual(v9);
    expect(ours).toEqual(v9);
  });
});

describe('warnings', () => {
  it('each tolerated call warns once per process, with its NODEIPC_* code', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [FIXTURE, tempDir()], { timeout: 15000 }, (err, out, errOut) => {
        if (err) reject(new Error(`${err.message}\n${errOut}`));
        else resolve(out);
      });
    });
    const warnings = stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; code: string });
    expect(warnings.map((w) => w.code).sort()).toEqual([
      'NODEIPC_EMPTY_TYPE', 'NODEIPC_ID_NOT_STRING', 'NODEIPC_NO_ID', 'NODEIPC_RAW_EXTRA_ARGS', 'NODEIPC_UNKNOWN_UDP_TYPE',
    ]);
    for (const warning of warnings) expect(warning.name).toBe('NodeIpcWarning');
  });
});
