/**
 * The cases of connections, requests, faults, raw mode and a custom delimiter
 * (docs/PROTOCOL.md §1, §2.1, §2.3, §3.1, §4, §6, §8).
 */
import { echoed, expectType, noise, roundTrip, survives, type Case } from './checks';
import type { Kit } from './session';
import { Mismatch, frameOf, same, show, type Conn, type Envelope } from './wire';

/** The largest request number §6.1 allows. */
const MAX_REQUEST = 0x7fffffff;

/** The reply members of an `ipc.reply` frame's data, checked to be an object with a number `reply`. */
function replyOf(message: Envelope, what: string): Record<string, unknown> {
  const data = message.data;
  if (message.type !== 'ipc.reply' || typeof data !== 'object' || data === null || typeof (data as { reply?: unknown }).reply !== 'number') {
    throw new Mismatch(`${what}: got a ${JSON.stringify(message.type)} frame with ${show(data)}, expected ipc.reply {"reply":<n>,...}`);
  }
  return data as Record<string, unknown>;
}

/** Sends requests in one write and collects their replies by number (any order, §6.2). */
async function replies(kit: Kit, conn: Conn, requests: ReadonlyArray<[number, string, unknown]>): Promise<Map<number, Record<string, unknown>>> {
  await conn.send(Buffer.concat(requests.map(([n, type, data]) => frameOf(type, { request: n, data }, kit.delimiter))));
  const got = new Map<number, Record<string, unknown>>();
  while (got.size < requests.length) {
    const reply = replyOf(await conn.message(`the reply to request ${requests.map(([n]) => n).filter((n) => !got.has(n)).join(', ')}`), 'a reply');
    got.set(reply.reply as number, reply);
  }
  return got;
}

/** The peer's request after `ask` (§6.1), checked; answered with `answer`, then its `asked` report. */
async function ask(kit: Kit, conn: Conn, type: string, data: unknown, answer: Record<string, unknown>): Promise<unknown> {
  await conn.send(frameOf('ask', { type, data }, kit.delimiter));
  const request = await expectType(conn, type, `the peer's request of type ${type}`);
  const envelope = request.data as Record<string, unknown> | null;
  const n = envelope?.request;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_REQUEST) throw new Mismatch(`the peer's request number: got ${show(n)}, expected an integer from 1 to ${MAX_REQUEST}`);
  same(`the payload of the peer's request ${n}`, envelope?.data, data);
  if (envelope !== null && 'id' in envelope) throw new Mismatch(`the peer's request has a top-level id (${show(envelope.id)}): it renames the connection (§3.4, §6.3)`);
  await conn.send(frameOf('ipc.reply', { reply: n, ...answer }, kit.delimiter));
  return (await expectType(conn, 'asked', `the peer's asked report after the kit's reply to request ${n}`)).data;
}

export const SESSION_CASES: readonly Case[] = [
  {
    name: 'broadcast.all-connections', section: '1', mode: 'json', role: 'server',
    async run(kit: Kit): Promise<string | void> {
      const conns = [await kit.open(), await kit.open(), await kit.open()];
      // An echo on each first: the server has accepted all three before the broadcast.
      for (const [i, conn] of conns.entries()) await roundTrip(kit, conn, { connection: i + 1 });
      await (conns[0] as Conn).send(frameOf('broadcast', { to: 'all' }, kit.delimiter));
      for (const [i, conn] of conns.entries()) same(`the broadcast on connection ${i + 1} of 3`, (await expectType(conn, 'broadcast', `the broadcast on connection ${i + 1} of 3`)).data, { to: 'all' });
    },
  },
  {
    name: 'request.reply-shape', section: '6.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const got = await replies(kit, await kit.open(), [[7, 'add', { a: 2, b: 3 }], [MAX_REQUEST, 'add', { a: -1, b: 0.5 }]]);
      same('the reply to request 7', got.get(7), { reply: 7, data: 5 });
      same(`the reply to request ${MAX_REQUEST}`, got.get(MAX_REQUEST), { reply: MAX_REQUEST, data: -0.5 });
    },
  },
  {
    name: 'request.error-shape', section: '6.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const reply = (await replies(kit, await kit.open(), [[8, 'fail', 'x']])).get(8) as Record<string, unknown>;
      if ('data' in reply) throw new Mismatch(`a failed request's reply has data (${show(reply.data)}) besides its error`);
      const error = reply.error as Record<string, unknown> | undefined;
      if (typeof error !== 'object' || error === null) throw new Mismatch(`the reply to a failing request has no error object: ${show(reply)}`);
      if (typeof error.name !== 'string') throw new Mismatch(`error.name is not a string: ${show(error)}`);
      same('error.message', error.message, 'failed on purpose');
      same('error.code', error.code, 'E_CONFORMANCE');
    },
  },
  {
    name: 'request.no-handler', section: '6.3', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      // `add` after it: its reply shows the peer has read the unknown request, without waiting for a timeout.
      const conn = await kit.open();
      await conn.send(Buffer.concat([frameOf('conformance.nobody', { request: 9, data: 1 }, kit.delimiter), frameOf('add', { request: 10, data: { a: 1, b: 1 } }, kit.delimiter)]));
      let unknown: Record<string, unknown> | undefined;
      for (;;) {
        const reply = replyOf(await conn.message('the reply to request 10 (add, sent after the unknown type)'), 'a reply');
        if (reply.reply === 9) unknown = reply;
        if (reply.reply === 10) break;
      }
      if (unknown === undefined && conn.queued > 0) unknown = replyOf(await conn.message('the reply to request 9'), 'a reply');
      if (unknown === undefined) return 'silent: the peer has no request API';
      same('the error code of a request nobody handles', (unknown.error as { code?: unknown } | undefined)?.code, 'ERR_IPC_NO_HANDLER');
      return 'answered ERR_IPC_NO_HANDLER';
    },
  },
  {
    name: 'request.ask', section: '6.1', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      same('asked after a reply with data', await ask(kit, conn, 'conformance.double', 21, { data: 42 }), { data: 42 });
      const failed = await ask(kit, conn, 'conformance.refuse', 'x', { error: { name: 'Error', message: 'refused by the kit', code: 'E_KIT' } });
      const error = (failed as { error?: Record<string, unknown> } | null)?.error;
      same('asked after an error reply', { code: error?.code, message: error?.message }, { code: 'E_KIT', message: 'refused by the kit' });
    },
  },
  {
    name: 'close.peer-half-close', section: '8.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      await conn.send(Buffer.concat([1, 2, 3].map((n) => frameOf('echo', n, kit.delimiter))));
      conn.end();
      for (const n of [1, 2, 3]) await echoed(conn, n, `echo ${n} of 3, sent before the kit's end-of-stream`);
      await conn.endOfStream("the peer's end-of-stream after the kit's");
    },
  },
  {
    name: 'garbage.invalid-json', section: '3.1', mode: 'json',
    run: (kit: Kit): Promise<string> => survives(kit, Buffer.concat([Buffer.from('{"type":"echo","data":'), kit.delimiter, Buffer.from('not json'), kit.delimiter])),
  },
  {
    name: 'garbage.empty-frame', section: '2.3', mode: 'json',
    run: (kit: Kit): Promise<string> => survives(kit, kit.delimiter),
  },
  {
    name: 'garbage.random-bytes', section: '8.3', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const note = await survives(kit, Buffer.concat([noise(4096), kit.delimiter]));
      return note;
    },
  },
  {
    // Last of the JSON cases: §11.2 lets a server adapter answer farewell by stopping.
    name: 'close.graceful-after-last-frame', section: '8.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      await conn.send(frameOf('farewell', 3, kit.delimiter));
      for (const n of [1, 2, 3]) same(`farewell ${n} of 3`, (await expectType(conn, 'farewell', `farewell ${n} of 3`)).data, n);
      await conn.endOfStream('end-of-stream after the last farewell');
      if (conn.queued > 0) throw new Mismatch(`${conn.queued} more frame(s) after the third farewell`);
    },
  },
  {
    name: 'raw.echo-bytes', section: '4', mode: 'raw',
    async run(kit: Kit): Promise<string | void> {
      await rawEcho(await kit.open(), Buffer.from('raw: no frames\f{"type":"echo","data":1}\f\r\n é€😀', 'utf8'));
    },
  },
  {
    name: 'raw.binary-all-byte-values', section: '4', mode: 'raw',
    async run(kit: Kit): Promise<string | void> {
      await rawEcho(await kit.open(), Buffer.from([...Array(512).keys()].map((i) => i & 0xff)));
    },
  },
  {
    name: 'delimiter.crlf', section: '2.1', mode: 'delimiter',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      const first = frameOf('echo', 'line\r\nbreak', kit.delimiter);
      // Split inside the two-byte delimiter: "\r" ends one write, "\n" starts the next.
      await conn.send(first.subarray(0, first.length - 1));
      await conn.send(Buffer.concat([first.subarray(first.length - 1), frameOf('echo', 2, kit.delimiter)]));
      await echoed(conn, 'line\r\nbreak', 'the echo of a frame whose delimiter \\r\\n was split');
      await echoed(conn, 2, 'the echo of the frame after it');
    },
  },
];

/** Raw mode: `bytes` out in one write, the same bytes back however they are chunked. */
async function rawEcho(conn: Conn, bytes: Buffer): Promise<void> {
  await conn.send(bytes);
  const back = await conn.bytes(bytes.length, `${bytes.length} bytes echoed`);
  if (!back.equals(bytes)) {
    let at = 0;
    while (back[at] === bytes[at]) at++;
    throw new Mismatch(`the bytes echoed differ from byte ${at}: got ${back.subarray(at, at + 8).toString('hex')}..., expected ${bytes.subarray(at, at + 8).toString('hex')}...`);
  }
}
