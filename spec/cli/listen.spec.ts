/**
 * `node-ipc-ts listen` as a child process, with real clients in this process: ours and
 * @achrinza/node-ipc 9.2.9 (stream), ours over udp4. What they send is printed (client number,
 * type, data); typed lines reach every client, or one with `@N`; a bad line is reported on
 * stderr and skipped while the command goes on; Ctrl-C closes and exits 0.
 */
import { join } from 'node:path';
import { freshIpc, nextEvent, tempDir } from '../helpers/support';
import { OLD_SIDES } from '../compat/peers';
import { cli, SPEC_MS } from './cli-process';

const OLD_9 = OLD_SIDES[0] as NonNullable<(typeof OLD_SIDES)[0]>;

describe('cli listen', () => {
  it('prints our client\'s connect, messages and disconnect as JSON, and sends typed lines to it', async () => {
    const path = join(tempDir(), 's.sock');
    const listen = cli(['listen', path, '--json']);
    expect(await listen.json((r) => r.event === 'listening', 'listening')).toEqual(jasmine.objectContaining({ where: path, transport: 'unix' }));
    const ipc = freshIpc();
    ipc.connectTo('world', path);
    const client = ipc.of.world as NonNullable<typeof ipc.of.world>;
    await client.ready();
    await listen.json((r) => r.event === 'connect' && r.client === 1, 'client #1');
    client.emit('ping', { n: 1, text: 'héllo ☃' });
    expect(await listen.json((r) => r.event === 'message', 'the message')).toEqual({
      time: jasmine.any(String), event: 'message', direction: 'in', client: 1, type: 'ping', data: { n: 1, text: 'héllo ☃' },
    });

    const news = nextEvent(client, 'news');
    listen.write('news {"headline":"up"}\n');
    expect((await news)[0]).toEqual({ headline: 'up' });
    await listen.json((r) => r.event === 'message' && r.direction === 'out' && r.client === 'all', 'the sent line');

    // A bad line is reported and skipped; the next one still goes out.
    const after = nextEvent(client, 'after');
    listen.write('broken {"headline":\nafter still going\n');
    expect((await after)[0]).toBe('still going');
    // stderr is its own pipe: the error may be read after the message has arrived.
    await listen.stderrHas('error: line 2 skipped: the data is not valid JSON');
    expect(listen.stderr).toContain('broken {"headline":');
    expect(await listen.json((r) => r.event === 'error', 'the error event')).toEqual(jasmine.objectContaining({ code: 'ERR_CLI_BAD_LINE' }));

    ipc.disconnect('world');
    await listen.json((r) => r.event === 'disconnect' && r.client === 1, 'the disconnect');
    expect(await listen.interrupt()).toEqual({ code: 0, signal: null });
    expect(listen.records().at(-1)).toEqual(jasmine.objectContaining({ event: 'closed' }));
  }, SPEC_MS);

  it('numbers old node-ipc 9.2.9 clients over TCP, prints them as a terminal shows them, and sends to one with @N', async () => {
    const listen = cli(['listen', '127.0.0.1:0']);
    const listening = await listen.line((l) => l.includes('listening on'), 'listening');
    expect(listening).toMatch(/^\d\d:\d\d:\d\d\.\d{3} \* listening on 127\.0\.0\.1:\d+ \(tcp\)$/);
    const port = Number(/:(\d+) \(tcp\)$/.exec(listening)?.[1]);
    const first = OLD_9.create();
    first.connectToNet('a', '127.0.0.1', port);
    const firstUp = nextEvent(first.of.a, 'connect');
    const connected = await listen.line((l) => / \+ #1 connected from 127\.0\.0\.1:\d+$/.test(l), '#1');
    await firstUp;
    expect(connected.endsWith(`:${first.of.a.socket.localPort as number}`)).withContext(connected).toBeTrue();
    const second = OLD_9.create();
    second.connectToNet('b', '127.0.0.1', port);
    await listen.line((l) => / \+ #2 connected from /.test(l), '#2');

    second.of.b.emit('hello', 'world');
    expect(await listen.line((l) => l.includes('hello'), 'hello')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} < #2 hello "world"$/);

    let firstGot = 0;
    first.of.a.on('only', () => firstGot++);
    const toSecond = nextEvent(second.of.b, 'only');
    listen.write('@2 only {"for":2}\n');
    expect((await toSecond)[0]).toEqual({ for: 2 });
    await listen.line((l) => l.endsWith('> #2 only {"for":2}'), 'the line sent to #2');
    listen.write('@7 only 1\n');
    await listen.stderrHas('line 2 skipped: no client #7 is connected');
    const toFirst = nextEvent(first.of.a, 'all');
    listen.write('all 1\n');
    await toFirst;
    expect(firstGot).toBe(0);
    expect(listen.stderr).not.toContain('\x1b[');
    expect(await listen.interrupt()).toEqual({ code: 0, signal: null });
  }, SPEC_MS);

  it('listens on udp4, names peers by address, and answers every peer that has sent', async () => {
    const listen = cli(['listen', 'udp4://127.0.0.1:0', '--json']);
    const { where } = await listen.json((r) => r.event === 'listening', 'listening');
    const port = Number(/:(\d+)$/.exec(where)?.[1]);
    const ipc = freshIpc();
    ipc.serveNet('127.0.0.1', 0, 'udp4');
    ipc.server.start();
    await ipc.server.ready();
    ipc.server.emit({ address: '127.0.0.1', port }, 'hi', [1, 2]);
    const message = await listen.json((r) => r.event === 'message', 'the datagram');
    expect(message).toEqual(jasmine.objectContaining({ direction: 'in', client: `127.0.0.1:${ipc.server.port as number}`, type: 'hi', data: [1, 2] }));
    const back = nextEvent(ipc.server, 'back');
    listen.write('back "to you"\n');
    expect((await back)[0]).toBe('to you');
    expect(await listen.interrupt()).toEqual({ code: 0, signal: null });
  }, SPEC_MS);

  it('refuses to listen where a server already listens (exit 3), and bad arguments (exit 2)', async () => {
    const path = join(tempDir(), 's.sock');
    const ipc = freshIpc();
    ipc.serve(path);
    ipc.server.start();
    await ipc.server.ready();
    const taken = cli(['listen', path]);
    expect((await taken.exit()).code).toBe(3);
    expect(taken.stderr).toContain(`error: cannot listen on ${path}: the address is in use`);
    const tls = cli(['listen', 'tls://localhost:0']);
    expect((await tls.exit()).code).toBe(2);
    expect(tls.stderr).toContain('needs --cert and --key');
  }, SPEC_MS);
});
