/**
 * Wrong arguments to public methods. The rule (README "Warnings"): where @achrinza/node-ipc
 * 9.2.9 AND 10.1.11 went on, we go on and do what they did, and tell the programmer once per
 * process with a `NODEIPC_*` warning; where either of them failed (threw, or the call crashed
 * later: at `server.start()`, when the event fires, or in the receiving peer), we throw a
 * TypeError naming the argument (Node's wording, code ERR_INVALID_ARG_TYPE), synchronously,
 * changing nothing. Code that failed on one of the versions we replace was never portable.
 *
 * Each case records what each old version did: every call was run against both packages
 * (a connected Unix client and server of that version, the same call, 200 ms for late crashes).
 * That the warnings are emitted once per process is asserted in a child process by
 * spec/compat/tolerated-calls.spec.ts.
 */
import type { Client } from '../../src/client';
import type { IpcWarningCode } from '../../src/errors';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { freshIpc, nextEvent, started, tempDir } from '../helpers/support';

type Call = (ipc: IPCModule, server: Server, client: Client) => unknown;

interface Case {
  name: string;
  call: Call;
  /** What @achrinza/node-ipc 9.2.9 did. */
  v9: string;
  /** What @achrinza/node-ipc 10.1.11 did. */
  v10: string;
  /** Ours: throws a TypeError naming this argument... */
  throws?: string;
  /** ...or warns once with this code and goes on; `then` checks it did what the old versions did. */
  warns?: IpcWarningCode;
  then?: (ipc: IPCModule, server: Server, client: Client) => Promise<void> | void;
}

const noop = (): void => undefined;
const RECEIVER_CRASH = 'sent it; a 10.1.11 receiver then crashed (uncaught TypeError from event-pubsub: type must be a string)';

const CASES: Case[] = [
  {
    name: 'ipc.connectTo(42)', call: (ipc) => ipc.connectTo(42 as never),
    v9: "went on: registered of['42'] and dialled socketRoot + appspace + 42", v10: 'the same',
    warns: 'NODEIPC_ID_NOT_STRING',
    then: (ipc) => {
      expect(ipc.of['42']!.path).toBe('/tmp/app.42');
      // The old client kept the number itself in client.id; ours holds its string, the key.
      expect(ipc.of['42']!.id).toBe('42');
    },
  },
  {
    name: 'ipc.connectTo("")', call: (ipc) => ipc.connectTo(''),
    v9: "logged 'Service id required' and returned", v10: 'the same', warns: 'NODEIPC_NO_ID',
  },
  {
    name: 'ipc.connectTo()', call: (ipc) => (ipc.connectTo as () => void)(),
    v9: "logged 'Service id required' and returned", v10: 'the same', warns: 'NODEIPC_NO_ID',
  },
  {
    name: 'ipc.connectTo(id, {})', call: (ipc) => ipc.connectTo('x', {} as never),
    v9: 'registered of.x, then net.connect threw TypeError (options.path)', v10: 'the same', throws: 'path',
  },
  {
    name: 'ipc.connectTo(id, path, 5)', call: (ipc) => ipc.connectTo('x', '/tmp/x', 5 as never),
    v9: "registered and dialled, then threw TypeError 'callback is not a function'", v10: 'the same', throws: 'callback',
  },
  {
    name: 'ipc.connectToNet(null)', call: (ipc) => ipc.connectToNet(null as never),
    v9: "logged 'Service id required' and returned", v10: 'the same', warns: 'NODEIPC_NO_ID',
  },
  {
    name: 'ipc.connectToNet()', call: (ipc) => (ipc.connectToNet as () => void)(),
    v9: "logged 'Service id required' and returned", v10: 'the same', warns: 'NODEIPC_NO_ID',
  },
  {
    name: 'ipc.connectToNet(id, host, -1)', call: (ipc) => ipc.connectToNet('x', 'h', -1),
    v9: 'registered of.x, then net.connect threw RangeError (port)', v10: 'the same', throws: 'port',
  },
  {
    name: 'ipc.connectToNet(id, host, 1.5)', call: (ipc) => ipc.connectToNet('x', 'h', 1.5),
    v9: 'registered of.x, then net.connect threw RangeError (port)', v10: 'the same', throws: 'port',
  },
  {
    name: 'ipc.connectToNet(id, host, 70000)', call: (ipc) => ipc.connectToNet('x', 'h', 70000),
    v9: 'registered of.x, then net.connect threw RangeError (port)', v10: 'the same', throws: 'port',
  },
  {
    name: 'ipc.connectToNet(id, {}, 80)', call: (ipc) => ipc.connectToNet('x', {} as never, 80),
    v9: 'registered of.x, then net.connect threw TypeError (hostname)', v10: 'the same', throws: 'host',
  },
  {
    name: 'ipc.connectToNet(id, host, 80, "cb")', call: (ipc) => ipc.connectToNet('x', 'h', 80, 'cb' as never),
    v9: "threw ReferenceError 'UDPType is not defined'",
    v10: "went on: ignored 'cb' (assigned it to an undeclared global UDPType), registered and dialled",
    throws: 'callback',
  },
  {
    name: 'ipc.disconnect(1)', call: (ipc) => ipc.disconnect(1 as never),
    v9: 'looked up of[1], found nothing, returned', v10: 'the same', warns: 'NODEIPC_ID_NOT_STRING',
    then: (ipc) => expect(Object.keys(ipc.of)).toEqual(['c']),
  },
  {
    name: 'ipc.disconnect()', call: (ipc) => (ipc.disconnect as (id?: string) => void)(),
    v9: 'looked up of[undefined], found nothing, returned', v10: 'the same', warns: 'NODEIPC_NO_ID',
  },
  {
    name: 'ipc.serve(1)', call: (ipc) => ipc.serve(1 as never),
    v9: 'made a server with path 1; server.start() then threw TypeError (listen options)', v10: 'the same', throws: 'path',
  },
  {
    name: 'ipc.serve(path, {})', call: (ipc) => ipc.serve('/tmp/x', {} as never),
    v9: "registered {} as a 'start' handler: server.start() then crashes calling it",
    v10: 'threw TypeError (event-pubsub: expected a function)', throws: 'callback',
  },
  {
    name: 'ipc.serveNet({})', call: (ipc) => ipc.serveNet({} as never),
    v9: "threw TypeError 'host.toLowerCase is not a function'", v10: 'the same', throws: 'host',
  },
  {
    name: 'ipc.serveNet(host, "80")', call: (ipc) => ipc.serveNet('h', '80' as never),
    v9: "went on: took '80' as the UDP type (server['80'] = true) and served TCP on config.networkPort", v10: 'the same',
    warns: 'NODEIPC_UNKNOWN_UDP_TYPE',
    then: (ipc) => {
      expect(ipc.server.path).toBe('h');
      expect(ipc.server.port).toBe(ipc.config.networkPort);
      expect(ipc.server.udp4 || ipc.server.udp6).toBe(false);
    },
  },
  {
    name: 'ipc.serveNet(host, 99999)', call: (ipc) => ipc.serveNet('h', 99999),
    v9: 'made the server; server.start() then threw RangeError (port)', v10: 'the same', throws: 'port',
  },
  {
    name: 'ipc.serveNet(host, 80, "tcp")', call: (ipc) => ipc.serveNet('h', 80, 'tcp' as never),
    v9: "went on: server.tcp = true, a TCP server on port 80", v10: 'the same',
    warns: 'NODEIPC_UNKNOWN_UDP_TYPE',
    then: (ipc) => {
      expect(ipc.server.port).toBe(80);
      expect(ipc.server.udp4 || ipc.server.udp6).toBe(false);
    },
  },
  {
    name: 'ipc.serveNet(host, 80, "udp4", 1)', call: (ipc) => ipc.serveNet('h', 80, 'udp4', 1 as never),
    v9: "registered 1 as a 'start' handler: server.start() then crashes calling it",
    v10: 'threw TypeError (event-pubsub: expected a function)', throws: 'callback',
  },
  {
    name: 'client.emit(42)', call: (_i, _s, client) => client.emit(42),
    v9: "sent {type: 42}; a 9.2.9 receiver publishes it under '42'", v10: RECEIVER_CRASH, throws: 'type',
  },
  {
    name: 'client.emit("")', call: (_i, _s, client) => client.emit(''),
    v9: "went on: sent {type: '', data: {}}; receivers publish it under ''", v10: 'the same', warns: 'NODEIPC_EMPTY_TYPE',
    then: async (_i, server) => {
      const [data] = await nextEvent(server, '');
      expect(data).toEqual({});
    },
  },
  {
    name: 'client.on(1, fn)', call: (_i, _s, client) => client.on(1 as never, noop),
    v9: "registered the handler under '1'", v10: 'threw TypeError (event-pubsub: expected a string)', throws: 'type',
  },
  {
    name: 'client.on(type, "fn")', call: (_i, _s, client) => client.on('t', 'fn' as never),
    v9: "registered it; publishing 't' then throws 'handler.apply is not a function'",
    v10: 'threw TypeError (event-pubsub: expected a function)', throws: 'handler',
  },
  {
    name: 'client.once(type, null)', call: (_i, _s, client) => client.once('t', null as never),
    v9: "threw ReferenceError 'handler not defined.'", v10: 'threw TypeError (event-pubsub: expected a function)', throws: 'handler',
  },
  {
    name: 'client.off(type, 3)', call: (_i, _s, client) => { client.on('t', noop); return client.off('t', 3 as never); },
    v9: 'removed nothing', v10: 'threw TypeError (event-pubsub: expected a function)', throws: 'handler',
  },
  {
    name: 'client.off(null, fn)', call: (_i, _s, client) => client.off(null as never, noop),
    v9: 'removed nothing', v10: 'threw TypeError (event-pubsub: expected a string)', throws: 'type',
  },
  {
    name: 'client.publish(1)', call: (_i, _s, client) => client.publish(1 as never),
    v9: "published to the handlers of '1'", v10: 'threw TypeError (event-pubsub: expected a string)', throws: 'type',
  },
  {
    name: 'server.emit(null, type)', call: (_i, server) => server.emit(null as never, 't'),
    v9: "threw TypeError (reading 'write' of null)", v10: 'the same', throws: 'socket',
  },
  {
    name: 'server.emit("socket", type)', call: (_i, server) => server.emit('s' as never, 't'),
    v9: "threw TypeError 'socket.write is not a function'", v10: 'the same', throws: 'socket',
  },
  {
    name: 'server.emit({}, type)', call: (_i, server) => server.emit({}, 't'),
    v9: "threw TypeError 'socket.write is not a function'", v10: 'the same', throws: 'socket',
  },
  {
    name: 'server.emit(socket, 5)', call: (_i, server) => server.emit(server.sockets[0]!, 5),
    v9: "sent {type: 5}; a 9.2.9 receiver publishes it under '5'", v10: RECEIVER_CRASH, throws: 'type',
  },
  {
    name: 'server.emit(socket, "")', call: (_i, server) => server.emit(server.sockets[0]!, ''),
    v9: "went on: sent {type: '', data: {}}; receivers publish it under ''", v10: 'the same', warns: 'NODEIPC_EMPTY_TYPE',
    then: async (_i, _s, client) => {
      const [data] = await nextEvent(client, '');
      expect(data).toEqual({});
    },
  },
  {
    name: 'server.broadcast(undefined)', call: (_i, server) => server.broadcast(undefined),
    v9: 'sent {data: {}} (no type); a 9.2.9 receiver publishes it under undefined', v10: RECEIVER_CRASH, throws: 'type',
  },
  {
    name: 'server.broadcast({})', call: (_i, server) => server.broadcast({}),
    v9: 'sent {type: {}}', v10: RECEIVER_CRASH, throws: 'type',
  },
  {
    name: 'server.on(type, 1)', call: (_i, server) => server.on('t', 1 as never),
    v9: "registered it; publishing 't' then throws", v10: 'threw TypeError (event-pubsub: expected a function)', throws: 'handler',
  },
  {
    name: 'server.off(type, {})', call: (_i, server) => { server.on('t', noop); return server.off('t', {} as never); },
    v9: 'removed nothing', v10: 'threw TypeError (event-pubsub: expected a function)', throws: 'handler',
  },
  {
    name: 'server.publish(Symbol)', call: (_i, server) => server.publish(Symbol('x') as never),
    v9: 'threw TypeError (event-pubsub)', v10: 'threw TypeError (event-pubsub: expected a string)', throws: 'type',
  },
  {
    name: 'server.listenerCount(1)', call: (_i, server) => server.listenerCount(1 as never),
    v9: "threw TypeError 'server.listenerCount is not a function' (no such method)", v10: 'the same', throws: 'type',
  },
];

describe('wrong arguments', () => {
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

  it('record a verdict for every case: it throws or warns', () => {
    for (const c of CASES) {
      expect(c.v9.length * c.v10.length).withContext(c.name).toBeGreaterThan(0);
      expect((c.throws === undefined) !== (c.warns === undefined)).withContext(c.name).toBe(true);
    }
  });

  for (const c of CASES) {
    const { name, call, throws: argument, warns: code, then } = c;
    if (argument !== undefined) {
      it(`${name} throws a TypeError naming "${argument}" (9.2.9: ${c.v9}; 10.1.11: ${c.v10})`, async () => {
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
    } else {
      it(`${name} goes on and warns ${String(code)} (9.2.9: ${c.v9}; 10.1.11: ${c.v10})`, async () => {
        const { ipc, server, client } = await setup();
        const ofBefore = Object.keys(ipc.of);
        // Once per process: an earlier spec may have emitted it already, so 0 or 1 calls here.
        const emitWarning = spyOn(process, 'emitWarning');
        expect(() => call(ipc, server, client)).not.toThrow();
        for (const args of emitWarning.calls.allArgs()) expect(args[1]).toEqual(jasmine.objectContaining({ code }));
        if (then !== undefined) await then(ipc, server, client);
        else expect(Object.keys(ipc.of)).toEqual(ofBefore);
      });
    }
  }
});
