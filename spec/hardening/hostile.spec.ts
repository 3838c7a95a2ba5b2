/**
 * A live server fed 10,000 random and malformed frames from raw peers stays up, keeps
 * serving a good client, reports each bad frame once as an `error` with a code, and leaks
 * no listener, timer or handle.
 */
import type { Socket } from 'node:net';
import { IpcError } from '../../src/errors';
import { expectErrors, freshIpc, nextEvent, tempDir } from '../helpers/support';
import { HARD_TRANSPORTS, closedWithin, quiesced, rawPeer, resourceCounts, sameCounts, until } from '../helpers/hardening';

const MAX = 4096;
const FRAMES = 10_000;
const PEERS = 10;

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Garbage {
  bytes: Buffer;
  /** True when the frame is not a {type: string} envelope: exactly one error expected. */
  bad: boolean;
}

/** One frame of garbage (or of valid but hostile content), without its delimiter. */
function garbage(random: () => number): Garbage {
  const pick = Math.floor(random() * 12);
  const text = (s: string, bad: boolean): Garbage => ({ bytes: Buffer.from(s, 'utf8'), bad });
  switch (pick) {
    case 0: { // random bytes behind a '}' that no JSON text starts with
      const bytes = Buffer.alloc(1 + Math.floor(random() * 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      bytes[0] = 0x7d;
      return { bytes: Buffer.from(bytes.toString('latin1').replace(/\f/g, ' '), 'latin1'), bad: true };
    }
    case 1: return text('{"type":"truncated","data":', true);
    case 2: return text(['1', '"text"', 'null', 'true', '[]', '[{"type":"x"}]'][Math.floor(random() * 6)] as string, true);
    case 3: return text(['{}', '{"type":1}', '{"type":null,"data":2}', '{"type":{"a":1}}'][Math.floor(random() * 4)] as string, true);
    case 4: return text('', true);
    case 5: return text(`{"type":"${['__proto__', 'constructor', 'toString', 'hasOwnProperty'][Math.floor(random() * 4)]}","data":{"__proto__":{"polluted":true}}}`, false);
    case 6: return text('{"type":"num","data":[1e400,-1e400,123456789012345678901234567890,5e-400]}', false);
    case 7: { // deep nesting, within the size limit
      const depth = 1 + Math.floor(random() * 1500);
      return text(`{"type":"deep","data":${'['.repeat(depth)}${']'.repeat(depth)}}`, false);
    }
    case 8: return text('{"type":"deep-bad","data":' + '['.repeat(1000), true);
    case 9: // invalid UTF-8 inside a string: decoded with replacement characters, not a fault
      return { bytes: Buffer.concat([Buffer.from('{"type":"utf","data":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]), bad: false };
    case 10: return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xff]), Buffer.from('{"type":"bom"}')]), bad: true };
    default: return text('{"type":"error","data":"a peer naming its message error"}', false);
  }
}

for (const transport of HARD_TRANSPORTS) {
  describe(`a ${transport.name} server fed garbage`, () => {
    it(`survives ${FRAMES} hostile frames, reports each fault once, keeps serving and leaks nothing`, async () => {
      const dir = tempDir();
      const serverIpc = freshIpc((config) => { config.maxMessageSize = MAX; });
      const server = await transport.serve(serverIpc, dir);
      const clientIpc = freshIpc();
      const serverConnect = nextEvent(server, 'connect');
      transport.connect(clientIpc, 'good', server);
      const client = clientIpc.of.good!;
      await nextEvent(client, 'connect');
      await serverConnect;
      server.on('ping', (data: unknown, socket: Socket) => server.emit(socket, 'pong', data));
      const pong1 = nextEvent(client, 'pong');
      client.emit('ping', 1);
      expect((await pong1)[0]).toBe(1);

      // The bad frames' errors are counted and checked below, and a peer may name its message 'error'.
      expectErrors(server);
      const before = await quiesced();
      const listenersBefore = server.eventNames().map((name) => [name, server.listenerCount(name)]);
      const errors: Array<[Error, unknown]> = [];
      let delivered = 0;
      // A peer may name its message 'error' (node-ipc publishes it under that name): not a fault.
      const onError = (err: unknown, socket: unknown): void => {
        if (err instanceof IpcError) errors.push([err, socket]);
        else delivered++;
      };
      server.on('error', onError);
      const onAny = (type: string): void => {
        if (type !== 'error' && type !== 'connect' && type !== 'socket.disconnected') delivered++;
      };
      server.on('*', onAny);

      const random = prng(0x1bad5eed);
      const peers: Socket[] = [];
      // The server's socket of each raw peer, in the order the peers connected.
      const serverSockets: Socket[] = [];
      for (let p = 0; p < PEERS; p++) {
        const accepted = nextEvent(server, 'connect');
        peers.push(await rawPeer(server, transport.name === 'tls'));
        serverSockets.push((await accepted)[0] as Socket);
      }
      expect(new Set(serverSockets).size).toBe(PEERS);
      let bad = 0;
      const expectedPerPeer = new Map<Socket, number>();
      for (let i = 0; i < FRAMES; i++) {
        const peer = peers[i % PEERS] as Socket;
        const frame = garbage(random);
        if (frame.bad) {
          bad++;
          expectedPerPeer.set(peer, (expectedPerPeer.get(peer) ?? 0) + 1);
        }
        peer.write(Buffer.concat([frame.bytes, Buffer.from('\f')]));
      }
      await until(() => errors.length + delivered >= FRAMES, `${FRAMES} frames were handled`, 20000);

      expect(errors.length).toBe(bad);
      for (const [err] of errors) {
        expect(err).toEqual(jasmine.any(IpcError));
        expect(['ERR_IPC_INVALID_JSON', 'ERR_IPC_INVALID_MESSAGE', 'ERR_IPC_INVALID_EVENT']).toContain((err as IpcError).code);
      }
      // Each error names the exact socket the bad frame came from: per peer, as many errors
      // as that peer sent bad frames.
      const perSocket = new Map<unknown, number>();
      for (const [, socket] of errors) perSocket.set(socket, (perSocket.get(socket) ?? 0) + 1);
      expect(peers.map((_, p) => perSocket.get(serverSockets[p]) ?? 0)).toEqual(peers.map((peer) => expectedPerPeer.get(peer) ?? 0));
      expect([...perSocket.keys()].every((socket) => serverSockets.includes(socket as Socket))).withContext('no error names another socket').toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();

      // A frame just over the limit closes that peer only, with one error.
      errors.length = 0;
      const overAccepted = nextEvent(server, 'connect');
      const over = await rawPeer(server, transport.name === 'tls');
      const [overSocket] = await overAccepted;
      over.on('error', () => undefined);
      over.write(Buffer.alloc(MAX + 1, 'a'));
      over.write('\f');
      await closedWithin(over);
      await until(() => errors.length >= 1, 'the oversize frame was reported');
      expect(errors.length).toBe(1);
      expect((errors[0]?.[0] as IpcError).code).toBe('ERR_IPC_FRAME_TOO_LARGE');
      expect(errors[0]?.[1]).withContext('the oversize error names its socket').toBe(overSocket);

      for (const peer of peers) peer.destroy();
      await Promise.all(peers.map((peer) => closedWithin(peer)));
      await until(() => server.sockets.length === 1, 'the server dropped the raw peers');
      const pong2 = nextEvent(client, 'pong');
      client.emit('ping', 2);
      expect((await pong2)[0]).toBe(2);

      server.off('error', onError);
      server.off('*', onAny);
      expect(server.eventNames().map((name) => [name, server.listenerCount(name)])).toEqual(listenersBefore);
      await until(() => sameCounts(resourceCounts(), before), 'handles and timers are back to where they were', 4000).catch(() => undefined);
      expect(resourceCounts()).toEqual(before);
    }, 30000);
  });
}
