/**
 * `node-ipc-ts proxy` as a child process between real ends. Byte-exact: plain sockets on both
 * sides record every byte they saw and the two records are compared, in both directions, with
 * frames cut across writes, a 1 MiB frame, invalid UTF-8, a frame that is not JSON and an
 * unfinished tail; the proxy's log lists each frame decoded, in order. Between real node-ipc
 * peers (an old 9.2.9 client and our server) it changes nothing either, and it survives a
 * server that is not there.
 */
import { once } from 'node:events';
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { expectErrors, freshIpc, nextEvent, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';
import { OLD_SIDES } from '../compat/peers';
import { cert, cli, run, SPEC_MS } from './cli-process';

const OLD_9 = OLD_SIDES[0] as NonNullable<(typeof OLD_SIDES)[0]>;

const frame = (type: string, data: unknown): Buffer => Buffer.from(`${JSON.stringify({ type, data })}\f`);
const BIG = 'x'.repeat(1024 * 1024);
/** What the client sends: frames, a frame that is not JSON, invalid UTF-8, and an unfinished tail. */
const REQUEST = [frame('a', 'héllo ☃ 🎉'), frame('big', BIG), Buffer.from('not json\f'), Buffer.from([0xff, 0xfe, 0x0c]), Buffer.from('{"type":"unfin')];
/** What the server answers. */
const REPLY = [frame('b', { list: [1, null] }), frame('c', 'ü')];

/** A plain server: records what it reads; once `expect` bytes arrived, writes `reply` in pieces and ends. */
async function recordingServer(path: string, expectBytes: number, reply: Buffer[]): Promise<{ seen: Promise<Buffer> }> {
  let resolveSeen: (bytes: Buffer) => void = () => undefined;
  const seen = new Promise<Buffer>((resolve) => { resolveSeen = resolve; });
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= expectBytes && !answered) {
        answered = true;
        void writeInPieces(socket, Buffer.concat(reply)).then(() => socket.end());
      }
    });
    socket.on('end', () => resolveSeen(Buffer.concat(chunks)));
  });
  teardown.add(() => new Promise((resolve) => server.close(resolve)));
  server.listen(path);
  await once(server, 'listening');
  return { seen };
}

/** Writes `bytes` in pieces of 1 to 9000 bytes, one per turn, so frames are cut across reads. */
async function writeInPieces(socket: Socket, bytes: Buffer): Promise<void> {
  const sizes = [1, 3, 7, 9000, 2, 5000];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    if (!socket.write(bytes.subarray(at, at + size))) await once(socket, 'drain');
    at += size;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('cli proxy', () => {
  it('forwards every byte unchanged both ways and prints every frame decoded (--json)', async () => {
    const dir = tempDir();
    const realPath = join(dir, 'real.sock');
    const tapPath = join(dir, 'tap.sock');
    const request = Buffer.concat(REQUEST);
    const reply = Buffer.concat(REPLY);
    const server = await recordingServer(realPath, request.length, REPLY);
    const proxy = cli(['proxy', '--listen', tapPath, '--to', realPath, '--json']);
    expect(await proxy.json((r) => r.event === 'listening', 'listening')).toEqual(jasmine.objectContaining({ where: tapPath, transport: 'unix' }));

    const client = netConnect({ path: tapPath, allowHalfOpen: true });
    teardown.add(() => client.destroy());
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    await once(client, 'connect');
    // Half of the request in pieces, the big rest at once.
    await writeInPieces(client, request.subarray(0, 40000));
    client.write(request.subarray(40000));
    client.end();
    await once(client, 'end');
    expect(Buffer.concat(received).equals(reply)).withContext('bytes the client saw').toBeTrue();
    expect((await server.seen).equals(request)).withContext('bytes the server saw').toBeTrue();

    await proxy.json((r) => r.event === 'disconnect' && r.client === 1, 'the end of connection #1');
    const frames = proxy.records().filter((r) => r.event === 'frame');
    const toServer = frames.filter((r) => r.direction === 'to-server');
    expect(toServer.map((r) => r.type ?? r.invalid)).toEqual(['a', 'big', 'not JSON', 'not JSON', 'unfinished frame at the end of the stream']);
    expect(toServer[0]).toEqual({ time: jasmine.any(String), event: 'frame', client: 1, direction: 'to-server', bytes: (REQUEST[0] as Buffer).length - 1, type: 'a', data: 'héllo ☃ 🎉' });
    expect(toServer[1].data).toBe(BIG);
    expect(toServer[2]).toEqual(jasmine.objectContaining({ text: 'not json', hex: Buffer.from('not json').toString('hex') }));
    expect(toServer[3]).toEqual(jasmine.objectContaining({ bytes: 2, hex: 'fffe' }));
    expect(toServer[4]).toEqual(jasmine.objectContaining({ bytes: 14 }));
    expect(frames.filter((r) => r.direction === 'to-client').map((r) => [r.type, r.data])).toEqual([['b', { list: [1, null] }], ['c', 'ü']]);
    expect(await proxy.interrupt()).toEqual({ code: 0, signal: null });
  }, SPEC_MS);

  it('sits between an old node-ipc 9.2.9 client and our server over TCP, changing nothing (human format)', async () => {
    const ipc = freshIpc();
    ipc.serve(join(tempDir(), 's.sock'));
    ipc.server.start();
    await ipc.server.ready();
    ipc.server.on('hello', (data: unknown, socket: Socket) => ipc.server.emit(socket, 'welcome', { echo: data }));
    const proxy = cli(['proxy', '--listen', '127.0.0.1:0', '--to', ipc.server.path]);
    const listening = await proxy.line((l) => l.includes('listening on'), 'listening');
    const port = Number(/:(\d+) \(tcp\)$/.exec(listening)?.[1]);
    const old = OLD_9.create();
    old.connectToNet('world', '127.0.0.1', port);
    await nextEvent(old.of.world, 'connect');
    const welcome = nextEvent(old.of.world, 'welcome');
    old.of.world.emit('hello', { from: 'old', text: '☃' });
    expect((await welcome)[0]).toEqual({ echo: { from: 'old', text: '☃' } });
    expect(await proxy.line((l) => l.includes('client>server'), 'the request')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} #1 client>server hello \{"from":"old","text":"☃"\}$/);
    expect(await proxy.line((l) => l.includes('server>client'), 'the answer')).toMatch(/ #1 server>client welcome \{"echo":\{"from":"old","text":"☃"\}\}$/);
    expect(proxy.lines.some((l) => / \+ #1 connected from 127\.0\.0\.1:\d+$/.test(l))).toBeTrue();
    expect(await proxy.interrupt()).toEqual({ code: 0, signal: null });
  }, SPEC_MS);

  it('shows chunks as bytes with --raw, still forwarding them unchanged', async () => {
    const dir = tempDir();
    const realPath = join(dir, 'real.sock');
    const request = Buffer.from([0, 1, 2, 0x0c, 0xff, 10]);
    const server = await recordingServer(realPath, request.length, [Buffer.from('ok')]);
    const proxy = cli(['proxy', '--listen', join(dir, 'tap.sock'), '--to', realPath, '--raw', '--json']);
    await proxy.json((r) => r.event === 'listening', 'listening');
    const client = netConnect({ path: join(dir, 'tap.sock'), allowHalfOpen: true });
    teardown.add(() => client.destroy());
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    client.end(request);
    await once(client, 'end');
    expect((await server.seen).equals(request)).toBeTrue();
    expect(Buffer.concat(received).toString()).toBe('ok');
    await proxy.json((r) => r.event === 'disconnect', 'the end of the connection');
    const frames = proxy.records().filter((r) => r.event === 'frame');
    expect(frames.filter((r) => r.direction === 'to-server').map((r) => r.hex).join('')).toBe(request.toString('hex'));
    expect(frames.filter((r) => r.direction === 'to-client').map((r) => r.text).join('')).toBe('ok');
    expect(await proxy.interrupt()).toEqual({ code: 0, signal: null });
  }, SPEC_MS);

  it('ends TLS on both sides (--cert/--key toward the client, --to-ca toward the server), and cuts a client whose server refuses the proxy', async () => {
    const ipc = freshIpc((c) => { c.tls = { private: cert('server.key'), public: cert('server.pem') }; });
    ipc.serveNet('localhost', 0);
    ipc.server.start();
    await ipc.server.ready();
    const server = `tls://localhost:${ipc.server.port as number}`;
    const proxy = cli(['proxy', '--listen', 'tls://localhost:0', '--cert', cert('server.pem'), '--key', cert('server.key'), '--to', server, '--to-ca', cert('ca.pem'), '--json']);
    const { where } = await proxy.json((r) => r.event === 'listening', 'listening');
    expect(where).toMatch(/^tls:\/\/localhost:\d+$/);
    const got = nextEvent(ipc.server, 'ping');
    const sent = await run(['send', where, 'ping', '"through TLS twice"', '--ca', cert('ca.pem')]);
    expect(sent.code).withContext(sent.stderr).toBe(0);
    expect((await got)[0]).toBe('through TLS twice');
    expect(await proxy.json((r) => r.event === 'frame', 'the frame')).toEqual(jasmine.objectContaining({ direction: 'to-server', type: 'ping', data: 'through TLS twice' }));

    // Without --to-ca the proxy cannot reach the server: it has read nothing of its client, whose
    // close is then a reset, so send does not mistake it for delivery.
    expectErrors(ipc); // the proxy's refused handshake, as the server sees it
    const blind = cli(['proxy', '--listen', '127.0.0.1:0', '--to', server]);
    const port = Number(/:(\d+) \(tcp\)$/.exec(await blind.line((l) => l.includes('listening on'), 'listening'))?.[1]);
    const lost = await run(['send', `127.0.0.1:${port}`, 'ping', '1']);
    expect(lost.code).withContext(lost.stderr).toBe(5);
    await blind.stderrHas("the server's certificate is not trusted: give its CA with --to-ca");
  }, SPEC_MS);

  it('closes a client whose server is not there, says why, and goes on; bad arguments exit 2', async () => {
    const dir = tempDir();
    const proxy = cli(['proxy', '--listen', join(dir, 'tap.sock'), '--to', join(dir, 'nobody.sock')]);
    await proxy.line((l) => l.includes('listening on'), 'listening');
    const lost = await run(['send', join(dir, 'tap.sock'), 'ping']);
    expect(lost.code).withContext(lost.stderr).toBe(5); // what it wrote was never read: a reset, not a delivery
    await proxy.stderrHas(`error: #1 ${join(dir, 'nobody.sock')}: nothing listens there (connect ENOENT ${join(dir, 'nobody.sock')})`);
    await proxy.line((l) => l.endsWith('- #1 disconnected'), 'the end of #1');
    expect(await proxy.interrupt()).toEqual({ code: 0, signal: null });

    const missing = cli(['proxy', '--listen', join(dir, 'x.sock')]);
    expect((await missing.exit()).code).toBe(2);
    expect(missing.stderr).toContain('proxy needs --listen <target> and --to <target>');
    const udp = cli(['proxy', '--listen', 'udp4://127.0.0.1:0', '--to', join(dir, 'x.sock')]);
    expect((await udp.exit()).code).toBe(2);
    const tlsFlag = cli(['proxy', '--listen', join(dir, 'x.sock'), '--to', join(dir, 'y.sock'), '--to-ca', __filename]);
    expect((await tlsFlag.exit()).code).toBe(2);
    expect(tlsFlag.stderr).toContain('--to-ca only applies to a tls:// --to target');
  }, SPEC_MS);
});
