/**
 * `node-ipc-ts send` and `request` as child processes against real servers: ours, old
 * @achrinza/node-ipc 9.2.9 and node-ipc 14.0.0 (`--parser guarded`). Exit 0 once the message
 * was handed over; 3 when nothing listens; 4 when the TLS handshake fails; 5 when the server
 * closes without reading; 1 with the remote error when a handler fails; 6 on timeout; 2 for
 * bad arguments, before anything is dialled.
 */
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expectErrors, freshIpc, nextEvent, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';
import { OLD_SIDES, freePort, type AnyIpc } from '../compat/peers';
import { cert, run, SPEC_MS } from './cli-process';

const OLD_9 = OLD_SIDES[0] as NonNullable<(typeof OLD_SIDES)[0]>;

// tsc (module commonjs) would turn `import()` into `require()`, which cannot load ESM on Node 20.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import(), on purpose
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

async function ourServer(configure?: (config: any) => void): Promise<{ ipc: ReturnType<typeof freshIpc>; path: string }> {
  const path = join(tempDir(), 's.sock');
  const ipc = freshIpc(configure);
  ipc.serve(path);
  ipc.server.start();
  await ipc.server.ready();
  return { ipc, path };
}

/** A plain server that does `act` to every connection, and the path it listens on. */
async function rudeServer(act: (socket: Socket) => void): Promise<string> {
  const path = join(tempDir(), 'rude.sock');
  const server = createServer(act);
  teardown.add(() => new Promise((resolve) => server.close(resolve)));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return path;
}

describe('cli send', () => {
  it('hands one message to our server and exits 0, printing what it sent', async () => {
    const { ipc, path } = await ourServer();
    const got = nextEvent(ipc.server, 'app.update');
    const sent = await run(['send', path, 'app.update', '{"id":7,"text":"héllo ☃"}']);
    expect((await got)[0]).toEqual({ id: 7, text: 'héllo ☃' });
    expect(sent.code).withContext(sent.stderr).toBe(0);
    expect(sent.lines).toEqual([jasmine.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} > app\.update \{"id":7,"text":"héllo ☃"\}$/)]);
  }, SPEC_MS);

  it('sends to an old node-ipc 9.2.9 server over TCP and to a node-ipc 14 guarded server (--json)', async () => {
    const old = OLD_9.create((c) => { c.unlink = false; });
    old.serveNet('127.0.0.1', await freePort('tcp'));
    await OLD_9.start(old);
    const oldGot = nextEvent(old.server, 'hello');
    const toOld = await run(['send', `127.0.0.1:${old.server.port as number}`, 'hello', 'plain text', '--json']);
    expect(toOld.code).withContext(toOld.stderr).toBe(0);
    expect((await oldGot)[0]).toBe('plain text');
    expect(toOld.proc.records()).toEqual([{ time: jasmine.any(String), event: 'message', direction: 'out', type: 'hello', data: 'plain text' }]);

    const entry = createRequire(__filename).resolve('node-ipc-14');
    const IPC14 = (await importEsm(pathToFileURL(entry).href)).IPCModule as new () => AnyIpc;
    const ipc14 = new IPC14();
    ipc14.config.silent = true;
    ipc14.config.parser = 'guarded';
    const path = join(tempDir(), 's14.sock');
    ipc14.serve(path);
    teardown.add(() => ipc14.server.stop());
    const started = nextEvent(ipc14.server, 'start');
    ipc14.server.start();
    await started;
    const got14 = nextEvent(ipc14.server, 'status');
    const to14 = await run(['send', path, 'status', '{"nothing":null,"empty":""}', '--parser', 'guarded']);
    expect(to14.code).withContext(to14.stderr).toBe(0);
    expect((await got14)[0]).toEqual({ nothing: null, empty: '' });
    // guarded refuses a reserved name before anything is sent: a usage error.
    const reserved = await run(['send', path, 'connect', '--parser', 'guarded']);
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('not sent: ERR_IPC_RESERVED_EVENT');
  }, SPEC_MS);

  it('exits 3 when nothing listens, 5 when the server closes without reading, 2 for bad data', async () => {
    const path = join(tempDir(), 'nobody.sock');
    const nobody = await run(['send', path, 'ping']);
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toBe(`error: cannot connect to ${path}: nothing listens there (connect ENOENT ${path})\n`);
    const port = await freePort('tcp');
    const refused = await run(['send', `127.0.0.1:${port}`, 'ping']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('nothing listens there (connect ECONNREFUSED');

    const rude = await rudeServer((socket) => socket.destroy());
    const closed = await run(['send', rude, 'ping', '{"n":1}']);
    expect(closed.code).toBe(5);
    expect(closed.stderr).toContain(`the message may not have been read: ${rude} closed the connection without reading everything`);
    expect(closed.lines).toEqual([]);

    const bad = await run(['send', path, 'ping', '{"n":']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad data "{\\"n\\":": the data is not valid JSON');
  }, SPEC_MS);

  it('exits 4 when the TLS handshake fails: an untrusted server, a server that wants a client certificate, a server without TLS', async () => {
    const ipc = freshIpc((c) => {
      c.tls = { private: cert('server.key'), public: cert('server.pem'), trustedConnections: [cert('ca.pem')], requestCert: true, rejectUnauthorized: true };
    });
    expectErrors(ipc); // the refused handshakes, as the server sees them
    ipc.serveNet('localhost', 0);
    ipc.server.start();
    await ipc.server.ready();
    const target = `tls://localhost:${ipc.server.port as number}`;
    const untrusted = await run(['send', target, 'ping']);
    expect(untrusted.code).toBe(4);
    expect(untrusted.stderr).toContain("the server's certificate is not trusted: give its CA with --ca");
    const noCertificate = await run(['send', target, 'ping', '--ca', cert('ca.pem')]);
    expect(noCertificate.code).toBe(4);
    expect(noCertificate.stderr).toContain('the server wants a client certificate: give it with --cert and --key');
    const got = nextEvent(ipc.server, 'ping');
    const good = await run(['send', target, 'ping', '1', '--ca', cert('ca.pem'), '--cert', cert('client.pem'), '--key', cert('client.key')]);
    expect(good.code).withContext(good.stderr).toBe(0);
    expect((await got)[0]).toBe(1);

    // A plain server reads the TLS hello as an unfinished frame and waits: the handshake never ends.
    const plain = freshIpc();
    expectErrors(plain, 'ERR_IPC_INVALID_JSON'); // the hello's random bytes may hold a \f: then it is a bad frame
    plain.serveNet('127.0.0.1', 0);
    plain.server.start();
    await plain.server.ready();
    const notTls = await run(['request', `tls://localhost:${plain.server.port as number}`, 'ping', '--ca', cert('ca.pem'), '--timeout', '300']);
    expect(notTls.code).toBe(4);
    expect(notTls.stderr).toContain('the TLS handshake did not finish within 300 ms: does the server speak TLS?');
  }, SPEC_MS);
});

describe('cli request', () => {
  it('prints the reply as JSON, exits 1 with the remote error, 1 with no handler, 6 on timeout', async () => {
    const { ipc, path } = await ourServer();
    ipc.server.handle('add', ({ a, b }: { a: number; b: number }) => a + b);
    ipc.server.handle('nothing', () => undefined);
    ipc.server.handle('divide', () => {
      throw Object.assign(new RangeError('division by zero'), { code: 'E_ZERO' });
    });
    const sum = await run(['request', path, 'add', '{"a":1,"b":2}']);
    expect(sum.code).withContext(sum.stderr).toBe(0);
    expect(sum.lines).toEqual(['3']);
    const json = await run(['request', path, 'add', '{"a":40,"b":2}', '--json']);
    expect(json.proc.records()).toEqual([{ time: jasmine.any(String), event: 'reply', type: 'add', data: 42 }]);
    expect((await run(['request', path, 'nothing'])).lines).toEqual(['null']);

    const failed = await run(['request', path, 'divide', '{}', '--json']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('error: request divide failed: the remote handler failed: RangeError: division by zero (remote code E_ZERO)\n');
    expect(failed.proc.records()).toEqual([jasmine.objectContaining({
      event: 'error', code: 'ERR_IPC_REMOTE', remote: jasmine.objectContaining({ name: 'RangeError', message: 'division by zero', code: 'E_ZERO' }),
    })]);
    const unknown = await run(['request', path, 'multiply', '{}']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: request multiply failed: the server handles no requests of this type (ERR_IPC_NO_HANDLER)\n');

    const silent = await ourServer(); // no handler at all: nobody answers
    const timedOut = await run(['request', silent.path, 'add', '{}', '--timeout', '200']);
    expect(timedOut.code).toBe(6);
    expect(timedOut.stderr).toContain(`no reply to add from ${silent.path} within 200 ms`);
  }, SPEC_MS);

  it('gets the reply of an old node-ipc 9.2.9 server answering with on + emit (README protocol), over TCP', async () => {
    const old = OLD_9.create((c) => { c.unlink = false; });
    old.serveNet('127.0.0.1', await freePort('tcp'));
    await OLD_9.start(old);
    old.server.on('add', (req: any, socket: unknown) => {
      old.server.emit(socket, 'ipc.reply', { reply: req.request, data: req.data.a + req.data.b });
    });
    old.server.on('divide', (req: any, socket: unknown) => {
      old.server.emit(socket, 'ipc.reply', { reply: req.request, error: { name: 'RangeError', message: 'division by zero', code: 'E_DIV' } });
    });
    const target = `127.0.0.1:${old.server.port as number}`;
    const sum = await run(['request', target, 'add', '{"a":2,"b":3}']);
    expect(sum.code).withContext(sum.stderr).toBe(0);
    expect(sum.lines).toEqual(['5']);
    const failed = await run(['request', target, 'divide', '{}']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('RangeError: division by zero (remote code E_DIV)');
  }, SPEC_MS);

  it('exits 5 when the server closes before replying, 3 when nothing listens, 2 for raw mode', async () => {
    const rude = await rudeServer((socket) => socket.on('data', () => socket.destroy()));
    const dropped = await run(['request', rude, 'add', '{}']);
    expect(dropped.code).toBe(5);
    expect(dropped.stderr).toContain('ERR_IPC_DISCONNECTED');
    const nobody = await run(['request', join(tempDir(), 'nobody.sock'), 'add']);
    expect(nobody.code).toBe(3);
    const raw = await run(['request', rude, 'add', '--raw']);
    expect(raw.code).toBe(2);
    expect(raw.stderr).toContain('unknown flag --raw');
  }, SPEC_MS);
});
