/**
 * The guarded and assured profiles on every transport node-ipc-ts has (unix, tcp, tls, udp4,
 * udp6): each limit is passed by a hostile peer that writes bytes, not the protocol, and must
 * give node-ipc 14's code. On a stream the connection then closes; on UDP (no connection) the
 * datagram is dropped and the server keeps serving. Errors never repeat a hostile name.
 */
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { IpcError } from '../../src/errors';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { freshIpc, nextEvent, started, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const CERTS = join(__dirname, '..', '..', '..', 'example', 'certs');
const cert = (file: string): string => join(CERTS, file);

type Config = IPCModule['config'];

interface Attacker {
  send(text: string): void;
}

interface Lane {
  name: 'unix' | 'tcp' | 'tls' | 'udp4' | 'udp6';
  stream: boolean;
  /** Can an assured server run here (unix inside the secure root, mutual TLS)? */
  assured: boolean;
  /** A started server with `configure` applied after the lane's own settings. */
  serve(configure: (config: Config) => void): Promise<Server>;
  /** A raw peer of the server's transport. */
  attack(server: Server): Promise<Attacker>;
}

function tlsServer(config: Config): void {
  config.tls = { private: cert('server.key'), public: cert('server.pem'), trustedConnections: [cert('ca.pem')], requestCert: true, rejectUnauthorized: true };
}

async function streamAttacker(socket: Socket, ready: string): Promise<Attacker> {
  teardown.add(() => socket.destroy());
  socket.on('error', () => undefined); // the server closes it: that is the point
  await new Promise((resolve, reject) => {
    socket.once(ready, resolve);
    socket.once('error', reject);
  });
  return { send: (text) => socket.write(text) };
}

function udpLane(type: 'udp4' | 'udp6', host: string): Lane {
  return {
    name: type,
    stream: false,
    assured: false,
    async serve(configure) {
      const ipc = freshIpc(configure);
      ipc.serveNet(host, 0, type);
      return started(ipc.server);
    },
    attack(server) {
      const socket: DgramSocket = createSocket(type);
      teardown.add(() => socket.close());
      return Promise.resolve({ send: (text: string) => socket.send(text, server.port as number, host) });
    },
  };
}

const LANES: Lane[] = [
  {
    name: 'unix',
    stream: true,
    assured: true,
    async serve(configure) {
      const root = tempDir();
      const ipc = freshIpc((config) => {
        config.socketRoot = `${root}/`;
        configure(config);
      });
      ipc.serve(join(root, 's.sock'));
      return started(ipc.server);
    },
    attack: (server) => streamAttacker(netConnect({ path: server.path }), 'connect'),
  },
  {
    name: 'tcp',
    stream: true,
    assured: false,
    async serve(configure) {
      const ipc = freshIpc(configure);
      ipc.serveNet('127.0.0.1', 0);
      return started(ipc.server);
    },
    attack: (server) => streamAttacker(netConnect({ host: '127.0.0.1', port: server.port as number }), 'connect'),
  },
  {
    name: 'tls',
    stream: true,
    assured: true,
    async serve(configure) {
      const ipc = freshIpc((config) => {
        tlsServer(config);
        configure(config);
      });
      ipc.serveNet('127.0.0.1', 0);
      return started(ipc.server);
    },
    attack: (server) => streamAttacker(tlsConnect({
      host: '127.0.0.1', port: server.port as number, key: readFileSync(cert('client.key')), cert: readFileSync(cert('client.pem')), rejectUnauthorized: false,
    }), 'secureConnect'),
  },
  udpLane('udp4', '127.0.0.1'),
  udpLane('udp6', '::1'),
];

interface HostileCase {
  label: string;
  frame: string;
  code: string;
  configure?: (config: Config) => void;
  /** Text the error must not contain (a hostile name). */
  secret?: string;
}

const LONG_NAME = 'n'.repeat(10000);

const CASES: HostileCase[] = [
  { label: 'a frame over maxMessageSize', frame: JSON.stringify({ type: 'ok', data: 'x'.repeat(200) }), code: 'ERR_IPC_FRAME_TOO_LARGE', configure: (c) => { c.maxMessageSize = 128; } },
  { label: 'a 10k-character event name', frame: JSON.stringify({ type: LONG_NAME, data: 1 }), code: 'ERR_IPC_EVENT_TOO_LARGE', secret: LONG_NAME.slice(0, 300) },
  { label: 'a name over a lowered maxEventNameLength', frame: JSON.stringify({ type: 'abcdefghijk', data: 1 }), code: 'ERR_IPC_EVENT_TOO_LARGE', configure: (c) => { c.maxEventNameLength = 10; }, secret: 'abcdefghijk' },
  { label: 'a reserved name (connect)', frame: '{"type":"connect","data":1}', code: 'ERR_IPC_RESERVED_EVENT' },
  { label: 'a reserved name (error)', frame: '{"type":"error","data":{"fake":true}}', code: 'ERR_IPC_RESERVED_EVENT' },
  { label: 'a prototype name (__proto__)', frame: '{"type":"__proto__","data":{"polluted":true}}', code: 'ERR_IPC_INVALID_EVENT' },
  { label: 'a prototype name (constructor)', frame: '{"type":"constructor","data":1}', code: 'ERR_IPC_INVALID_EVENT' },
  { label: 'a numeric type', frame: '{"type":5,"data":1}', code: 'ERR_IPC_INVALID_EVENT' },
  { label: 'an empty type', frame: '{"type":"","data":1}', code: 'ERR_IPC_INVALID_EVENT' },
  { label: 'an array envelope', frame: '[{"type":"ok"}]', code: 'ERR_IPC_INVALID_MESSAGE' },
  { label: 'a string envelope', frame: '"ok"', code: 'ERR_IPC_INVALID_MESSAGE' },
  { label: 'text that is not JSON', frame: 'not json at all', code: 'ERR_IPC_INVALID_JSON' },
];

async function openLane(lane: Lane, configure: (config: Config) => void): Promise<Server | null> {
  try {
    return await lane.serve(configure);
  } catch (err) {
    if (lane.name === 'udp6') {
      pending(`IPv6 loopback unavailable here: ${(err as Error).message}`);
      return null;
    }
    throw err;
  }
}

/** Sends `frame` from a hostile peer; resolves with the server's error, and checks the aftermath. */
async function expectRefused(lane: Lane, server: Server, frame: string, code: string, secret?: string): Promise<void> {
  const connected = lane.stream ? nextEvent(server, 'connect') : null;
  const attacker = await lane.attack(server);
  if (connected !== null) await connected;
  const error = nextEvent(server, 'error');
  const closed = lane.stream ? nextEvent(server, 'socket.disconnected') : null;
  attacker.send(`${frame}\f`);
  const [err] = await error;
  expect(err).toEqual(jasmine.any(IpcError));
  expect((err as IpcError).code).toBe(code);
  if (secret !== undefined) expect(String((err as Error).message)).not.toContain(secret);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  if (closed !== null) {
    await closed;
    return;
  }
  // UDP: no connection to close; the next good datagram is served.
  const ok = nextEvent(server, 'ok');
  attacker.send('{"type":"ok","data":2}\f');
  expect((await ok)[0]).toBe(2);
}

for (const lane of LANES) {
  describe(`guarded profile on ${lane.name}`, () => {
    for (const hostile of CASES) {
      it(`refuses ${hostile.label} with ${hostile.code}`, async () => {
        const server = await openLane(lane, (config) => {
          config.parser = 'guarded';
          hostile.configure?.(config);
        });
        if (server === null) return;
        await expectRefused(lane, server, hostile.frame, hostile.code, hostile.secret);
      });
    }

    it('delivers a good message, and a reserved name when allowReservedEvents', async () => {
      const server = await openLane(lane, (config) => {
        config.parser = 'guarded';
        config.allowReservedEvents = true;
      });
      if (server === null) return;
      const attacker = await lane.attack(server);
      const closeEvent = nextEvent(server, 'close');
      const ok = nextEvent(server, 'ok');
      attacker.send('{"type":"close","data":"reserved but allowed"}\f{"type":"ok","data":null}\f');
      expect((await closeEvent)[0]).toBe('reserved but allowed');
      expect((await ok)[0]).toBeNull();
    });

    if (lane.stream) {
      it('closes an incomplete frame after messageTimeout with ERR_IPC_MESSAGE_TIMEOUT', async () => {
        const server = await openLane(lane, (config) => {
          config.parser = 'guarded';
          config.messageTimeout = 40;
        });
        if (server === null) return;
        const attacker = await lane.attack(server);
        const error = nextEvent(server, 'error');
        const closed = nextEvent(server, 'socket.disconnected');
        attacker.send('{"type":"ok","data":');
        expect((await error)[0].code).toBe('ERR_IPC_MESSAGE_TIMEOUT');
        await closed;
      });

      it('closes a connection whose unsent bytes pass maxPendingBytes with ERR_IPC_BACKPRESSURE', async () => {
        const server = await openLane(lane, (config) => {
          config.parser = 'guarded';
          config.maxPendingBytes = 1024;
        });
        if (server === null) return;
        const connected = nextEvent(server, 'connect');
        await lane.attack(server);
        const [socket] = await connected;
        const error = nextEvent(server, 'error');
        const closed = nextEvent(server, 'socket.disconnected');
        expect(server.emit(socket, 'big', 'x'.repeat(4096))).toBe(false);
        expect((await error)[0].code).toBe('ERR_IPC_BACKPRESSURE');
        await closed;
      });
    }

    it('refuses to send what it would refuse to receive (thrown, nothing written)', async () => {
      const server = await openLane(lane, (config) => {
        config.parser = 'guarded';
        config.maxMessageSize = 256;
      });
      if (server === null) return;
      const target = lane.stream ? (await Promise.all([nextEvent(server, 'connect'), lane.attack(server)]))[0][0] : { address: '127.0.0.1', port: 9 };
      expect(() => server.emit(target, 'connect', 1)).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_RESERVED_EVENT');
      expect(() => server.emit(target, '__proto__', 1)).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_INVALID_EVENT');
      expect(() => server.broadcast('x'.repeat(300), 1)).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_EVENT_TOO_LARGE');
      expect(() => server.broadcast('big', 'é'.repeat(200))).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_FRAME_TOO_LARGE');
    });
  });

  describe(`assured profile on ${lane.name}`, () => {
    if (!lane.assured) {
      it('refuses to start: no mutual TLS on this transport (ERR_IPC_ASSURED_TRANSPORT, thrown by start())', () => {
        const ipc = freshIpc((config) => {
          config.parser = 'assured';
          config.allowedEvents = ['ok'];
        });
        ipc.serveNet(lane.name === 'udp6' ? '::1' : '127.0.0.1', 0, lane.name === 'tcp' ? undefined : lane.name as 'udp4');
        expect(() => ipc.server.start()).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_ASSURED_TRANSPORT');
      });
      return;
    }

    it('delivers listed events and refuses an unlisted one without naming it (ERR_IPC_EVENT_NOT_ALLOWED)', async () => {
      const server = await openLane(lane, (config) => {
        config.parser = 'assured';
        config.allowedEvents = new Set(['ok']);
      });
      if (server === null) return;
      const attacker = await lane.attack(server);
      const ok = nextEvent(server, 'ok');
      attacker.send('{"type":"ok","data":1}\f');
      expect((await ok)[0]).toBe(1);
      await expectRefused(lane, server, '{"type":"secret.unlisted.name","data":1}', 'ERR_IPC_EVENT_NOT_ALLOWED', 'secret.unlisted.name');
    });

    it('refuses reserved names even with allowReservedEvents', async () => {
      const server = await openLane(lane, (config) => {
        config.parser = 'assured';
        config.allowedEvents = ['ok', 'connect'];
        config.allowReservedEvents = true;
      });
      if (server === null) return;
      await expectRefused(lane, server, '{"type":"connect","data":1}', 'ERR_IPC_RESERVED_EVENT');
    });
  });
}
