/**
 * Every public method given a wrong argument type throws a TypeError naming the argument
 * (Node's wording and code ERR_INVALID_ARG_TYPE), synchronously, and changes nothing.
 */
import type { Client } from '../../src/client';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { freshIpc, nextEvent, started, tempDir } from '../helpers/support';

type Call = [string, (ipc: IPCModule, server: Server, client: Client) => unknown, string];

const noop = (): void => undefined;

const CALLS: Call[] = [
  ['ipc.connectTo(42)', (ipc) => ipc.connectTo(42 as never), 'id'],
  ['ipc.connectTo("")', (ipc) => ipc.connectTo(''), 'id'],
  ['ipc.connectTo(id, {})', (ipc) => ipc.connectTo('x', {} as never), 'path'],
  ['ipc.connectTo(id, path, 5)', (ipc) => ipc.connectTo('x', '/tmp/x', 5 as never), 'callback'],
  ['ipc.connectToNet(null)', (ipc) => ipc.connectToNet(null as never), 'id'],
  ['ipc.connectToNet(id, host, -1)', (ipc) => ipc.connectToNet('x', 'h', -1), 'port'],
  ['ipc.connectToNet(id, host, 1.5)', (ipc) => ipc.connectToNet('x', 'h', 1.5), 'port'],
  ['ipc.connectToNet(id, host, 70000)', (ipc) => ipc.connectToNet('x', 'h', 70000), 'port'],
  ['ipc.connectToNet(id, {}, 80)', (ipc) => ipc.connectToNet('x', {} as never, 80), 'host'],
  ['ipc.connectToNet(id, host, 80, "cb")', (ipc) => ipc.connectToNet('x', 'h', 80, 'cb' as never), 'callback'],
  ['ipc.disconnect(1)', (ipc) => ipc.disconnect(1 as never), 'id'],
  ['ipc.disconnect()', (ipc) => (ipc.disconnect as (id?: string) => void)(), 'id'],
  ['ipc.serve(1)', (ipc) => ipc.serve(1 as never), 'path'],
  ['ipc.serve(path, {})', (ipc) => ipc.serve('/tmp/x', {} as never), 'callback'],
  ['ipc.serveNet({})', (ipc) => ipc.serveNet({} as never), 'host'],
  ['ipc.serveNet(host, "80")', (ipc) => ipc.serveNet('h', '80' as never), 'port'],
  ['ipc.serveNet(host, 99999)', (ipc) => ipc.serveNet('h', 99999), 'port'],
  ['ipc.serveNet(host, 80, "tcp")', (ipc) => ipc.serveNet('h', 80, 'tcp' as never), 'UDPType'],
  ['ipc.serveNet(host, 80, "udp4", 1)', (ipc) => ipc.serveNet('h', 80, 'udp4', 1 as never), 'callback'],
  ['client.emit(42)', (_i, _s, client) => client.emit(42), 'type'],
  ['client.emit("")', (_i, _s, client) => client.emit(''), 'type'],
  ['client.on(1, fn)', (_i, _s, client) => client.on(1 as never, noop), 'type'],
  ['client.on(type, "fn")', (_i, _s, client) => client.on('t', 'fn' as never), 'handler'],
  ['client.once(type, null)', (_i, _s, client) => client.once('t', null as never), 'handler'],
  ['client.off(type, 3)', (_i, _s, client) => { client.on('t', noop); return client.off('t', 3 as never); }, 'handler'],
  ['client.off(null, fn)', (_i, _s, client) => client.off(null as never, noop), 'type'],
  ['client.publish(1)', (_i, _s, client) => client.publish(1 as never), 'type'],
  ['server.emit(null, type)', (_i, server) => server.emit(null as never, 't'), 'socket'],
  ['server.emit("socket", type)', (_i, server) => server.emit('s' as never, 't'), 'socket'],
  ['server.emit({}, type)', (_i, server) => server.emit({}, 't'), 'socket'],
  ['server.emit(socket, 5)', (_i, server) => server.emit(server.sockets[0]!, 5), 'type'],
  ['server.broadcast(undefined)', (_i, server) => server.broadcast(undefined), 'type'],
  ['server.broadcast({})', (_i, server) => server.broadcast({}), 'type'],
  ['server.on(type, 1)', (_i, server) => server.on('t', 1 as never), 'handler'],
  ['server.off(type, {})', (_i, server) => { server.on('t', noop); return server.off('t', {} as never); }, 'handler'],
  ['server.publish(Symbol)', (_i, server) => server.publish(Symbol('x') as never), 'type'],
  ['server.listenerCount(1)', (_i, server) => server.listenerCount(1 as never), 'type'],
];

describe('wrong argument types', () => {
  async function setup(): Promise<{ ipc: IPCModule; server: Server; client: Client }> {
    const ipc = freshIpc();
    ipc.serve(`${tempDir()}/a.sock`);
    const server = await started(ipc.server);
    const accepted = nextEvent(server, 'connect');
    ipc.connectTo('c', server.path);
    const client = ipc.of.c!;
    await nextEvent(client, 'connect');
    await accepted;
    return { ipc, server, client };
  }

  for (const [name, call, argument] of CALLS) {
    it(`${name} throws a TypeError naming "${argument}"`, async () => {
      const { ipc, server, client } = await setup();
      const ofBefore = Object.keys(ipc.of);
      const serverBefore = ipc.server;
      let thrown: unknown;
      try {
        call(ipc, server, client);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toEqual(jasmine.any(TypeError));
      expect((thrown as TypeError).message).toContain(`"${argument}" argument`);
      expect((thrown as { code?: string }).code).toBe('ERR_INVALID_ARG_TYPE');
      expect(Object.keys(ipc.of)).toEqual(ofBefore);
      expect(ipc.server).toBe(serverBefore);
    });
  }
});
