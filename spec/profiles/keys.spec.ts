/**
 * node-ipc 14's keys on node-ipc-ts: `parser` (names, objects, classes), payload
 * preservation, `identifyPeer`, `logPayloads`, protocol faults closing the connection, the
 * assured transport and TLS rules, `secureSocketRoot`, and the 9/10 default kept when no
 * node-ipc 14 key is set.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import type { IpcError } from '../../src/errors';
import type { IPCModule } from '../../src/ipc';
import { MessageParser } from '../../src/parsers/message';
import { FastParser, type ParsedMessage, type ParserConfig } from '../../src/codec/parsers/parser';
import { defaultConfig } from '../../src/config';
import { Profile, perUserSocketRoot } from '../../src/profile';
import { freshIpc, nextEvent, started, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const CERTS = join(__dirname, '..', '..', '..', 'example', 'certs');
const cert = (file: string): string => join(CERTS, file);

type Config = IPCModule['config'];

/** A unix server and a client of the same config; resolves once both saw `connect`. */
async function unixPair(configure: (config: Config) => void, configureClient: (config: Config) => void = configure): Promise<{ server: IPCModule['server']; client: any; socket: any; serverIpc: IPCModule; clientIpc: IPCModule }> {
  const dir = tempDir();
  const serverIpc = freshIpc(configure);
  serverIpc.serve(join(dir, 's.sock'));
  const server = await started(serverIpc.server);
  const accepted = nextEvent(server, 'connect');
  const clientIpc = freshIpc(configureClient);
  clientIpc.connectTo('peer', server.path);
  const client = clientIpc.of.peer as any;
  const [[socket]] = await Promise.all([accepted, nextEvent(client, 'connect')]);
  return { server, client, socket, serverIpc, clientIpc };
}

const throwsCode = (code: string) => (e: unknown): boolean => (e as IpcError).code === code;

describe('config.parser selection', () => {
  it('refuses an unknown profile name and a parser without encode/read with TypeError, from serve() and connectTo()', () => {
    const ipc = freshIpc((c) => { c.parser = 'strict' as never; });
    expect(() => ipc.serve(join(tempDir(), 's'))).toThrowError(TypeError, /config\.parser/);
    const other = freshIpc((c) => { c.parser = { encode: () => '' } as never; });
    expect(() => other.connectTo('x', '/nowhere')).toThrowError(TypeError, /encode\(\) and read\(\)/);
    expect(other.of.x).toBeUndefined();
  });

  it('refuses limits that are not positive integers (or Infinity) with TypeError', () => {
    const ipc = freshIpc((c) => { c.parser = 'guarded'; c.maxEventNameLength = 0; });
    expect(() => ipc.serve(join(tempDir(), 's'))).toThrowError(TypeError, /maxEventNameLength/);
  });

  it("'raw' passes bytes both ways under 'data', as rawBuffer does", async () => {
    const { server, client, socket } = await unixPair((c) => { c.parser = 'raw'; });
    const got = nextEvent(server, 'data');
    client.emit(Buffer.from([1, 2, 3]));
    expect([...(await got)[0] as Buffer]).toEqual([1, 2, 3]);
    const back = nextEvent(client, 'data');
    server.emit(socket, 'text');
    expect(((await back)[0] as Buffer).toString()).toBe('text');
  });

  it('rawBuffer: true stays an alias of raw when a node-ipc 14 key is set', async () => {
    const { server, client } = await unixPair((c) => { c.parser = 'guarded'; c.rawBuffer = true; });
    const got = nextEvent(server, 'data');
    client.emit('not json at all');
    expect(((await got)[0] as Buffer).toString()).toBe('not json at all');
  });

  it('a parser class is constructed once per client or server with the live config; its frames cross the wire', async () => {
    const made: ParserConfig[] = [];
    class LineParser {
      readonly delimiter: string;
      constructor(config: ParserConfig) {
        made.push(config);
        this.delimiter = '\n';
      }
      encode(type: string, data?: unknown): string {
        return `${JSON.stringify({ type, data })}\n`;
      }
      read(rest: string, chunk: string, receive: (m: ParsedMessage) => void): string {
        const lines = (rest + chunk).split('\n');
        const last = lines.pop() as string;
        for (const line of lines) receive(JSON.parse(line) as ParsedMessage);
        return last;
      }
    }
    const { server, client, socket, serverIpc } = await unixPair((c) => { c.parser = LineParser; });
    expect(made.length).toBe(2);
    expect(made[0]).toBe(serverIpc.config as unknown as ParserConfig);
    const got = nextEvent(server, 'ping');
    client.emit('ping', { n: 'ü'.repeat(5000) });
    expect((await got)[0]).toEqual({ n: 'ü'.repeat(5000) });
    const back = nextEvent(client, 'pong');
    server.emit(socket, 'pong', null);
    expect((await back)[0]).toBeNull();
  });

  it('a parser object works over UDP too, one read per datagram', async () => {
    const parser = {
      encode: (type: string, data?: unknown): string => `${JSON.stringify({ type, data })}\n`,
      read(rest: string, chunk: string, receive: (m: ParsedMessage) => void): string {
        const lines = (rest + chunk).split('\n');
        const last = lines.pop() as string;
        for (const line of lines) receive(JSON.parse(line) as ParsedMessage);
        return last;
      },
    };
    const a = freshIpc((c) => { c.parser = parser; });
    a.serveNet('127.0.0.1', 0, 'udp4');
    const serverA = await started(a.server);
    const b = freshIpc((c) => { c.parser = parser; });
    b.serveNet('127.0.0.1', 0, 'udp4');
    const serverB = await started(b.server);
    serverA.on('ping', (n: number, peer: unknown) => serverA.emit(peer as never, 'pong', n + 1));
    const pong = nextEvent(serverB, 'pong');
    serverB.emit({ address: '127.0.0.1', port: serverA.port as number }, 'ping', 1);
    expect((await pong)[0]).toBe(2);
  });

  it('a parser whose message has no string type closes the connection with ERR_IPC_INVALID_EVENT', async () => {
    const parser = {
      encode: (type: string, data?: unknown): string => `${JSON.stringify({ type, data })}\f`,
      read(rest: string, chunk: string, receive: (m: ParsedMessage) => void): string {
        receive({ data: rest + chunk } as unknown as ParsedMessage);
        return '';
      },
    };
    const { server, client } = await unixPair((c) => { c.parser = parser; });
    const error = nextEvent(server, 'error');
    const closed = nextEvent(server, 'socket.disconnected');
    client.emit('x', 1);
    expect((await error)[0].code).toBe('ERR_IPC_INVALID_EVENT');
    await closed;
  });

  it("'raw' over UDP: datagrams pass as bytes; one over maxMessageSize is dropped with ERR_IPC_FRAME_TOO_LARGE", async () => {
    const a = freshIpc((c) => { c.parser = 'raw'; c.maxMessageSize = 8; });
    a.serveNet('127.0.0.1', 0, 'udp4');
    const serverA = await started(a.server);
    const b = freshIpc((c) => { c.parser = 'raw'; });
    b.serveNet('127.0.0.1', 0, 'udp4');
    const serverB = await started(b.server);
    const target = { address: '127.0.0.1', port: serverA.port as number };
    const error = nextEvent(serverA, 'error');
    serverB.emit(target, Buffer.alloc(20));
    expect((await error)[0].code).toBe('ERR_IPC_FRAME_TOO_LARGE');
    const data = nextEvent(serverA, 'data');
    serverB.emit(target, Buffer.from([7, 8]));
    expect([...(await data)[0] as Buffer]).toEqual([7, 8]);
  });

  it('emit after disconnect under a profile: ERR_IPC_NOT_CONNECTED, as without one', async () => {
    const { client, clientIpc } = await unixPair((c) => { c.parser = 'guarded'; });
    const destroyed = nextEvent(client, 'destroy');
    clientIpc.disconnect('peer');
    await destroyed;
    const error = nextEvent(client, 'error');
    expect(client.emit('late', 1)).toBe(false);
    expect((await error)[0].code).toBe('ERR_IPC_NOT_CONNECTED');
  });

  it('a parser object that throws closes that connection with its error, and the client does not reconnect', async () => {
    const parser = {
      encode: (type: string, data?: unknown): string => `${JSON.stringify({ type, data })}\f`,
      read(): string {
        throw Object.assign(new Error('refused'), { code: 'ERR_MY_PARSER' });
      },
    };
    const { server, client } = await unixPair((c) => { c.parser = parser; });
    const error = nextEvent(client, 'error');
    const destroyed = nextEvent(client, 'destroy');
    server.broadcast('anything', 1);
    const [err] = await error;
    expect(err.code).toBe('ERR_MY_PARSER');
    expect(err.cause.message).toBe('refused');
    await destroyed;
  });

  it('MessageParser (node-ipc-ts/parsers/message) round-trips, and turns bad JSON into an error message (js-message)', async () => {
    const { server, client, socket } = await unixPair((c) => { c.parser = MessageParser; });
    const got = nextEvent(server, 'hello');
    client.emit('hello', { a: 1 });
    expect((await got)[0]).toEqual({ a: 1 });
    const parsed: ParsedMessage[] = [];
    const rest = new MessageParser({ delimiter: '\f' }).read('', '{bad\f{"type":"x","data":2}\f{"ty', (m) => parsed.push(m));
    expect(rest).toBe('{"ty');
    expect(parsed[0]?.type).toBe('error');
    expect((parsed[0]?.data as { message: string; response: string }).message).toBe('Invalid JSON response format');
    expect((parsed[0]?.data as { response: string }).response).toBe('{bad');
    expect(JSON.parse(JSON.stringify(parsed[0])).data.err.name).toBe('SyntaxError');
    expect(parsed[1]?.type).toBe('x');
    expect(server.emit(socket, 'ok', 1)).toBe(true);
  });

  it('FastParser.decode refuses text that is not JSON with ERR_IPC_INVALID_JSON', () => {
    expect(() => new FastParser().decode('{')).toThrowMatching(throwsCode('ERR_IPC_INVALID_JSON'));
    expect(() => new FastParser({ delimiter: '' })).toThrowError(TypeError);
  });
});

describe('payloads and peers under node-ipc 14 keys', () => {
  it('fast keeps null, empty strings and _maxListeners objects (9/10 sent {})', async () => {
    const { server, client } = await unixPair((c) => { c.parser = 'fast'; });
    const seen: unknown[] = [];
    server.on('p', (data: unknown) => seen.push(data));
    const last = nextEvent(server, 'last');
    client.emit('p', null);
    client.emit('p', '');
    client.emit('p', { _maxListeners: 10, x: 1 });
    client.emit('p');
    client.emit('last', 0);
    await last;
    expect(seen).toEqual([null, '', { _maxListeners: 10, x: 1 }, {}]);
  });

  it('without node-ipc 14 keys, 9/10 behaviour stays: null goes out as {} and data.id names the socket', async () => {
    const { server, client } = await unixPair(() => undefined);
    const got = nextEvent(server, 'p');
    client.emit('p', null);
    expect((await got)[0]).toEqual({});
    const named = nextEvent(server, 'hello');
    client.emit('hello', { id: 'worker-1' });
    expect((await named)[1].id).toBe('worker-1');
  });

  it('identifyPeer: off once a node-ipc 14 key is set, on when true', async () => {
    const plain = await unixPair((c) => { c.parser = 'fast'; });
    const got = nextEvent(plain.server, 'hello');
    plain.client.emit('hello', { id: 'worker-1' });
    expect((await got)[1].id).toBeUndefined();

    const identified = await unixPair((c) => { c.identifyPeer = true; });
    const named = nextEvent(identified.server, 'hello');
    identified.client.emit('hello', { id: 'worker-2' });
    expect((await named)[1].id).toBe('worker-2');
  });

  it('logPayloads: automatic logs leave payloads out unless it is true', async () => {
    const lines: string[] = [];
    const logging = (payloads: boolean) => (c: Config): void => {
      c.silent = false;
      c.logInColor = false;
      c.logPayloads = payloads;
      c.logger = (line: string) => lines.push(line);
    };
    const hidden = await unixPair(logging(false));
    const got = nextEvent(hidden.server, 'secret');
    hidden.client.emit('secret', { token: 'hunter2' });
    await got;
    expect(lines.some((line) => line.includes('secret'))).toBe(true);
    expect(lines.some((line) => line.includes('hunter2'))).toBe(false);

    lines.length = 0;
    const shown = await unixPair(logging(true));
    const got2 = nextEvent(shown.server, 'secret');
    shown.client.emit('secret', { token: 'hunter2' });
    await got2;
    expect(lines.some((line) => line.includes('hunter2'))).toBe(true);
  });

  it('fast under node-ipc 14 keys: bad JSON closes the connection (9/10 went on), the client does not reconnect', async () => {
    const { server, client } = await unixPair((c) => { c.parser = 'fast'; });
    const error = nextEvent(client, 'error');
    const destroyed = nextEvent(client, 'destroy');
    const [socket] = server.sockets as any[];
    socket.write('not json\f');
    expect((await error)[0].code).toBe('ERR_IPC_INVALID_JSON');
    await destroyed;
  });

  it('guarded applies node-ipc 14 limits where the config still holds our unbounded defaults (1 MiB frames)', async () => {
    const { server, socket } = await unixPair((c) => { c.parser = 'guarded'; });
    expect(() => server.emit(socket, 'big', 'x'.repeat(1024 * 1024))).toThrowMatching(throwsCode('ERR_IPC_FRAME_TOO_LARGE'));
    expect(server.emit(socket, 'fits', 'x'.repeat(1000))).toBe(true);
  });

  it("a server publishes 'close' with the socket after 'socket.disconnected' (node-ipc 14; 9/10 did not)", async () => {
    const { server, socket, clientIpc } = await unixPair((c) => { c.parser = 'fast'; });
    const order: string[] = [];
    server.on('socket.disconnected', () => order.push('socket.disconnected'));
    const closed = nextEvent(server, 'close');
    clientIpc.disconnect('peer');
    expect((await closed)[0]).toBe(socket);
    expect(order).toEqual(['socket.disconnected']);
  });

  it('sync mode works under a profile: one message in flight', async () => {
    const { server, client } = await unixPair((c) => { c.parser = 'guarded'; c.sync = true; });
    server.on('q', (n: number, socket: unknown) => server.emit(socket as never, 'a', n));
    const answers: number[] = [];
    const done = new Promise<void>((resolve) => client.on('a', (n: number) => { answers.push(n); if (answers.length === 3) resolve(); }));
    client.emit('q', 1);
    client.emit('q', 2);
    client.emit('q', 3);
    await done;
    expect(answers).toEqual([1, 2, 3]);
  });
});

describe('assured', () => {
  const mutualServer = (c: Config): void => {
    c.tls = { private: cert('server.key'), public: cert('server.pem'), trustedConnections: [cert('ca.pem')], requestCert: true, rejectUnauthorized: true };
  };
  const mutualClient = (c: Config): void => {
    c.tls = { private: cert('client.key'), public: cert('client.pem'), trustedConnections: [cert('ca.pem')], rejectUnauthorized: true };
  };
  const assured = (c: Config): void => {
    c.parser = 'assured';
    c.allowedEvents = ['ping', 'pong'];
  };

  it('requires a non-empty allowedEvents Array or Set (TypeError)', () => {
    for (const allowed of [undefined, false, [], new Set(), 'ping']) {
      const ipc = freshIpc((c) => { c.parser = 'assured'; c.allowedEvents = allowed as never; });
      expect(() => ipc.serveNet('127.0.0.1', 0)).toThrowError(TypeError, /allowedEvents/);
    }
  });

  it('a client refuses plain TCP before opening a socket (ERR_IPC_ASSURED_TRANSPORT, thrown)', () => {
    const ipc = freshIpc(assured);
    expect(() => ipc.connectToNet('x', '127.0.0.1', 9)).toThrowMatching(throwsCode('ERR_IPC_ASSURED_TRANSPORT'));
    expect(ipc.of.x).toBeUndefined();
  });

  it('a client refuses TLS without a CA, a certificate or verification (ERR_IPC_ASSURED_TLS)', () => {
    const cases = [
      { trustedConnections: [cert('ca.pem')], rejectUnauthorized: true },
      { private: cert('client.key'), public: cert('client.pem'), rejectUnauthorized: true },
      { private: cert('client.key'), public: cert('client.pem'), trustedConnections: [cert('ca.pem')], rejectUnauthorized: false },
    ];
    for (const tls of cases) {
      const ipc = freshIpc((c) => { assured(c); c.tls = tls; });
      expect(() => ipc.connectToNet('x', '127.0.0.1', 9)).toThrowMatching(throwsCode('ERR_IPC_ASSURED_TLS'));
    }
  });

  it('a server refuses TLS without a client CA, requestCert or rejectUnauthorized (ERR_IPC_ASSURED_TLS, thrown by start())', () => {
    const cases = [
      { private: cert('server.key'), public: cert('server.pem') },
      { private: cert('server.key'), public: cert('server.pem'), trustedConnections: [cert('ca.pem')], requestCert: false },
      { private: cert('server.key'), public: cert('server.pem'), trustedConnections: [cert('ca.pem')], rejectUnauthorized: false },
    ];
    for (const tls of cases) {
      const ipc = freshIpc((c) => { assured(c); c.tls = tls; });
      ipc.serveNet('127.0.0.1', 0);
      expect(() => ipc.server.start()).toThrowMatching(throwsCode('ERR_IPC_ASSURED_TLS'));
    }
  });

  it('mutual TLS: listed events cross, an unlisted one is refused on send without its name', async () => {
    const serverIpc = freshIpc((c) => { assured(c); mutualServer(c); });
    serverIpc.serveNet('127.0.0.1', 0);
    const server = await started(serverIpc.server);
    server.on('ping', (n: number, socket: unknown) => server.emit(socket as never, 'pong', n + 1));
    const clientIpc = freshIpc((c) => { assured(c); mutualClient(c); });
    clientIpc.connectToNet('peer', '127.0.0.1', server.port as number);
    const client = clientIpc.of.peer as any;
    await nextEvent(client, 'connect');
    const pong = nextEvent(client, 'pong');
    client.emit('ping', 1);
    expect((await pong)[0]).toBe(2);
    let thrown: IpcError | undefined;
    try {
      client.emit('secret.name', 1);
    } catch (err) {
      thrown = err as IpcError;
    }
    expect(thrown?.code).toBe('ERR_IPC_EVENT_NOT_ALLOWED');
    expect(thrown?.message).not.toContain('secret.name');
  });

  it('refuses the built-in Windows local service (ERR_IPC_ASSURED_TRANSPORT): a pipe ACL cannot be proven', () => {
    const config = Object.assign(defaultConfig(), { parser: 'assured' as const, allowedEvents: ['ping'], socketRoot: '/root-of-pipes/' });
    const profile = new Profile(config);
    const platform = Object.getOwnPropertyDescriptor(process, 'platform') as PropertyDescriptor;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    teardown.add(() => Object.defineProperty(process, 'platform', platform));
    expect(() => profile.checkServer({ path: '/root-of-pipes/s', port: false, udp4: false, udp6: false, config }))
      .toThrowMatching(throwsCode('ERR_IPC_ASSURED_TRANSPORT'));
  });

  it('a local server must sit directly inside the secure socket root, with secureSocketRoot on (ERR_IPC_ASSURED_TRANSPORT)', async () => {
    const root = tempDir();
    const nested = freshIpc((c) => { assured(c); c.socketRoot = `${root}/`; });
    mkdirSync(join(root, 'sub'));
    nested.serve(join(root, 'sub', 's.sock'));
    expect(() => nested.server.start()).toThrowMatching(throwsCode('ERR_IPC_ASSURED_TRANSPORT'));
    const unsecured = freshIpc((c) => { assured(c); c.socketRoot = `${root}/`; c.secureSocketRoot = false; });
    unsecured.serve(join(root, 's.sock'));
    expect(() => unsecured.server.start()).toThrowMatching(throwsCode('ERR_IPC_ASSURED_TRANSPORT'));
    const ok = freshIpc((c) => { assured(c); c.socketRoot = `${root}/`; });
    ok.serve(join(root, 's.sock'));
    await started(ok.server);
  });
});

describe('secureSocketRoot and the socket path', () => {
  it('creates a missing root owner-only, and tightens an existing group/world-readable one', async () => {
    const base = tempDir();
    const root = join(base, 'root');
    const ipc = freshIpc((c) => { c.parser = 'fast'; c.socketRoot = `${root}/`; });
    ipc.serve(join(root, 's.sock'));
    await started(ipc.server);
    expect(statSync(root).mode & 0o777).toBe(0o700);

    const loose = join(base, 'loose');
    mkdirSync(loose, { mode: 0o755 });
    chmodSync(loose, 0o755);
    const other = freshIpc((c) => { c.secureSocketRoot = true; c.socketRoot = loose; });
    other.serve(join(loose, 's.sock'));
    await started(other.server);
    expect(statSync(loose).mode & 0o777).toBe(0o700);
  });

  it('leaves an existing root alone with secureSocketRoot: false', async () => {
    const loose = join(tempDir(), 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o755);
    const ipc = freshIpc((c) => { c.secureSocketRoot = false; c.socketRoot = `${loose}/`; });
    ipc.serve(join(loose, 's.sock'));
    await started(ipc.server);
    expect(statSync(loose).mode & 0o777).toBe(0o755);
  });

  it('refuses a symlinked root (ERR_IPC_SOCKET_ROOT, thrown by start())', () => {
    const base = tempDir();
    mkdirSync(join(base, 'real'), { mode: 0o700 });
    symlinkSync(join(base, 'real'), join(base, 'link'));
    const ipc = freshIpc((c) => { c.parser = 'guarded'; c.socketRoot = join(base, 'link') + '/'; });
    ipc.serve(join(base, 'link', 's.sock'));
    expect(() => ipc.server.start()).toThrowMatching(throwsCode('ERR_IPC_SOCKET_ROOT'));
  });

  it('refuses a shared sticky directory as root instead of tightening it (ERR_IPC_SOCKET_ROOT)', () => {
    const shared = join(tempDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const ipc = freshIpc((c) => { c.secureSocketRoot = true; c.socketRoot = `${shared}/`; });
    ipc.serve(join(shared, 's.sock'));
    expect(() => ipc.server.start()).toThrowMatching(throwsCode('ERR_IPC_SOCKET_ROOT'));
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
  });

  it('never unlinks a regular file at the socket path (ERR_IPC_UNLINK_NOT_SOCKET), and the file survives', () => {
    const root = tempDir();
    const path = join(root, 's.sock');
    writeFileSync(path, 'precious');
    const ipc = freshIpc((c) => { c.parser = 'fast'; c.socketRoot = `${root}/`; });
    ipc.serve(path);
    expect(() => ipc.server.start()).toThrowMatching(throwsCode('ERR_IPC_UNLINK_NOT_SOCKET'));
    expect(readFileSync(path, 'utf8')).toBe('precious');
  });

  it("the default socket root becomes node-ipc 14's per-user one once a node-ipc 14 key is set (9/10: /tmp/)", () => {
    const legacy = freshIpc();
    legacy.serve();
    expect(legacy.server.path).toBe(`/tmp/app.${legacy.config.id}`);
    const modern = freshIpc((c) => { c.parser = 'fast'; });
    modern.serve();
    expect(modern.server.path).toBe(`${perUserSocketRoot()}app.${modern.config.id}`);
    expect(modern.config.socketRoot).toBe('/tmp/');
  });
});

describe('TLS credentials under node-ipc 14 keys', () => {
  it('a TLS server without key and certificate fails at start() with ERR_IPC_TLS_CONFIGURATION (thrown)', () => {
    const ipc = freshIpc((c) => { c.parser = 'fast'; c.tls = { rejectUnauthorized: false }; });
    ipc.serveNet('127.0.0.1', 0);
    expect(() => ipc.server.start()).toThrowMatching(throwsCode('ERR_IPC_TLS_CONFIGURATION'));
  });

  it('without node-ipc 14 keys the same fault is published as an error event (9/10 code paths never threw)', async () => {
    const ipc = freshIpc((c) => { c.tls = { rejectUnauthorized: false }; });
    ipc.serveNet('127.0.0.1', 0);
    const error = nextEvent(ipc.server, 'error');
    ipc.server.start();
    expect((await error)[0].code).toBe('ERR_IPC_TLS_CONFIGURATION');
  });
});

describe('a raw peer against a guarded unix server', () => {
  it('cannot pollute prototypes or fake lifecycle events', async () => {
    const dir = tempDir();
    const ipc = freshIpc((c) => { c.parser = 'guarded'; c.socketRoot = `${dir}/`; });
    ipc.serve(join(dir, 's.sock'));
    const server = await started(ipc.server);
    let faked = false;
    server.on('socket.disconnected', () => undefined);
    server.on('start', () => { faked = true; });
    const socket = netConnect({ path: server.path });
    teardown.add(() => socket.destroy());
    socket.on('error', () => undefined);
    const error = nextEvent(server, 'error');
    socket.write('{"type":"start","data":1}\f');
    expect((await error)[0].code).toBe('ERR_IPC_RESERVED_EVENT');
    expect(faked).toBe(false);
  });
});
