/**
 * `node-ipc-ts connect` as a child process, with real servers in this process: ours (unix,
 * with request handlers) and @achrinza/node-ipc 10.1.11 (tcp). It prints what the server sends,
 * sends typed lines in order, answers `.request` with the reply or the remote error, says when
 * it loses the server and when it is back, and exits 0 at the end of stdin after handing over
 * what was typed; it exits 3 when it gives up without ever connecting.
 */
import { join } from 'node:path';
import { collectEvents, expectErrors, freshIpc, nextEvent, tempDir } from '../helpers/support';
import { INTEROP_TRANSPORTS, OLD_SIDES, freePort } from '../compat/peers';
import { cli, run, SPEC_MS } from './cli-process';

const OLD_10 = OLD_SIDES[1] as NonNullable<(typeof OLD_SIDES)[1]>;
const TCP = INTEROP_TRANSPORTS.find((t) => t.name === 'tcp') as NonNullable<(typeof INTEROP_TRANSPORTS)[0]>;

describe('cli connect', () => {
  it('prints what our server sends, sends typed lines, and prints .request replies and remote errors (--json)', async () => {
    const path = join(tempDir(), 's.sock');
    const ipc = freshIpc();
    ipc.serve(path);
    ipc.server.handle('add', ({ a, b }: { a: number; b: number }) => a + b);
    ipc.server.handle('divide', () => {
      throw Object.assign(new RangeError('division by zero'), { code: 'E_ZERO' });
    });
    ipc.server.start();
    await ipc.server.ready();
    const accepted = nextEvent(ipc.server, 'connect');
    const connect = cli(['connect', path, '--json']);
    await connect.json((r) => r.event === 'connect', 'connected');
    expect(connect.records()[0]).toEqual({ time: jasmine.any(String), event: 'connect', where: path, again: false });
    const [socket] = await accepted;

    ipc.server.emit(socket, 'news', { headline: 'up', list: [1, null] });
    expect(await connect.json((r) => r.event === 'message' && r.direction === 'in', 'the news')).toEqual(jasmine.objectContaining({ type: 'news', data: { headline: 'up', list: [1, null] } }));

    const pings = collectEvents(ipc.server, 'ping', 2);
    connect.write('ping {"n":1}\nnot {json\nping 2\n.request add {"a":1,"b":2}\n.request divide {}\n.bogus\n');
    expect((await pings).map((args) => args[0] as unknown)).toEqual([{ n: 1 }, 2]);
    expect(await connect.json((r) => r.event === 'reply', 'the reply')).toEqual(jasmine.objectContaining({ type: 'add', data: 3 }));
    const failed = await connect.json((r) => r.event === 'error' && r.code === 'ERR_IPC_REMOTE', 'the remote error');
    expect(failed.remote).toEqual(jasmine.objectContaining({ name: 'RangeError', message: 'division by zero', code: 'E_ZERO' }));
    expect(failed.message).toBe('request divide failed: the remote handler failed: RangeError: division by zero (remote code E_ZERO)');
    await connect.stderrHas('line 6 skipped: unknown command .bogus');
    expect(connect.stderr).toContain('error: line 2 skipped: the data is not valid JSON');
    // The answers show as `reply` lines, not also as the ipc.reply messages that carried them.
    expect(connect.records().filter((r) => r.type === 'ipc.reply')).toEqual([]);

    const gone = nextEvent(ipc.server, 'socket.disconnected');
    connect.end();
    expect(await connect.exit()).toEqual({ code: 0, signal: null });
    await gone;
    expect(connect.records().at(-1)).toEqual(jasmine.objectContaining({ event: 'closed', where: path }));
  }, SPEC_MS);

  it('talks to an old node-ipc 10.1.11 server, says when it is gone and when it is back, in the human format', async () => {
    const port = await freePort('tcp');
    const address = { host: '127.0.0.1', port };
    const first = OLD_10.create((c) => TCP.configureServer(c));
    await TCP.listenAt(OLD_10, first, address);
    const connect = cli(['connect', `127.0.0.1:${port}`, '--retry', '50']);
    await connect.line((l) => l.endsWith(`+ connected to 127.0.0.1:${port}`), 'connected');
    const hello = nextEvent(first.server, 'hello');
    connect.write('hello {"from":"cli"}\n');
    expect((await hello)[0]).toEqual({ from: 'cli' });
    first.server.broadcast('news', 'old server speaking');
    await connect.line((l) => / < news "old server speaking"$/.test(l), 'the broadcast');

    OLD_10.stopServer(first);
    await connect.line((l) => l.endsWith(`- disconnected from 127.0.0.1:${port}; reconnecting in 50 ms`), 'the drop');
    await connect.line((l) => l.endsWith(`- no connection to 127.0.0.1:${port} (ECONNREFUSED); retrying every 50 ms`), 'the retries');
    const second = OLD_10.create((c) => TCP.configureServer(c));
    await TCP.listenAt(OLD_10, second, address);
    await connect.line((l) => l.endsWith(`+ reconnected to 127.0.0.1:${port}`), 'reconnected');
    const again = nextEvent(second.server, 'again');
    connect.write('again 2\n');
    expect((await again)[0]).toBe(2);
    connect.end();
    expect(await connect.exit()).toEqual({ code: 0, signal: null });
    // One line per kind of failure, not one per attempt.
    expect(connect.lines.filter((l) => l.includes('retrying every')).length).toBe(1);
  }, SPEC_MS);

  it('hands over lines typed before the server exists once it does, then exits 0 at the end of stdin', async () => {
    const path = join(tempDir(), 's.sock');
    const connect = cli(['connect', path, '--retry', '20', '--json']);
    connect.write('early 1\n');
    await connect.json((r) => r.event === 'message' && r.queued === true, 'the queued line');
    await connect.json((r) => r.event === 'retry' && r.code === 'ENOENT', 'the retry');
    connect.end();
    const ipc = freshIpc();
    ipc.serve(path);
    const early = nextEvent(ipc.server, 'early');
    ipc.server.start();
    expect((await early)[0]).toBe(1);
    expect(await connect.exit()).toEqual({ code: 0, signal: null });
  }, SPEC_MS);

  it('closes at once on Ctrl-C, failing a request still waiting, and exits 0', async () => {
    const path = join(tempDir(), 's.sock');
    const ipc = freshIpc();
    ipc.serve(path);
    ipc.server.start();
    await ipc.server.ready();
    const asked = nextEvent(ipc.server, 'slow');
    const connect = cli(['connect', path, '--json']); // default --timeout: 10 s
    await connect.json((r) => r.event === 'connect', 'connected');
    connect.write('.request slow {}\n');
    await asked; // nobody answers it
    expect(await connect.interrupt()).toEqual({ code: 0, signal: null });
    expect(connect.records().find((r) => r.event === 'error')).toEqual(jasmine.objectContaining({ code: 'ERR_IPC_DISCONNECTED' }));
    expect(connect.records().at(-1)).toEqual(jasmine.objectContaining({ event: 'closed' }));
  }, SPEC_MS);

  it('exits 3 when it gives up without ever connecting, and 2 for a UDP target', async () => {
    const path = join(tempDir(), 'nobody.sock');
    const gaveUp = await run(['connect', path, '--retry', '10', '--max-retries', '3', '--no-stdin']);
    expect(gaveUp.code).toBe(3);
    // Four failed attempts, one line: it says so once per kind of failure.
    expect(gaveUp.lines).toEqual([jasmine.stringMatching(/ - no connection to .*nobody\.sock \(ENOENT\); retrying every 10 ms$/)]);
    expect(gaveUp.stderr).toContain(`error: cannot connect to ${path}: nothing listens there (connect ENOENT ${path})`);
    const udp = await run(['connect', 'udp4://127.0.0.1:9']);
    expect(udp.code).toBe(2);
    expect(udp.stderr).toContain('connect needs a connection; udp4:// targets work with listen and send only');
  }, SPEC_MS);

  it('exits 5 when a server it was connected to is gone and it gives up', async () => {
    const path = join(tempDir(), 's.sock');
    const ipc = freshIpc();
    ipc.serve(path);
    ipc.server.start();
    await ipc.server.ready();
    const connect = cli(['connect', path, '--retry', '10', '--max-retries', '1', '--no-stdin']);
    await connect.line((l) => l.includes('+ connected to'), 'connected');
    expectErrors(ipc.server); // the command exits while the server closes it
    await ipc.server.close();
    expect((await connect.exit()).code).toBe(5);
    expect(connect.stderr).toContain(`the connection to ${path} closed and the client gave up reconnecting`);
  }, SPEC_MS);
});
