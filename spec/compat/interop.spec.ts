/**
 * Wire interop with the packages we replace: `@achrinza/node-ipc` 9.2.9 and 10.1.11 against
 * ours, in both directions (old server <-> our client, our server <-> old client), over
 * unix, tcp, tls and udp4, in JSON and raw mode. Every message goes one way and a reply
 * comes back, so both encoders and both decoders of each pair are exercised.
 *
 * Observed old behaviour these specs lean on (and users may too):
 * - JSON mode: `undefined`, `null`, `''` and `NaN` go out as `{}`; `false` and `0` as themselves.
 * - Raw mode: old receivers decode every chunk with `config.encoding` and re-encode it, so
 *   with the default 'utf8' invalid UTF-8 arrives as U+FFFD; `encoding: 'hex'` carries any
 *   byte exactly. Old raw `emit` sends only its first argument.
 * - An old TLS client publishes `connect` when TCP connects, before the handshake; ours
 *   (and both servers) publish it once the handshake is done.
 * - Old UDP servers decode every datagram as UTF-8 before anything else, whatever the
 *   encoding, so only valid UTF-8 crosses a raw UDP link to an old peer intact.
 * - Old `server.stop()` closes only the listener: connected clients keep talking.
 * - Old `ipc.disconnect(id)` removes only '*' listeners, so `destroy` still reaches the
 *   client's own listeners; ours publishes `disconnect` and `destroy` too.
 * - Old `serveNet(host, 0)` listens on `config.networkPort` (8000), and with `unlink: true`
 *   (the default) old network servers first `fs.unlink(host)` relative to the working
 *   directory; see ./peers.ts for how the suite avoids both.
 *
 * The suite runs old peers in-process, one fresh instance per spec, torn down by hand.
 */
import { collectEvents, expectErrors, nextEvent, tempDir } from '../helpers/support';
import { collectBytes, INTEROP_TRANSPORTS, OLD_SIDES, OURS, type Address, type AnyIpc, type InteropTransport, type Side } from './peers';

/** What a client/server pair looks like once both ends saw `connect`. */
interface Pair {
  serverIpc: AnyIpc;
  clientIpc: AnyIpc;
  /** `ipc.server` of the server end. */
  server: any;
  /** `ipc.of.peer` of the client end. */
  client: any;
  /** The client's socket as the server saw it on `connect`. */
  socket: any;
  /** Where the server listens. */
  address: Address;
}

async function openPair(serverSide: Side, clientSide: Side, transport: InteropTransport, configure?: (config: any) => void): Promise<Pair> {
  const dir = tempDir();
  const serverIpc = serverSide.create((config) => {
    transport.configureServer(config);
    configure?.(config);
  });
  const address = await transport.listen(serverSide, serverIpc, dir);
  const server = serverIpc.server;
  const accepted = nextEvent(server, 'connect');
  const clientIpc = clientSide.create((config) => {
    transport.configureClient(config);
    configure?.(config);
  });
  transport.connect(clientIpc, 'peer', address);
  const client = clientIpc.of.peer;
  const [[socket]] = await Promise.all([accepted, nextEvent(client, 'connect')]);
  return { serverIpc, clientIpc, server, client, socket, address };
}

/** JSON payloads: what is sent, and what arrives when that differs (BEHAVIOUR.md "Wire format"). */
interface DataCase {
  label: string;
  sent: unknown;
  arrives?: unknown;
}

const DATA_CASES: DataCase[] = [
  { label: 'a nested object', sent: { a: { b: { c: [1, { d: 'e' }], n: null } }, list: [{ x: 1 }, { y: [2, 3] }] } },
  { label: 'multi-byte unicode and emoji', sent: { text: 'héllo wörld ☃ 日本語 Ελληνικά 🎉👩‍👩‍👧 \u{1F600}', '🔑': 'ключ' } },
  {
    label: 'integers, floats and negatives',
    sent: { int: 42, negative: -17, float: 3.14159, negativeFloat: -273.15, max: Number.MAX_SAFE_INTEGER, min: Number.MIN_SAFE_INTEGER, tiny: 5e-324, huge: 1.5e300 },
  },
  { label: 'a top-level array', sent: [1, 'two', { three: 3 }, [4, [5]], null, true, false, 0, -1.5] },
  { label: 'booleans in an object', sent: { yes: true, no: false } },
  { label: 'true', sent: true },
  { label: 'false (as itself)', sent: false },
  { label: '0 (as itself)', sent: 0 },
  { label: 'a negative float', sent: -0.125 },
  { label: 'a bare string', sent: 'just text ✓' },
  { label: 'a string holding the delimiter, NUL and newlines', sent: 'form\ffeed\u0000nul\r\n\t"quoted"\\' },
  { label: 'an empty object', sent: {} },
  { label: 'an empty array', sent: [] },
  { label: 'undefined (as {})', sent: undefined, arrives: {} },
  { label: 'null (as {})', sent: null, arrives: {} },
  { label: "'' (as {})", sent: '', arrives: {} },
  { label: 'NaN (as {})', sent: NaN, arrives: {} },
];

/** About 1 MiB of JSON text: multi-byte characters, so chunks also split characters. */
const ONE_MIB = { text: 'ab✓é🎉'.repeat(95326), tail: [1, -2.5, true, false, null, 'end'] };

const BURST = 1000;
/** Jasmine's limit for the 1 MiB and burst specs: above their 15 s event deadlines, so those report first. */
const HEAVY_SPEC_MS = 20000;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

interface Direction {
  name: string;
  serverSide: Side;
  clientSide: Side;
}

function directions(old: Side): Direction[] {
  return [
    { name: 'old server <-> our client', serverSide: old, clientSide: OURS },
    { name: 'our server <-> old client', serverSide: OURS, clientSide: old },
  ];
}

for (const old of OLD_SIDES) {
  for (const transport of INTEROP_TRANSPORTS) {
    for (const { name, serverSide, clientSide } of directions(old)) {
      describe(`interop ${old.name} x ${transport.name} x json x ${name}`, () => {
        const open = (configure?: (config: any) => void): Promise<Pair> => openPair(serverSide, clientSide, transport, configure);

        it('publishes connect on both ends, the server with the client socket', async () => {
          const pair = await open();
          expect(pair.socket).toBeDefined();
          expect(typeof pair.socket.write).toBe('function');
          expect(pair.server.sockets).toContain(pair.socket);
        });

        for (const { label, sent, arrives } of DATA_CASES) {
          const expected = arrives !== undefined ? arrives : sent;
          it(`carries ${label} client -> server and server -> client`, async () => {
            const pair = await open();
            pair.server.on('probe', (_data: unknown, socket: unknown) => pair.server.emit(socket, 'reply', sent));
            const atServer = nextEvent(pair.server, 'probe');
            const atClient = nextEvent(pair.client, 'reply');
            pair.client.emit('probe', sent);
            const [serverGot, from] = await atServer;
            expect(serverGot).toEqual(expected);
            expect(from).toBe(pair.socket);
            expect((await atClient)[0]).toEqual(expected);
          });
        }

        it('carries a 1 MiB payload both ways', async () => {
          const pair = await open();
          pair.server.on('big', (data: unknown, socket: unknown) => pair.server.emit(socket, 'big', data));
          const atServer = nextEvent(pair.server, 'big', 15000);
          const atClient = nextEvent(pair.client, 'big', 15000);
          pair.client.emit('big', ONE_MIB);
          expect((await atServer)[0]).toEqual(ONE_MIB);
          expect((await atClient)[0]).toEqual(ONE_MIB);
        }, HEAVY_SPEC_MS);

        it(`delivers a burst of ${BURST} messages in order, both ways`, async () => {
          const pair = await open();
          const atServer = collectEvents(pair.server, 'seq', BURST, 15000);
          for (let i = 0; i < BURST; i++) pair.client.emit('seq', { i, text: `message ${i} ✓` });
          const up = await atServer;
          expect(up.map(([data]) => data.i)).toEqual(range(BURST));
          expect(up[BURST - 1]?.[0]).toEqual({ i: BURST - 1, text: `message ${BURST - 1} ✓` });
          const atClient = collectEvents(pair.client, 'seq', BURST, 15000);
          for (let i = 0; i < BURST; i++) pair.server.emit(pair.socket, 'seq', { i, text: `reply ${i} ✓` });
          const down = await atClient;
          expect(down.map(([data]) => data.i)).toEqual(range(BURST));
          expect(down[BURST - 1]?.[0]).toEqual({ i: BURST - 1, text: `reply ${BURST - 1} ✓` });
        }, HEAVY_SPEC_MS);

        it('reaches the client through server.broadcast', async () => {
          const pair = await open();
          const news = nextEvent(pair.client, 'news');
          pair.server.broadcast('news', { all: ['of', 'you'], n: 1 });
          expect((await news)[0]).toEqual({ all: ['of', 'you'], n: 1 });
        });

        it("frames on a custom delimiter ('\\n') both ways", async () => {
          const pair = await open((config) => {
            config.delimiter = '\n';
          });
          const lines = { text: 'line one\nline two ✓', n: [1, 2] };
          pair.server.on('probe', (data: unknown, socket: unknown) => pair.server.emit(socket, 'reply', data));
          const atServer = collectEvents(pair.server, 'probe', 2);
          const atClient = collectEvents(pair.client, 'reply', 2);
          pair.client.emit('probe', lines);
          pair.client.emit('probe', 'second');
          expect((await atServer).map(([data]) => data)).toEqual([lines, 'second']);
          expect((await atClient).map(([data]) => data)).toEqual([lines, 'second']);
        });

        it('paces a sync client: the next message leaves only after a reply arrived', async () => {
          const pair = await open((config) => {
            config.sync = true;
          });
          const seen: number[] = [];
          let released = 0;
          pair.server.on('job', (data: { n: number }, socket: unknown) => {
            seen.push(data.n);
            expect(data.n).withContext('a job arrived before the reply that releases it').toBeLessThanOrEqual(released);
            // A window, not a wait: an unpaced client would have sent every job by now.
            setTimeout(() => {
              released = data.n + 1;
              pair.server.emit(socket, 'ack', { n: data.n });
            }, 10);
          });
          const acks = collectEvents(pair.client, 'ack', 5);
          for (let n = 0; n < 5; n++) pair.client.emit('job', { n });
          expect((await acks).map(([data]) => data.n)).toEqual(range(5));
          expect(seen).toEqual(range(5));
        });

        it('publishes socket.disconnected with the id taken from data.id', async () => {
          const pair = await open();
          const hello = nextEvent(pair.server, 'hello');
          pair.client.emit('hello', { id: 'peer-7', note: 'hi' });
          expect((await hello)[0]).toEqual({ id: 'peer-7', note: 'hi' });
          expect(pair.socket.id).toBe('peer-7');
          const gone = nextEvent(pair.server, 'socket.disconnected');
          // Over TLS with an old peer on either end, disconnect() right after this exchange
          // reaches the server as a TCP reset, which both old and our servers publish
          // (ECONNRESET, as node-ipc servers publish socket errors). Not seen ours <-> ours.
          if (transport.name.startsWith('tls')) expectErrors(pair.server, 'ECONNRESET');
          // Old disconnect() only drops '*' listeners: `destroy` still reaches the client's own.
          const destroyed = nextEvent(pair.client, 'destroy');
          pair.clientIpc.disconnect('peer');
          await destroyed;
          const [socket, id] = await gone;
          expect(id).toBe('peer-7');
          expect(socket).toBe(pair.socket);
          expect(pair.server.sockets).not.toContain(pair.socket);
        });

        it('publishes socket.disconnected with false when no data.id was sent', async () => {
          const pair = await open();
          const gone = nextEvent(pair.server, 'socket.disconnected');
          pair.clientIpc.disconnect('peer');
          const [socket, id] = await gone;
          expect(id).toBe(false);
          expect(socket).toBe(pair.socket);
        });

        if (serverSide.old) {
          it('old server.stop() leaves the client connected and talking (ours closes it)', async () => {
            const pair = await open();
            pair.server.stop();
            pair.server.on('probe', (data: unknown, socket: unknown) => pair.server.emit(socket, 'reply', data));
            const reply = nextEvent(pair.client, 'reply');
            pair.client.emit('probe', { after: 'stop' });
            expect((await reply)[0]).toEqual({ after: 'stop' });
          });
        }

        it('publishes disconnect on the client when the server stops', async () => {
          const pair = await open();
          const dropped = nextEvent(pair.client, 'disconnect');
          serverSide.stopServer(pair.serverIpc);
          await dropped;
          expect(pair.client.socket.destroyed).toBeTrue();
        });

        it('reconnects to a server restarted at the same address, and talks again', async () => {
          const pair = await open();
          const dropped = nextEvent(pair.client, 'disconnect');
          serverSide.stopServer(pair.serverIpc);
          await dropped;
          const restartedIpc = serverSide.create((config) => transport.configureServer(config));
          await transport.listenAt(serverSide, restartedIpc, pair.address);
          const restarted = restartedIpc.server;
          const accepted = nextEvent(restarted, 'connect');
          await nextEvent(pair.client, 'connect');
          const [socket] = await accepted;
          const hello = nextEvent(restarted, 'hello');
          pair.client.emit('hello', { again: true });
          expect((await hello)[0]).toEqual({ again: true });
          const reply = nextEvent(pair.client, 'reply');
          restarted.emit(socket, 'reply', { welcome: 'back' });
          expect((await reply)[0]).toEqual({ welcome: 'back' });
        });
      });

      describe(`interop ${old.name} x ${transport.name} x raw x ${name}`, () => {
        const open = (encoding = 'utf8'): Promise<Pair> =>
          openPair(serverSide, clientSide, transport, (config) => {
            config.rawBuffer = true;
            config.encoding = encoding;
          });

        /** Sends `up` client -> server, then `down` server -> client; resolves with what arrived. */
        async function exchange(pair: Pair, up: Buffer | string, upLength: number, down: Buffer | string, downLength: number): Promise<[Buffer, Buffer]> {
          const atServer = collectBytes(pair.server, upLength);
          pair.client.emit(up);
          const serverGot = await atServer;
          const atClient = collectBytes(pair.client, downLength);
          pair.server.emit(pair.socket, down);
          return [serverGot, await atClient];
        }

        it('carries UTF-8 text emitted as strings, both ways', async () => {
          const pair = await open();
          const up = 'up: héllo ☃ 日本語 🎉';
          const down = 'down: wörld ✓ Ελληνικά 👩‍👩‍👧';
          const [serverGot, clientGot] = await exchange(pair, up, Buffer.byteLength(up), down, Buffer.byteLength(down));
          expect(serverGot.toString('utf8')).toBe(up);
          expect(clientGot.toString('utf8')).toBe(down);
        });

        it('carries 256 KiB of valid UTF-8 bytes, characters split across chunks, both ways', async () => {
          const pair = await open();
          const up = Buffer.from('ab✓é🎉'.repeat(23832));
          const down = Buffer.from('🎉é✓ba'.repeat(23832));
          const [serverGot, clientGot] = await exchange(pair, up, up.length, down, down.length);
          expect(serverGot.equals(up)).withContext('client -> server bytes').toBeTrue();
          expect(clientGot.equals(down)).withContext('server -> client bytes').toBeTrue();
        });

        it("carries every byte value exactly with encoding 'hex' on both ends", async () => {
          const pair = await open('hex');
          const up = Buffer.from([...range(256), ...range(256).reverse(), 0x0c, 0x00, 0xff]);
          const down = Buffer.from([0xff, 0xfe, 0x0c, 0x00, 0xc3, ...range(256)]);
          const [serverGot, clientGot] = await exchange(pair, up, up.length, down, down.length);
          expect(serverGot.equals(up)).withContext('client -> server bytes').toBeTrue();
          expect(clientGot.equals(down)).withContext('server -> client bytes').toBeTrue();
        });

        it("with 'utf8', the old receiver turns invalid UTF-8 into U+FFFD; ours gets the bytes exactly", async () => {
          const pair = await open();
          const bytes = Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0x63, 0x80]);
          const mangled = Buffer.from(bytes.toString('utf8'), 'utf8'); // what a decode/re-encode makes of it
          expect(mangled.equals(bytes)).toBeFalse();
          // Sent with no other bytes, the chunk arrives whole, so the old receiver's decode is deterministic.
          const oldReceiver = serverSide.old ? pair.server : pair.client;
          const oursReceiver = serverSide.old ? pair.client : pair.server;
          const atOld = collectBytes(oldReceiver, mangled.length);
          if (serverSide.old) pair.client.emit(bytes);
          else pair.server.emit(pair.socket, bytes);
          expect((await atOld).equals(mangled)).withContext('old receiver').toBeTrue();
          const atOurs = collectBytes(oursReceiver, bytes.length);
          if (serverSide.old) pair.server.emit(pair.socket, bytes);
          else pair.client.emit(bytes);
          expect((await atOurs).equals(bytes)).withContext('our receiver').toBeTrue();
        });

        it(`delivers a burst of ${BURST} writes in order, both ways`, async () => {
          const pair = await open();
          const pieces = range(BURST).map((i) => `<${i}:✓>`);
          const expected = Buffer.from(pieces.join(''));
          const atServer = collectBytes(pair.server, expected.length, 15000);
          for (const piece of pieces) pair.client.emit(piece);
          expect((await atServer).toString()).toBe(expected.toString());
          const atClient = collectBytes(pair.client, expected.length, 15000);
          for (const piece of pieces) pair.server.emit(pair.socket, piece);
          expect((await atClient).toString()).toBe(expected.toString());
        }, HEAVY_SPEC_MS);
      });
    }
  }
}

/** UDP: two servers are peers; `first` speaks, `second` replies to the address it got. */
interface UdpPair {
  first: any;
  second: any;
  secondAddress: { address: string; port: number };
}

async function udpServer(side: Side, configure?: (config: any) => void): Promise<AnyIpc> {
  const ipc = side.create((config) => {
    config.unlink = false;
    configure?.(config);
  });
  ipc.serveNet('127.0.0.1', await side.port('udp4'), 'udp4');
  await side.start(ipc, true);
  return ipc;
}

async function openUdpPair(firstSide: Side, secondSide: Side, configure?: (config: any) => void): Promise<UdpPair> {
  const first = await udpServer(firstSide, configure);
  const second = await udpServer(secondSide, configure);
  return { first: first.server, second: second.server, secondAddress: { address: '127.0.0.1', port: second.server.port as number } };
}

/** Small enough for one loopback socket buffer: UDP has no flow control, a bigger burst may drop. */
const UDP_BURST = 50;

for (const old of OLD_SIDES) {
  for (const [name, firstSide, secondSide] of [['our server speaks first', OURS, old], ['old server speaks first', old, OURS]] as const) {
    describe(`interop ${old.name} x udp4 x json x ${name}`, () => {
      for (const { label, sent, arrives } of DATA_CASES) {
        const expected = arrives !== undefined ? arrives : sent;
        it(`carries ${label} there and back`, async () => {
          const { first, second, secondAddress } = await openUdpPair(firstSide, secondSide);
          second.on('probe', (_data: unknown, peer: unknown) => second.emit(peer, 'reply', sent));
          const atSecond = nextEvent(second, 'probe');
          const atFirst = nextEvent(first, 'reply');
          first.emit(secondAddress, 'probe', sent);
          const [got, peer] = await atSecond;
          expect(got).toEqual(expected);
          expect(peer.port).toBe(first.port);
          const [back, from] = await atFirst;
          expect(back).toEqual(expected);
          expect(from.port).toBe(second.port);
        });
      }

      it('carries a 32 KiB payload in one datagram there and back', async () => {
        const { first, second, secondAddress } = await openUdpPair(firstSide, secondSide);
        const payload = { text: 'ab✓é🎉'.repeat(2978) };
        second.on('big', (data: unknown, peer: unknown) => second.emit(peer, 'big', data));
        const atSecond = nextEvent(second, 'big');
        const atFirst = nextEvent(first, 'big');
        first.emit(secondAddress, 'big', payload);
        expect((await atSecond)[0]).toEqual(payload);
        expect((await atFirst)[0]).toEqual(payload);
      });

      it(`delivers a burst of ${UDP_BURST} datagrams in order there and back`, async () => {
        const { first, second, secondAddress } = await openUdpPair(firstSide, secondSide);
        const atSecond = collectEvents(second, 'seq', UDP_BURST);
        for (let i = 0; i < UDP_BURST; i++) first.emit(secondAddress, 'seq', { i });
        const up = await atSecond;
        expect(up.map(([data]) => data.i)).toEqual(range(UDP_BURST));
        const peer = up[0]?.[1];
        const atFirst = collectEvents(first, 'seq', UDP_BURST);
        for (let i = 0; i < UDP_BURST; i++) second.emit(peer, 'seq', { i });
        expect((await atFirst).map(([data]) => data.i)).toEqual(range(UDP_BURST));
      });
    });

    describe(`interop ${old.name} x udp4 x raw x ${name}`, () => {
      const raw = (config: any): void => {
        config.rawBuffer = true;
      };

      it('carries UTF-8 text there and back, one datagram each way', async () => {
        const { first, second, secondAddress } = await openUdpPair(firstSide, secondSide, raw);
        const up = 'up: héllo ☃ 日本語 🎉';
        const down = Buffer.from('down: wörld ✓ 👩‍👩‍👧');
        second.on('data', (_bytes: Buffer, peer: unknown) => second.emit(peer, down));
        const atSecond = nextEvent(second, 'data');
        const atFirst = nextEvent(first, 'data');
        first.emit(secondAddress, up);
        const [got, peer] = await atSecond;
        expect(Buffer.isBuffer(got)).toBeTrue();
        expect(got.toString('utf8')).toBe(up);
        expect(peer.port).toBe(first.port);
        const [back] = await atFirst;
        expect(back.equals(down)).toBeTrue();
      });

      it('an old UDP receiver decodes datagrams as UTF-8 even with encoding hex; ours keeps the bytes', async () => {
        const { first, second, secondAddress } = await openUdpPair(firstSide, secondSide, (config) => {
          raw(config);
          config.encoding = 'hex';
        });
        const bytes = Buffer.from([0x61, 0xff, 0x0c, 0x00, 0x80]);
        const oldServer = firstSide.old ? first : second;
        const ourServer = firstSide.old ? second : first;
        const ourAddress = { address: '127.0.0.1', port: ourServer.port as number };
        const oldAddress = { address: '127.0.0.1', port: oldServer.port as number };
        const atOld = nextEvent(oldServer, 'data');
        ourServer.emit(oldAddress, bytes);
        // 'a\uFFFD\f\0\uFFFD' read as hex: decoding stops at the first non-hex pair, leaving nothing.
        expect((await atOld)[0]).toEqual(Buffer.from(bytes.toString('utf8'), 'hex'));
        const atOurs = nextEvent(ourServer, 'data');
        oldServer.emit(ourAddress, bytes);
        expect((await atOurs)[0].equals(bytes)).toBeTrue();
        expect(secondAddress.port).toBe(second.port);
      });
    });
  }
}

