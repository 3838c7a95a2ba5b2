/**
 * node-ipc 9.x's deep imports, loaded from the BUILT package as real projects load them:
 * `require('node-ipc/dao/socketServer')` (exports map, with and without `.js`), the stubs at
 * the 9.x paths for resolvers that ignore "exports", and `entities/EventParser` by a plain
 * file path next to the main file. The aliases must be our own classes; EventParser must
 * frame and split byte for byte as 9.x's did (compared with achrinza-ipc-9's own file).
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Server as NetServer, Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import * as fc from 'fast-check';
import type { Client } from '../../src/client';
import type * as Entry from '../../src/index';
import type { Server } from '../../src/server';
import type * as EventParserClass from '../../src/entities/EventParser';
import { freshIpc, nextEvent, stopAll, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const ROOT = join(__dirname, '..', '..', '..');
const load = createRequire(__filename);

// The built package, through its own name (self-reference), as users load it.
const ipc = load('node-ipc-ts') as typeof Entry;
// The plain path the VS Code test runner builds: not through the exports map.
const EVENT_PARSER_PATH = resolve(dirname(load.resolve('node-ipc-ts')), 'entities/EventParser');
const EventParser = load(EVENT_PARSER_PATH) as typeof EventParserClass;
const SocketServer = load('node-ipc-ts/dao/socketServer') as typeof Server;

// node-ipc 9.x's own EventParser and the js-message Message it formats.
interface OldParser { delimiter: string; format(message: unknown): string; parse(data: string): string[] }
const OldEventParser = load('achrinza-ipc-9/entities/EventParser.js') as new (config?: { delimiter: string }) => OldParser;
const Message = load(load.resolve('js-message', { paths: [dirname(load.resolve('achrinza-ipc-9/package.json'))] })) as new () => { type: string; data: unknown };

function message(type: string, data: unknown): { type: string; data: unknown } {
  const m = new Message();
  m.type = type;
  m.data = data;
  return m;
}

const DELIMITERS = ['\f', '\r\n', '§§', '<EOT>', '\u{1F4E6}'];

describe('node-ipc 9.x deep imports (built package)', () => {
  it('resolve dao/socketServer, dao/client and entities/EventParser to our classes, with or without .js', () => {
    expect(typeof SocketServer).toBe('function');
    for (const specifier of ['node-ipc-ts/dao/socketServer', 'node-ipc-ts/dao/socketServer.js']) {
      expect(load(specifier)).withContext(specifier).toBe(ipc.Server);
      expect(load.resolve(specifier)).toBe(join(ROOT, 'dist', 'dao', 'socketServer.js'));
    }
    for (const specifier of ['node-ipc-ts/dao/client', 'node-ipc-ts/dao/client.js']) {
      expect(load(specifier)).withContext(specifier).toBe(ipc.Client);
    }
    for (const specifier of ['node-ipc-ts/entities/EventParser', 'node-ipc-ts/entities/EventParser.js']) {
      expect(load(specifier)).withContext(specifier).toBe(EventParser);
    }
    expect(EVENT_PARSER_PATH).toBe(join(ROOT, 'dist', 'entities', 'EventParser'));
  });

  it('keeps stubs at the 9.x paths for resolvers that ignore "exports", pointing at the same modules', () => {
    expect(load(join(ROOT, 'dao', 'socketServer'))).toBe(ipc.Server);
    expect(load(join(ROOT, 'dao', 'client.js'))).toBe(ipc.Client);
    expect(load(join(ROOT, 'entities', 'EventParser'))).toBe(EventParser);
  });

  it('ipc.server and ipc.of[id] of the built package are instances of the dao exports', () => {
    const instance = new ipc.IPCModule();
    instance.config.silent = true;
    teardown.add(() => stopAll(instance));
    instance.serve(join(tempDir(), 's.sock'));
    expect(instance.server).toEqual(jasmine.any(SocketServer));
    instance.connectTo('peer', join(tempDir(), 'none.sock'));
    expect(instance.of.peer).toEqual(jasmine.any(load('node-ipc-ts/dao/client') as typeof Client));
  });
});

describe('entities/EventParser (9.x compat)', () => {
  const DATA: unknown[] = [
    { id: 'world', message: 'hello' },
    'text', '', 0, 1.5, false, true, null, undefined, [1, [2, { three: 3 }]],
    { nested: { deep: { unicode: 'ü€\u{1F600}', escapes: '"\\\n\f' } } },
    new EventEmitter(),
  ];

  it('formats every payload byte for byte as 9.x did, with every delimiter', () => {
    for (const delimiter of DELIMITERS) {
      const ours = new EventParser({ delimiter });
      const theirs = new OldEventParser({ delimiter });
      for (const data of DATA) {
        // 9.x's format replaces a falsy `data` on the message itself: each side gets its own.
        const frame = ours.format(message('app.message', data));
        expect(frame).withContext(`${JSON.stringify(delimiter)} ${String(data)}`).toBe(theirs.format(message('app.message', data)));
        expect(Buffer.from(frame).equals(Buffer.from(theirs.format(message('app.message', data))))).toBeTrue();
        expect(frame.endsWith(delimiter)).toBeTrue();
      }
    }
  });

  it('formats a plain {type, data} object too, and leaves it unchanged', () => {
    const plain = { type: 'ping', data: null };
    expect(new EventParser().format(plain)).toBe('{"type":"ping","data":{}}\f');
    expect(plain.data).toBeNull();
  });

  it('parses as 9.x did: whole frames in order, empty frames kept, an unfinished tail dropped', () => {
    for (const delimiter of DELIMITERS) {
      const ours = new EventParser({ delimiter });
      const theirs = new OldEventParser({ delimiter });
      const frames = DATA.map((data, i) => ours.format(message(`t${i}`, data))).join('');
      const inputs = ['', 'no delimiter', delimiter, delimiter + delimiter, `a${delimiter}${delimiter}b${delimiter}`, frames, `${frames}{"type":"unfin`];
      for (const input of inputs) {
        expect(ours.parse(input)).withContext(JSON.stringify(input).slice(0, 60)).toEqual(theirs.parse(input));
      }
      const parsed = ours.parse(`${frames}{"type":"unfin`);
      expect(parsed.length).toBe(DATA.length);
      expect(JSON.parse(parsed[0] as string)).toEqual({ type: 't0', data: { id: 'world', message: 'hello' } });
    }
  });

  it('round-trips any JSON payload and splits any text exactly as 9.x (property)', () => {
    const delimiterArb = fc.oneof(fc.constant('\f'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }));
    fc.assert(fc.property(delimiterArb, fc.string({ unit: 'grapheme' }), fc.array(fc.jsonValue(), { maxLength: 5 }), (delimiter, text, payloads) => {
      const ours = new EventParser({ delimiter });
      const theirs = new OldEventParser({ delimiter });
      const wire = payloads.map((data) => ours.format(message('m', data))).join('');
      expect(wire).toBe(payloads.map((data) => theirs.format(message('m', data))).join(''));
      expect(ours.parse(wire)).toEqual(theirs.parse(wire));
      expect(ours.parse(text)).toEqual(theirs.parse(text));
      expect(ours.parse(text + delimiter + text)).toEqual(theirs.parse(text + delimiter + text));
    }), { numRuns: 300 });
  });

  it('reads config.delimiter once, defaults to \\f, and honours a changed delimiter field as 9.x did', () => {
    const config = { delimiter: '||' };
    const parser = new EventParser(config);
    config.delimiter = '##';
    expect(parser.delimiter).toBe('||');
    expect(new EventParser().delimiter).toBe('\f');
    expect(new EventParser(null).delimiter).toBe(new OldEventParser().delimiter);
    parser.delimiter = '\n';
    expect(parser.format(message('x', 1))).toBe('{"type":"x","data":1}\n');
    expect(parser.parse('a\nb\nc')).toEqual(['a', 'b']);
  });

  it('frames a message written straight onto a client socket that our server receives (the VS Code runner way)', async () => {
    const server = freshIpc((config) => { config.delimiter = '<EOT>'; });
    server.serve(join(tempDir(), 's.sock'));
    server.server.start();
    await nextEvent(server.server, 'start');
    const received = nextEvent(server.server, 'runner.result');
    const client = freshIpc((config) => { config.delimiter = '<EOT>'; });
    client.connectTo('runner', server.server.path);
    await nextEvent(client.of.runner as Client, 'connect');
    const parser = new EventParser(client.config);
    const written = new Promise<void>((done, fail) => {
      (client.of.runner?.socket as Socket).write(parser.format(message('runner.result', { passed: 3, name: 'ü' })), (err) => (err ? fail(err) : done()));
    });
    await written;
    const [data] = await received;
    expect(data).toEqual({ passed: 3, name: 'ü' });
  });

  it('parses what our server sends, with the configured delimiter', async () => {
    const server = freshIpc((config) => { config.delimiter = '\r\n'; });
    server.serve(join(tempDir(), 's.sock'));
    server.server.start();
    await nextEvent(server.server, 'start');
    const connected = nextEvent(server.server, 'connect');
    const client = freshIpc((config) => { config.delimiter = '\r\n'; });
    client.connectTo('peer', server.server.path);
    const [socket] = await connected as [Socket];
    const parser = new EventParser(server.config);
    const text = new Promise<string>((done) => {
      let seen = '';
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString('utf8');
        if (seen.endsWith('\r\n{"type":"last","data":{}}\r\n')) {
          (client.of.peer?.socket as Socket).off('data', onData);
          done(seen);
        }
      };
      (client.of.peer?.socket as Socket).on('data', onData);
    });
    server.server.emit(socket, 'first', { n: 1 });
    server.server.emit(socket, 'last');
    expect(parser.parse(await text).map((frame) => JSON.parse(frame) as unknown)).toEqual([
      { type: 'first', data: { n: 1 } },
      { type: 'last', data: {} },
    ]);
  });
});

describe('dao/socketServer subclass (9.x compat)', () => {
  /** A subclass as 9.x code declared one: extra state, and an added method over broadcast. */
  class AnnouncingServer extends SocketServer {
    announced = 0;

    announce(text: string): void {
      this.announced++;
      this.broadcast('announcement', { text });
    }
  }

  it('starts, accepts a client, exchanges messages and stops', async () => {
    const owner = freshIpc();
    const path = join(tempDir(), 'sub.sock');
    // 9.x's constructor arguments: (path, config, log[, port]).
    const server = new AnnouncingServer(path, owner.config, owner.log);
    teardown.add(() => server.stop());
    expect(server).toEqual(jasmine.any(ipc.Server));
    server.start();
    await nextEvent(server, 'start');

    const connected = nextEvent(server, 'connect');
    const client = freshIpc();
    client.connectTo('sub', path);
    const peer = client.of.sub as Client;
    const [socket] = await connected as [Socket];
    expect(server.sockets).toEqual([socket]);

    const hello = nextEvent(server, 'hello');
    peer.emit('hello', { from: 'client' });
    const [data, from] = await hello;
    expect(data).toEqual({ from: 'client' });
    expect(from).toBe(socket);

    const announcement = nextEvent(peer, 'announcement');
    server.announce('ready');
    expect(await announcement).toEqual([{ text: 'ready' }]);
    expect(server.announced).toBe(1);

    const closed = nextEvent({ once: (t, h) => (server.server as NetServer).once(t, h), off: (t, h) => (server.server as NetServer).off(t, h) }, 'close');
    const dropped = nextEvent(peer, 'disconnect');
    server.stop();
    await closed;
    await dropped;
    expect((server.server as NetServer).listening).toBeFalse();
  });
});
