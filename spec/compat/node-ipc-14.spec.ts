/**
 * Wire interop with node-ipc 14.0.0 (`node-ipc-14` dev dependency, ESM only, loaded with a
 * real dynamic `import()`), next to the 9.2.9 and 10.1.11 peers of ./interop.spec.ts: the
 * `fast` and `guarded` profiles, both directions (node-ipc 14 server <-> our client, our
 * server <-> node-ipc 14 client), over unix, tcp, tls (mutual) and udp4; `assured` over
 * mutual TLS both ways; node-ipc 14's MessageParser against ours.
 *
 * node-ipc 14 servers turn port 0 into `config.networkPort`, so they get a free port.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IpcError } from '../../src/errors';
import { MessageParser } from '../../src/parsers/message';
import { nextEvent, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';
import { freePort, OURS, type AnyIpc } from './peers';

// tsc (module commonjs) would turn `import()` into `require()`, which cannot load ESM on Node 20.
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import(), on purpose
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

let IPC14: new () => AnyIpc;

beforeAll(async () => {
  const entry = createRequire(__filename).resolve('node-ipc-14');
  IPC14 = (await importEsm(pathToFileURL(entry).href)).IPCModule;
});

function create14(configure: (config: any) => void): AnyIpc {
  const ipc = new IPC14();
  ipc.config.silent = true;
  ipc.config.retry = 50;
  ipc.config.maxRetries = 0;
  configure(ipc.config);
  teardown.add(() => {
    for (const id of Object.keys(ipc.of)) ipc.disconnect(id);
    if (ipc.server) ipc.server.stop();
  });
  return ipc;
}

function start14(ipc: AnyIpc): Promise<void> {
  const started = nextEvent(ipc.server, 'start');
  ipc.server.start();
  return started.then(() => undefined);
}

const CERTS = join(__dirname, '..', '..', '..', 'example', 'certs');
const cert = (file: string): string => join(CERTS, file);

interface Transport14 {
  name: 'unix' | 'tcp' | 'tls';
  server(config: any): void;
  client(config: any): void;
}

const TRANSPORTS: Transport14[] = [
  { name: 'unix', server: () => undefined, client: () => undefined },
  { name: 'tcp', server: () => undefined, client: () => undefined },
  {
    name: 'tls',
    server(config) {
      config.tls = { private: cert('server.key'), public: cert('server.pem'), trustedConnections: [cert('ca.pem')], requestCert: true, rejectUnauthorized: true };
    },
    client(config) {
      config.tls = { private: cert('client.key'), public: cert('client.pem'), trustedConnections: [cert('ca.pem')], rejectUnauthorized: true };
    },
  },
];

/** What crosses in both directions: node-ipc 14 keeps `null` and `''` (9/10 sent `{}`). */
const PAYLOAD = { text: 'héllo ☃ 🎉', n: -1.5, list: [1, null, { deep: true }], _maxListeners: 3 };

async function listen(serverIpc: AnyIpc, ours: boolean, transport: Transport14): Promise<{ path: string } | { port: number }> {
  if (transport.name === 'unix') {
    const path = join(tempDir(), 's.sock');
    serverIpc.serve(path);
    await (ours ? OURS.start(serverIpc) : start14(serverIpc));
    return { path };
  }
  serverIpc.serveNet('127.0.0.1', ours ? 0 : await freePort('tcp'));
  await (ours ? OURS.start(serverIpc) : start14(serverIpc));
  return { port: serverIpc.server.port as number };
}

function connect(clientIpc: AnyIpc, address: { path: string } | { port: number }): any {
  if ('path' in address) clientIpc.connectTo('peer', address.path);
  else clientIpc.connectToNet('peer', '127.0.0.1', address.port);
  return clientIpc.of.peer;
}

for (const profile of ['fast', 'guarded'] as const) {
  describe(`node-ipc 14.0.0 interop (${profile})`, () => {
    for (const transport of TRANSPORTS) {
      for (const oursServes of [true, false]) {
        const label = oursServes ? 'node-ipc 14 client -> our server' : 'our client -> node-ipc 14 server';
        it(`${transport.name}: ${label}, payloads kept as sent both ways`, async () => {
          const serverIpc = oursServes ? OURS.create((c) => { c.parser = profile; transport.server(c); })
            : create14((c) => { c.parser = profile; c.unlink = transport.name === 'unix'; transport.server(c); });
          const address = await listen(serverIpc, oursServes, transport);
          const server = serverIpc.server;
          server.on('ask', (data: unknown, socket: unknown) => {
            server.emit(socket, 'answer', { echo: data, empty: '', nothing: null });
            server.emit(socket, 'null', null);
          });
          const clientIpc = oursServes ? create14((c) => { c.parser = profile; transport.client(c); })
            : OURS.create((c) => { c.parser = profile; transport.client(c); });
          const client = connect(clientIpc, address);
          await nextEvent(client, 'connect');
          const answer = nextEvent(client, 'answer');
          const nothing = nextEvent(client, 'null');
          client.emit('ask', PAYLOAD);
          expect((await answer)[0]).toEqual({ echo: PAYLOAD, empty: '', nothing: null });
          expect((await nothing)[0]).toBeNull();
        });
      }
    }

    it('udp4: both ways between node-ipc 14 and our UDP servers', async () => {
      const theirs = create14((c) => { c.parser = profile; });
      theirs.serveNet('127.0.0.1', await freePort('udp4'), 'udp4');
      await start14(theirs);
      theirs.server.on('ask', (data: unknown, peer: unknown) => theirs.server.emit(peer, 'answer', { echo: data, nothing: null }));
      const ours = OURS.create((c) => { c.parser = profile; });
      ours.serveNet('127.0.0.1', 0, 'udp4');
      await OURS.start(ours, true);
      const answer = nextEvent(ours.server, 'answer');
      ours.server.emit({ address: '127.0.0.1', port: theirs.server.port }, 'ask', PAYLOAD);
      expect((await answer)[0]).toEqual({ echo: PAYLOAD, nothing: null });

      const back = nextEvent(theirs.server, 'back');
      ours.server.emit({ address: '127.0.0.1', port: theirs.server.port }, 'back', '');
      expect((await back)[0]).toBe('');
    });
  });
}

describe('node-ipc 14.0.0 interop: assured over mutual TLS', () => {
  const assured = (c: any): void => {
    c.parser = 'assured';
    c.allowedEvents = ['ask', 'answer'];
  };
  for (const oursServes of [true, false]) {
    it(oursServes ? 'node-ipc 14 assured client -> our assured server' : 'our assured client -> node-ipc 14 assured server', async () => {
      const tls = TRANSPORTS[2] as Transport14;
      const serverIpc = oursServes ? OURS.create((c) => { assured(c); tls.server(c); }) : create14((c) => { assured(c); c.unlink = false; tls.server(c); });
      const address = await listen(serverIpc, oursServes, tls);
      serverIpc.server.on('ask', (data: unknown, socket: unknown) => serverIpc.server.emit(socket, 'answer', data));
      const clientIpc = oursServes ? create14((c) => { assured(c); tls.client(c); }) : OURS.create((c) => { assured(c); tls.client(c); });
      const client = connect(clientIpc, address);
      await nextEvent(client, 'connect');
      const answer = nextEvent(client, 'answer');
      client.emit('ask', PAYLOAD);
      expect((await answer)[0]).toEqual(PAYLOAD);
    });
  }
});

describe('node-ipc 14.0.0 interop: parsers/message on both ends', () => {
  it("node-ipc 14's MessageParser client and our MessageParser server (node-ipc-ts/parsers/message) talk both ways", async () => {
    const entry = createRequire(__filename).resolve('node-ipc-14/parsers/message');
    const TheirMessageParser = (await importEsm(pathToFileURL(entry).href)).MessageParser as unknown;
    const serverIpc = OURS.create((c) => { c.parser = MessageParser; });
    const address = await listen(serverIpc, true, TRANSPORTS[0] as Transport14);
    serverIpc.server.on('ask', (data: unknown, socket: unknown) => serverIpc.server.emit(socket, 'answer', data));
    const clientIpc = create14((c) => { c.parser = TheirMessageParser; });
    const client = connect(clientIpc, address);
    await nextEvent(client, 'connect');
    const answer = nextEvent(client, 'answer');
    client.emit('ask', PAYLOAD);
    expect((await answer)[0]).toEqual(PAYLOAD);
  });
});

describe('node-ipc 14.0.0 interop: the guarded codes are the same on both ends', () => {
  it('a node-ipc 14 fast client sending a reserved name to our guarded server gets its connection closed with ERR_IPC_RESERVED_EVENT', async () => {
    const serverIpc = OURS.create((c) => { c.parser = 'guarded'; });
    const address = await listen(serverIpc, true, TRANSPORTS[1] as Transport14);
    const clientIpc = create14((c) => { c.parser = 'fast'; });
    const client = connect(clientIpc, address);
    await nextEvent(client, 'connect');
    const error = nextEvent(serverIpc.server, 'error');
    const closed = nextEvent(serverIpc.server, 'socket.disconnected');
    client.emit('error', { boom: true });
    const [err] = await error;
    expect(err).toEqual(jasmine.any(IpcError));
    expect(err.code).toBe('ERR_IPC_RESERVED_EVENT');
    await closed;
  });

  it('our fast client sending a prototype name to a node-ipc 14 guarded server: node-ipc 14 refuses it with ERR_IPC_INVALID_EVENT', async () => {
    const serverIpc = create14((c) => { c.parser = 'guarded'; c.unlink = false; });
    const address = await listen(serverIpc, false, TRANSPORTS[1] as Transport14);
    const clientIpc = OURS.create((c) => { c.parser = 'fast'; });
    const client = connect(clientIpc, address);
    await nextEvent(client, 'connect');
    const error = nextEvent(serverIpc.server, 'error');
    client.emit('constructor', {});
    expect((await error)[0].code).toBe('ERR_IPC_INVALID_EVENT');
  });

  it('a node-ipc 14 guarded server closing our client: no reconnect after a protocol fault on our side either', async () => {
    const serverIpc = create14((c) => { c.parser = 'fast'; c.unlink = false; });
    const address = await listen(serverIpc, false, TRANSPORTS[1] as Transport14);
    serverIpc.server.on('connect', (socket: { write(text: string): void }) => socket.write('{"type":"__proto__","data":1}\f'));
    const clientIpc = OURS.create((c) => { c.parser = 'guarded'; });
    const client = connect(clientIpc, address);
    const error = nextEvent(client, 'error');
    const destroyed = nextEvent(client, 'destroy');
    expect((await error)[0].code).toBe('ERR_IPC_INVALID_EVENT');
    await destroyed;
  });
});
