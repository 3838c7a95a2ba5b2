/**
 * The cases of framing, text, payloads, size and order (docs/PROTOCOL.md §2, §3, §7): each sends
 * frames the adapter echoes (`echo`, §11.2) and checks what comes back, byte-exact where the
 * protocol is.
 */
import { bigText, eitherProfile, echoed, roundTrip, type Case } from './checks';
import type { Kit } from './session';
import { Mismatch, frameOf, show, type Conn } from './wire';

/** Writes `parts` as separate writes (each taken by the system before the next), then checks the echo. */
async function inPieces(conn: Conn, parts: readonly Buffer[], data: unknown, how: string): Promise<void> {
  for (const part of parts) await conn.send(part);
  await echoed(conn, data, `the echo of a frame ${how}`);
}

const SPLIT_TEXT = 'é€😀 split';

/** The byte offsets inside multi-byte UTF-8 sequences of `frame`. */
function insideCharacters(frame: Buffer): number[] {
  const offsets: number[] = [];
  for (let i = 1; i < frame.length; i++) if (((frame[i] as number) & 0xc0) === 0x80) offsets.push(i);
  return offsets;
}

export const FRAME_CASES: readonly Case[] = [
  {
    name: 'framing.one-frame', section: '2.1', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      await roundTrip(kit, await kit.open(), { n: 1, text: 'one frame' });
    },
  },
  {
    name: 'framing.many-frames-one-write', section: '2.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      const values = [1, 'two', { three: 3 }, [4], true];
      await conn.send(Buffer.concat(values.map((v) => frameOf('echo', v, kit.delimiter))));
      for (const [i, v] of values.entries()) await echoed(conn, v, `echo ${i + 1} of ${values.length} (all sent in one write)`);
    },
  },
  {
    name: 'framing.split-every-byte', section: '2.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      const frame = frameOf('echo', SPLIT_TEXT, kit.delimiter);
      await inPieces(conn, [...frame].map((byte) => Buffer.from([byte])), SPLIT_TEXT, 'written one byte per write');
      for (let at = 1; at < frame.length; at++) {
        await inPieces(conn, [frame.subarray(0, at), frame.subarray(at)], SPLIT_TEXT, `split after byte ${at} of ${frame.length}`);
      }
    },
  },
  {
    name: 'framing.split-in-utf8', section: '2.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      const frame = frameOf('echo', SPLIT_TEXT, kit.delimiter);
      for (const at of insideCharacters(frame)) {
        await inPieces(conn, [frame.subarray(0, at), frame.subarray(at)], SPLIT_TEXT, `split inside a UTF-8 sequence (after byte ${at})`);
      }
    },
  },
  {
    name: 'framing.frame-and-partial-next', section: '2.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      const second = frameOf('echo', 'second', kit.delimiter);
      const half = second.length >> 1;
      await conn.send(Buffer.concat([frameOf('echo', 'first', kit.delimiter), second.subarray(0, half)]));
      await echoed(conn, 'first', 'the echo of a frame that arrived with the start of the next one (before the rest of it)');
      await conn.send(second.subarray(half));
      await echoed(conn, 'second', 'the echo of the frame completed by a later write');
    },
  },
  {
    name: 'unicode.form-feed-in-string', section: '2.1', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      // An echo that writes U+000C unescaped cuts its own frame in two: the reader sees no JSON.
      await roundTrip(kit, await kit.open(), { 'key\f': 'page\fbreak\f', list: ['\f', '\\f'] });
    },
  },
  {
    name: 'unicode.line-separators', section: '2.1', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      await roundTrip(kit, await kit.open(), 'line\u2028separator\u2029paragraph\r\n\t\u0000\u001f\u007f');
    },
  },
  {
    name: 'unicode.astral', section: '2.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      await roundTrip(kit, await kit.open(), { '😀': '𝄞 🀄 \u{10ffff} é€' });
    },
  },
  {
    name: 'payload.null', section: '3.2', mode: 'json',
    run: (kit: Kit): Promise<string> => eitherProfile(kit, null, 'null'),
  },
  {
    name: 'payload.empty-string', section: '3.2', mode: 'json',
    run: (kit: Kit): Promise<string> => eitherProfile(kit, '', "''"),
  },
  {
    name: 'payload.missing', section: '3.2', mode: 'json',
    run: (kit: Kit): Promise<string> => eitherProfile(kit, undefined, 'no payload'),
  },
  {
    name: 'payload.number', section: '3.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      for (const n of [0, 42, -1.5, 1e300, 2 ** 53 - 1]) await roundTrip(kit, conn, n);
    },
  },
  {
    name: 'payload.boolean', section: '3.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      for (const b of [false, true]) await roundTrip(kit, conn, b);
    },
  },
  {
    name: 'payload.string', section: '3.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      for (const s of ['hello', ' ', 'quote " backslash \\ slash /', '{"type":"echo","data":1}']) await roundTrip(kit, conn, s);
    },
  },
  {
    name: 'large.one-mib', section: '7', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      await bigEcho(kit, 1024 * 1024);
    },
  },
  {
    name: 'large.sixteen-mib', section: '7', mode: 'json', patience: 4,
    async run(kit: Kit): Promise<string | void> {
      await bigEcho(kit, 16 * 1024 * 1024);
    },
  },
  {
    name: 'order.ten-thousand', section: '2.2', mode: 'json',
    async run(kit: Kit): Promise<string | void> {
      const conn = await kit.open();
      const count = 10000;
      const frames: Buffer[] = [];
      for (let i = 0; i < count; i++) frames.push(frameOf('echo', { i }, kit.delimiter));
      await conn.send(Buffer.concat(frames));
      for (let i = 0; i < count; i++) {
        const message = await conn.message(`echo ${i + 1} of ${count}`);
        const got = (message.data as { i?: unknown } | null)?.i;
        if (message.type !== 'echo' || got !== i) throw new Mismatch(`echo ${i + 1} of ${count}: got ${message.type} ${JSON.stringify(message.data)}, expected echo {"i":${i}} (in order)`);
      }
    },
  },
];

/** A string of `bytes` UTF-8 bytes out and back, compared whole (the FAIL line says by how much it differs). */
async function bigEcho(kit: Kit, bytes: number): Promise<void> {
  const conn = await kit.open();
  const text = bigText(bytes);
  await conn.send(frameOf('echo', text, kit.delimiter));
  const message = await conn.message(`the echo of ${bytes} bytes`);
  if (message.type !== 'echo' || typeof message.data !== 'string') {
    throw new Mismatch(`the echo of ${bytes} bytes: got a ${JSON.stringify(message.type)} frame with ${show(message.data)}`);
  }
  const got = message.data;
  if (got !== text) {
    let at = 0;
    while (at < got.length && got[at] === text[at]) at++;
    throw new Mismatch(`the echo of ${bytes} bytes differs: ${Buffer.byteLength(got)} bytes back, first difference at character ${at}`);
  }
}
