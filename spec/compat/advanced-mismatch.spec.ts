/**
 * A peer of the other serialization: `json` against `advanced`, either way round, ours and
 * the old `@achrinza/node-ipc` 9.2.9 / 10.1.11. The side that can tell reports
 * ERR_IPC_SERIALIZATION_MISMATCH at the first bytes and closes that connection; nothing
 * crashes. An old peer cannot tell: it publishes node-ipc's own `error` event,
 * `{message: 'Invalid JSON response format', ...}`, for each batch it is sent (the end byte of
 * every advanced frame is its delimiter, so it never buffers without bound), and goes on.
 */
import { structuredCloneUnavailable } from '../../src/codec/structured';
import { IpcError } from '../../src/errors';
import { expectErrors, nextEvent, tempDir } from '../helpers/support';
import { INTEROP_TRANSPORTS, OLD_SIDES, OURS, type AnyIpc, type Side } from './peers';

const UNIX = INTEROP_TRANSPORTS[0]!;

/** Bun's node:v8 has no serializer classes: there, 'advanced' throws ERR_IPC_UNSUPPORTED and these specs are pending. */
const UNAVAILABLE = structuredCloneUnavailable();

function requireStructuredClone(): void {
  beforeEach(() => {
    if (UNAVAILABLE !== null) pending(`serialization 'advanced' is not available: ${UNAVAILABLE}`);
  });
}

function json(config: any): void {
  config.maxRetries = 0;
}

function advanced(config: any): void {
  config.serialization = 'advanced';
  config.maxRetries = 0;
}

interface Pair { serverIpc: AnyIpc; server: any; client: any; socket: any }

async function openPair(serverSide: Side, configureServer: (config: any) => void, clientSide: Side, configureClient: (config: any) => void): Promise<Pair> {
  const serverIpc = serverSide.create(configureServer);
  const address = await UNIX.listen(serverSide, serverIpc, tempDir());
  const server = serverIpc.server;
  const accepted = nextEvent(server, 'connect');
  const clientIpc = clientSide.create(configureClient);
  UNIX.connect(clientIpc, 'peer', address);
  const client = clientIpc.of.peer;
  const [[socket]] = await Promise.all([accepted, nextEvent(client, 'connect')]);
  return { serverIpc, server, client, socket };
}

function expectMismatch(err: unknown): void {
  expect(err).toEqual(jasmine.any(IpcError));
  expect((err as IpcError).code).toBe('ERR_IPC_SERIALIZATION_MISMATCH');
}

describe('serialization mismatch between node-ipc-ts peers', () => {
  requireStructuredClone();
  for (const [serverMode, clientMode] of [['json', 'advanced'], ['advanced', 'json']] as const) {
    const configure = (mode: string): ((config: any) => void) => (mode === 'json' ? json : advanced);

    it(`a server set to ${serverMode} reports the first message of a client set to ${clientMode} and closes that connection`, async () => {
      const { server, client, socket } = await openPair(OURS, configure(serverMode), OURS, configure(clientMode));
      // The client's socket is closed under it: a reset may show on its side.
      expectErrors(client, 'ECONNRESET', 'EPIPE');
      const error = nextEvent(server, 'error');
      const gone = nextEvent(server, 'socket.disconnected');
      client.emit('hello', { id: 'peer' });
      const [err, from] = await error;
      expectMismatch(err);
      expect(from).toBe(socket);
      expect((err as IpcError).message).toContain(clientMode === 'json' ? 'The peer sends JSON frames' : "The peer sends serialization 'advanced' frames");
      await gone;
      await nextEvent(client, 'destroy');
    });

    it(`a client set to ${clientMode} reports the first message of a server set to ${serverMode} and closes`, async () => {
      const { server, client, socket } = await openPair(OURS, configure(serverMode), OURS, configure(clientMode));
      const error = nextEvent(client, 'error');
      const destroyed = nextEvent(client, 'destroy');
      const gone = nextEvent(server, 'socket.disconnected');
      server.emit(socket, 'welcome', { n: 1 });
      expectMismatch((await error)[0]);
      await destroyed;
      await gone;
    });
  }
});

for (const old of OLD_SIDES) {
  describe(`serialization mismatch with ${old.name}`, () => {
    requireStructuredClone();
    it('an old server sent advanced frames publishes its Invalid JSON error per batch, buffers nothing, and goes on', async () => {
      const { server, client } = await openPair(old, json, OURS, advanced);
      const oldError = nextEvent(server, 'error');
      client.emit('hello', { id: 'peer', bytes: Buffer.from([1, 2, 3]) });
      const [data] = await oldError;
      expect(data.message).toBe('Invalid JSON response format');
      // The end byte (the old delimiter) let the old server empty its buffer.
      expect(server.sockets[0].ipcBuffer).toBe('');
      const again = nextEvent(server, 'error');
      client.emit('more', new Map([['x', 'y'.repeat(100_000)]]));
      expect((await again)[0].message).toBe('Invalid JSON response format');
      expect(server.sockets[0].ipcBuffer).toBe('');
    });

    it('an old client sent advanced frames publishes its Invalid JSON error and goes on', async () => {
      const { server, client, socket } = await openPair(OURS, advanced, old, json);
      const oldError = nextEvent(client, 'error');
      server.emit(socket, 'welcome', new Set([1]));
      expect((await oldError)[0].message).toBe('Invalid JSON response format');
    });

    it('our advanced server reports an old client\'s first JSON message and closes that connection', async () => {
      const { server, client, socket } = await openPair(OURS, advanced, old, json);
      const error = nextEvent(server, 'error');
      const gone = nextEvent(server, 'socket.disconnected');
      client.emit('hello', { id: 'old' });
      const [err, from] = await error;
      expectMismatch(err);
      expect(from).toBe(socket);
      await gone;
    });

    it('our advanced client reports an old server\'s first JSON message and closes', async () => {
      const { server, client, socket } = await openPair(old, json, OURS, advanced);
      const error = nextEvent(client, 'error');
      const destroyed = nextEvent(client, 'destroy');
      server.emit(socket, 'welcome', { n: 1 });
      expectMismatch((await error)[0]);
      await destroyed;
    });
  });
}

describe('serialization advanced in a runtime whose node:v8 cannot serialize', () => {
  it('throws ERR_IPC_UNSUPPORTED when the client or server is made, and JSON still works', async () => {
    if (UNAVAILABLE === null) pending('this runtime has node:v8 serializers (Node): nothing to refuse');
    const refused = OURS.create(advanced);
    expect(() => refused.serve(`${tempDir()}/a.sock`)).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_UNSUPPORTED');
    const { server, client, socket } = await openPair(OURS, json, OURS, json);
    const hello = nextEvent(client, 'hello');
    server.emit(socket, 'hello', { ok: true });
    expect((await hello)[0]).toEqual({ ok: true });
  });
});
