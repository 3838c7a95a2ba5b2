/**
 * A server with `serialization: 'advanced'` fed hostile bytes by raw peers: random bytes,
 * JSON, a giant length header, a header over maxMessageSize whose body never comes, bytes V8
 * refuses, nesting deeper than the stack, a length that lies, a frame left unfinished
 * (slowloris: messageTimeout). Each is one coded `error` naming that peer's socket, that
 * connection is closed, and the server goes on serving a good client.
 */
import type { Socket } from 'node:net';
import type { Client } from '../../src/client';
import { IpcError } from '../../src/errors';
import type { Server } from '../../src/server';
import { frameOf, v8Body, wireOf } from '../helpers/advanced';
import { HARD_TRANSPORTS, closedWithin, rawPeer } from '../helpers/hardening';
import { freshIpc, nextEvent, tempDir } from '../helpers/support';

const MAX = 1024 * 1024;

/** A header announcing `length` body bytes, and nothing more. */
function headerOnly(length: number): Buffer {
  return frameOf(Buffer.alloc(0), length).subarray(0, 5);
}

/** A frame whose length says one byte less than its body has. */
function lyingFrame(): Buffer {
  const frame = Buffer.from(wireOf('a', 'abc'));
  frame.writeUInt32BE(frame.readUInt32BE(1) - 1, 1);
  return frame;
}

const CASES: Array<{ label: string; bytes: () => Buffer; code: string }> = [
  { label: 'random bytes', bytes: () => Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 7919 + 1) % 251)), code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'a JSON frame (a peer set to json)', bytes: () => Buffer.from('{"type":"hello","data":{"id":"x"}}\f'), code: 'ERR_IPC_SERIALIZATION_MISMATCH' },
  { label: 'a giant length header (4 GiB - 1), nothing after it', bytes: () => headerOnly(0xffffffff), code: 'ERR_IPC_FRAME_TOO_LARGE' },
  { label: 'a header one byte over maxMessageSize', bytes: () => headerOnly(MAX + 1), code: 'ERR_IPC_FRAME_TOO_LARGE' },
  { label: 'bytes V8 refuses', bytes: () => frameOf(Buffer.from([0xff, 0x0f, 0x22, 0x05, 0x61])), code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'a V8 version from the future', bytes: () => frameOf(Buffer.from([0xff, 0x7f, 0x22, 0x01, 0x61, 0x30])), code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'nesting deeper than the stack', bytes: () => frameOf(v8Body('deep', Buffer.alloc(500_000, 0x6f))), code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'a dense array announcing 268 million elements', bytes: () => frameOf(v8Body('t', Buffer.from([0x41, 0xff, 0xff, 0xff, 0x7f]))), code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'a string announcing 268 MB', bytes: () => frameOf(v8Body('t', Buffer.from([0x22, 0xff, 0xff, 0xff, 0x7f]))), code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'an unknown host object kind', bytes: () => frameOf(v8Body('t', Buffer.from([0x5c, 99, 1, 0]))), code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'a length that lies', bytes: lyingFrame, code: 'ERR_IPC_INVALID_FRAME' },
  { label: 'a type that is not a string', bytes: () => frameOf(v8Body(42, Buffer.from([0x49, 0x02]))), code: 'ERR_IPC_INVALID_EVENT' },
  { label: 'a JSON body that is not JSON', bytes: () => frameOf(Buffer.from('{"type":"a",')), code: 'ERR_IPC_INVALID_JSON' },
];

for (const transport of HARD_TRANSPORTS) {
  describe(`an advanced ${transport.name} server fed hostile frames`, () => {
    async function setUp(): Promise<{ server: Server; client: Client }> {
      const server = await transport.serve(freshIpc((config) => {
        config.serialization = 'advanced';
        config.maxMessageSize = MAX;
        config.messageTimeout = 300;
      }), tempDir());
      const clientIpc = freshIpc((config) => { config.serialization = 'advanced'; });
      const accepted = nextEvent(server, 'connect');
      transport.connect(clientIpc, 'good', server);
      const client = clientIpc.of.good as Client;
      await Promise.all([nextEvent(client, 'connect'), accepted]);
      server.on('ping', (data: unknown, socket: Socket) => server.emit(socket, 'pong', data));
      return { server, client };
    }

    async function attack(server: Server, bytes: Buffer): Promise<[IpcError, Socket]> {
      const accepted = nextEvent(server, 'connect');
      const raw = await rawPeer(server, transport.name === 'tls');
      raw.on('error', () => undefined);
      const [socket] = await accepted;
      const error = nextEvent(server, 'error');
      raw.write(bytes);
      const [err, from] = await error;
      expect(from).withContext('the error names the attacking socket').toBe(socket);
      await closedWithin(raw);
      return [err as IpcError, socket as Socket];
    }

    it('reports each case once with its code, closes that connection and keeps serving', async () => {
      const { server, client } = await setUp();
      for (const { label, bytes, code } of CASES) {
        const [err] = await attack(server, bytes());
        expect(err).withContext(label).toEqual(jasmine.any(IpcError));
        expect(err.code).withContext(label).toBe(code);
        const pong = nextEvent(client, 'pong');
        client.emit('ping', new Map([[label, 1n]]));
        expect((await pong)[0]).withContext(`after ${label}`).toEqual(new Map([[label, 1n]]));
      }
      expect(server.sockets.length).toBe(1);
    });

    it('closes a peer that leaves a frame unfinished after messageTimeout; one that hangs up mid-frame costs nothing', async () => {
      const { server, client } = await setUp();
      // Slowloris: a header promising 1000 bytes, 10 of them sent.
      const [err] = await attack(server, Buffer.concat([headerOnly(1000), Buffer.alloc(10)]));
      expect(err.code).toBe('ERR_IPC_MESSAGE_TIMEOUT');
      // A truncated frame, then the peer ends: discarded as unfinished, no error (as on the JSON path).
      const accepted = nextEvent(server, 'connect');
      const raw = await rawPeer(server, transport.name === 'tls');
      raw.on('error', () => undefined);
      await accepted;
      const gone = nextEvent(server, 'socket.disconnected');
      raw.end(wireOf('a', new Set([1])).subarray(0, 12));
      await gone;
      const pong = nextEvent(client, 'pong');
      client.emit('ping', 1n);
      expect((await pong)[0]).toBe(1n);
    });
  });
}
