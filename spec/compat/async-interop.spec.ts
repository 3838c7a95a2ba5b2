/**
 * The async API against `@achrinza/node-ipc` 9.2.9 and 10.1.11: requests and replies are
 * ordinary messages, so an old peer answers with nothing but `on` and `emit`, in the shape
 * the README's protocol section documents (the snippets below are that documentation, run).
 *
 * - old server answering our client's `request()`, with a value and with a failure;
 * - our server's `handle()` answering an old client that sends the documented envelope;
 * - an old client answering our server's `request(socket, ...)`;
 * - an old server keeps `socket.id` as it was: the envelope carries no `id` key.
 */
import type { Client } from '../../src/client';
import { IpcError } from '../../src/errors';
import { nextEvent, tempDir } from '../helpers/support';
import { INTEROP_TRANSPORTS, OLD_SIDES, OURS, type Address, type AnyIpc, type Side } from './peers';

const TRANSPORTS = INTEROP_TRANSPORTS.filter((t) => t.name === 'unix' || t.name === 'tcp');

interface Pair {
  serverIpc: AnyIpc;
  clientIpc: AnyIpc;
  server: any;
  client: any;
  socket: any;
  address: Address;
}

async function openPair(serverSide: Side, clientSide: Side, transport: (typeof TRANSPORTS)[number]): Promise<Pair> {
  const dir = tempDir();
  const serverIpc = serverSide.create((config) => transport.configureServer(config));
  const address = await transport.listen(serverSide, serverIpc, dir);
  const server = serverIpc.server;
  const accepted = nextEvent(server, 'connect');
  const clientIpc = clientSide.create((config) => transport.configureClient(config));
  transport.connect(clientIpc, 'peer', address);
  const client = clientIpc.of.peer;
  const [[socket]] = await Promise.all([accepted, nextEvent(client, 'connect')]);
  return { serverIpc, clientIpc, server, client, socket, address };
}

for (const old of OLD_SIDES) {
  for (const transport of TRANSPORTS) {
    describe(`async interop with ${old.name} (${transport.name})`, () => {
      it('an old server answers our request() with on + emit', async () => {
        const { serverIpc, client, server } = await openPair(old, OURS, transport);
        // README "Protocol": a node-ipc 9/10 server answering requests.
        serverIpc.server.on('add', (req: any, socket: any) => {
          serverIpc.server.emit(socket, 'ipc.reply', { reply: req.request, data: req.data.a + req.data.b });
        });
        serverIpc.server.on('divide', (req: any, socket: any) => {
          if (req.data.by === 0) {
            serverIpc.server.emit(socket, 'ipc.reply', { reply: req.request, error: { name: 'RangeError', message: 'division by zero', code: 'E_DIV_ZERO' } });
          } else {
            serverIpc.server.emit(socket, 'ipc.reply', { reply: req.request, data: req.data.n / req.data.by });
          }
        });
        const ours = client as Client;
        const sums = await Promise.all([ours.request('add', { a: 1, b: 2 }), ours.request('add', { a: 40, b: 2 })]);
        expect(sums).toEqual([3, 42]);
        expect(await ours.request('divide', { n: 9, by: 3 })).toBe(3);
        const err = await ours.request('divide', { n: 1, by: 0 }).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(IpcError);
        expect((err as IpcError).code).toBe('ERR_IPC_REMOTE');
        expect((err as IpcError & { remote: unknown }).remote).toEqual({ name: 'RangeError', message: 'division by zero', code: 'E_DIV_ZERO' });
        // The request did not announce an id: the old server's socket.id is untouched.
        expect(server.sockets[0].id).toBeUndefined();
      });

      it('our server handle() answers an old client that sends the documented envelope', async () => {
        const { server, client } = await openPair(OURS, old, transport);
        server.handle('add', ({ a, b }: { a: number; b: number }) => a + b);
        server.handle('fail', () => {
          throw Object.assign(new Error('no such account'), { code: 'E_ACCOUNT' });
        });
        // README "Protocol": a node-ipc 9/10 client making requests.
        const replies = new Map<number, any>();
        const replied = new Promise<void>((resolve) => {
          client.on('ipc.reply', (reply: any) => {
            replies.set(reply.reply, reply);
            if (replies.size === 3) resolve();
          });
        });
        client.emit('add', { request: 1, data: { a: 2, b: 3 } });
        client.emit('fail', { request: 2, data: null });
        client.emit('missing', { request: 3 });
        await replied;
        expect(replies.get(1)).toEqual({ reply: 1, data: 5 });
        expect(replies.get(2)).toEqual({ reply: 2, error: { name: 'Error', message: 'no such account', code: 'E_ACCOUNT' } });
        expect(replies.get(3).error.code).toBe('ERR_IPC_NO_HANDLER');
      });

      it('an old client answers our server request(socket, ...)', async () => {
        const { server, client, socket } = await openPair(OURS, old, transport);
        client.on('status', (req: any) => {
          client.emit('ipc.reply', { reply: req.request, data: { up: true, asked: req.data } });
        });
        const results = await Promise.all([server.request(socket, 'status', 'a'), server.request(socket, 'status', 'b')]);
        expect(results).toEqual([{ up: true, asked: 'a' }, { up: true, asked: 'b' }]);
      });
    });
  }
}
