/**
 * The advanced frame (codec/length-prefixed.ts, codec/structured.ts; PROTOCOL.md §10): the
 * documented bytes, every split point, byte by byte, limits from the header alone, a stream
 * out of step, the first byte telling a JSON peer, the datagram reader, and the JSON readers
 * telling an advanced peer.
 */
import { EventPolicy } from '../../src/codec/event-policy';
import { JsonDatagramReader, JsonStreamReader } from '../../src/codec/json-reader';
import { LengthPrefixedDatagramReader, LengthPrefixedReader } from '../../src/codec/length-prefixed';
import type { MessageSink } from '../../src/codec/reader';
import { LATIN1_FRAMES, StructuredBodyDecoder, decodeStructured, encodeStructured } from '../../src/codec/structured';
import { IpcError } from '../../src/errors';
import { frameBody, frameOf, v8Body, wireOf } from '../helpers/advanced';

interface Seen { messages: Array<[string, unknown]>; errors: Array<[IpcError, boolean]> }

function sink(): { sink: MessageSink; seen: Seen } {
  const seen: Seen = { messages: [], errors: [] };
  return {
    seen,
    sink: { onMessage: (type, data) => seen.messages.push([type, data]), onProtocolError: (err, fatal) => seen.errors.push([err, fatal]) },
  };
}

function reader(max = 1 << 20, policy: EventPolicy | null = null): { reader: LengthPrefixedReader; seen: Seen } {
  const { sink: s, seen } = sink();
  return { reader: new LengthPrefixedReader(max, new StructuredBodyDecoder(policy), s), seen };
}

const MESSAGES: Array<[string, unknown]> = [
  ['json', { seq: 1, pad: 'é€😀' }],
  ['v8', new Map<unknown, unknown>([[1, new Set([2n])], ['b', Buffer.from([1, 2])]])],
  ['large', Buffer.alloc(70_000, 3)],
  ['', undefined],
  ['latin1', { seq: 2, pad: 'café ñ' }],
  ['ascii', { seq: 3, list: [1, 'two'] }],
];

describe('advanced frames', () => {
  it('writes the documented bytes: c1, the body length (big-endian), the body, 0c', () => {
    // A small JSON envelope comes as a string of bytes: a Latin-1 body (kind 4c), written as latin1.
    const small = encodeStructured('hi', 'x');
    expect(typeof small).toBe('string');
    expect(Buffer.from(small as string, 'latin1')).toEqual(Buffer.concat([
      Buffer.from([0xc1, 0x00, 0x00, 0x00, 0x19, 0x4c]), Buffer.from('{"type":"hi","data":"x"}'), Buffer.from([0x0c]),
    ]));
    // é is one Latin-1 byte (e9); a type past U+00FF makes a UTF-8 body (kind 7b) in a Buffer.
    expect(wireOf('hé', 'x')).toEqual(Buffer.concat([
      Buffer.from([0xc1, 0x00, 0x00, 0x00, 0x19, 0x4c]), Buffer.from('{"type":"hé","data":"x"}', 'latin1'), Buffer.from([0x0c]),
    ]));
    const wide = encodeStructured('h€', 'x');
    expect(Buffer.isBuffer(wide)).toBeTrue();
    expect(wide).toEqual(Buffer.concat([
      Buffer.from([0xc1, 0x00, 0x00, 0x00, 0x1a]), Buffer.from('{"type":"h€","data":"x"}'), Buffer.from([0x0c]),
    ]));
    expect(wireOf('hi', 'x'.repeat(300)).readUInt32BE(1)).withContext('a header made for another length is not reused').toBe(24 + 300);
    // A V8 body starts with V8's version tag ff; the type is its first value ("t", one byte).
    const frame = wireOf('t', new Map([[1, 2]]));
    expect(frame[0]).toBe(0xc1);
    expect(frame.readUInt32BE(1)).toBe(frame.length - 6);
    expect(frame[5]).toBe(0xff);
    expect(frame.subarray(7, 10)).toEqual(Buffer.from([0x22, 0x01, 0x74]));
    expect(frame[frame.length - 1]).toBe(0x0c);
  });

  it('keeps each type its own head: alternating types of one length, and more types than are kept', () => {
    const types = ['ab', 'cd', 'ab', 'cd', ...Array.from({ length: 300 }, (_, i) => `t${i}`), 'ab', 'cd'];
    const wire = Buffer.concat(types.map((type) => wireOf(type, 1)));
    const { reader: r, seen } = reader();
    r.push(wire);
    expect(seen.errors).toEqual([]);
    expect(seen.messages.map(([type]) => type)).toEqual(types);
  });

  it('frames again, in UTF-8 bodies, the string frames Latin-1 cannot write: asked once per batch, not per message', () => {
    const frames = [encodeStructured('a', { t: 'plain' }), encodeStructured('a', { t: 'ő 😀' }), encodeStructured('a', { t: 'café' })] as string[];
    expect(frames.map((frame) => typeof frame)).toEqual(['string', 'string', 'string']);
    const text = frames.join('');
    expect(LATIN1_FRAMES.writable(text)).toBeFalse();
    expect(LATIN1_FRAMES.writable(frames[0]! + frames[2]!)).toBeTrue();
    const wideBody = Buffer.from('{"type":"a","data":{"t":"ő 😀"}}');
    expect(LATIN1_FRAMES.bytes(text)).toEqual(Buffer.concat([
      Buffer.from(frames[0]!, 'latin1'),
      Buffer.from([0xc1, 0, 0, 0, wideBody.length]), wideBody, Buffer.from([0x0c]),
      Buffer.from(frames[2]!, 'latin1'),
    ]));
    const { reader: r, seen } = reader();
    r.push(LATIN1_FRAMES.bytes(text));
    expect(seen.errors).toEqual([]);
    expect(seen.messages).toEqual([['a', { t: 'plain' }], ['a', { t: 'ő 😀' }], ['a', { t: 'café' }]]);
  });

  it('reads the Latin-1 bodies of a chunk as slices of one text, and lets it go when the chunk is read, a listener throwing or not', () => {
    const decoder = new StructuredBodyDecoder(null);
    const held = (): string => (decoder as unknown as { _text: string })._text;
    const texts: string[] = [];
    const got: unknown[] = [];
    const r = new LengthPrefixedReader(1 << 20, decoder, {
      onMessage: (type, data) => {
        texts.push(held());
        if (type === 'boom') throw new Error('listener failed');
        got.push(data);
      },
      onProtocolError: (err) => { throw err; },
    });
    r.push(Buffer.concat([wireOf('a', 'é1'), wireOf('v8', new Set([2])), wireOf('a', { n: 3 }), wireOf('a', 'x'.repeat(40))]));
    expect(got).toEqual(['é1', new Set([2]), { n: 3 }, 'x'.repeat(40)]);
    // One text for the chunk, from its first Latin-1 body on; nothing held once the chunk is read.
    expect(texts[0]!.length).toBeGreaterThan(60);
    expect(texts[2]).toBe(texts[0]);
    expect(held()).toBe('');
    expect(() => r.push(Buffer.concat([wireOf('boom', 1), wireOf('a', 5)]))).toThrowError('listener failed');
    expect(held()).toBe('');
    r.push(wireOf('a', 6));
    expect(got.slice(4)).toEqual([5, 6]);
    expect(held()).toBe('');
  });

  it('delivers every message once, in order, split at every byte offset and one byte at a time', () => {
    const wire = Buffer.concat(MESSAGES.map(([type, data]) => wireOf(type, data)));
    const check = (seen: Seen, what: string): void => {
      expect(seen.errors).withContext(what).toEqual([]);
      expect(seen.messages.length).withContext(what).toBe(MESSAGES.length);
      // The large Buffer by Buffer#equals: a deep compare of 70,000 indexes per cut is slow.
      const large = seen.messages[2] as [string, Buffer];
      expect(Buffer.isBuffer(large[1]) && large[1].equals(MESSAGES[2]![1] as Buffer)).withContext(what).toBeTrue();
      expect(seen.messages.filter((_, i) => i !== 2)).withContext(what).toEqual(MESSAGES.filter((_, i) => i !== 2));
    };
    for (let cut = 0; cut <= wire.length; cut += cut < 200 ? 1 : 997) {
      const { reader: r, seen } = reader();
      r.push(wire.subarray(0, cut));
      r.push(wire.subarray(cut));
      check(seen, `cut at ${cut}`);
      expect(r.pendingBytes).toBe(0);
    }
    const { reader: r, seen } = reader();
    for (let i = 0; i < wire.length; i++) r.push(wire.subarray(i, i + 1));
    check(seen, 'byte by byte');
  });

  it('fills a large frame in place once a quarter of it arrived, in any chunking, holding no more than arrived', () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i / 4096;
    const wire = Buffer.concat([wireOf('a', 1), wireOf('big', big), wireOf('b', 2)]);
    // Socket-sized chunks; chunks that end just past the quarter; one chunk holding most of it.
    for (const size of [65536, 786_441, 3_000_017]) {
      const { reader: r, seen } = reader(8 * 1024 * 1024);
      let fed = 0;
      for (let at = 0; at < wire.length; at += size) {
        const part = wire.subarray(at, at + size);
        r.push(part);
        fed += part.length;
        expect(r.pendingBytes).toBeLessThanOrEqual(fed);
      }
      expect(seen.errors).toEqual([]);
      expect(seen.messages.map(([type]) => type)).toEqual(['a', 'big', 'b']);
      const got = (seen.messages[1] as [string, Buffer])[1];
      expect(Buffer.isBuffer(got) && got.equals(big)).withContext(`chunks of ${size}`).toBeTrue();
    }
  });

  it('refuses a frame over maxMessageSize from its header alone, keeping nothing of it', () => {
    const { reader: r, seen } = reader(100);
    r.push(Buffer.from([0xc1, 0x00, 0x00, 0x00]));
    expect(r.pendingBytes).toBe(4);
    r.push(Buffer.from([101]));
    expect(seen.errors.length).toBe(1);
    const [err, fatal] = seen.errors[0] as [IpcError, boolean];
    expect(err.code).toBe('ERR_IPC_FRAME_TOO_LARGE');
    expect(fatal).toBeTrue();
    expect(r.pendingBytes).toBe(0);
    r.push(Buffer.alloc(1000));
    expect(seen.errors.length).withContext('a dead reader reads nothing more').toBe(1);
    // Exactly the limit is accepted.
    const body = Buffer.from('{"type":"a","data":"' + 'x'.repeat(100 - 22) + '"}');
    expect(body.length).toBe(100);
    const ok = reader(100);
    ok.reader.push(frameOf(body));
    expect(ok.seen.messages).toEqual([['a', 'x'.repeat(78)]]);
  });

  it('holds an unfinished frame (header included in pendingBytes) until its last byte', () => {
    const { reader: r, seen } = reader();
    const frame = wireOf('a', 'b'.repeat(50));
    r.push(frame.subarray(0, 30));
    expect(r.pendingBytes).toBe(30);
    r.push(frame.subarray(30, frame.length - 1));
    expect(seen.messages).toEqual([]);
    r.push(frame.subarray(frame.length - 1));
    expect(seen.messages).toEqual([['a', 'b'.repeat(50)]]);
    r.push(frame.subarray(0, 5));
    expect(r.pendingBytes).withContext('a header alone is an unfinished frame').toBe(5);
  });

  it('tells a JSON peer from its first byte, and anything else apart from it', () => {
    const cases: Array<[string, Buffer, string]> = [
      ['a JSON envelope', Buffer.from('{"type":"a","data":1}\f'), 'ERR_IPC_SERIALIZATION_MISMATCH'],
      ['whitespace then JSON', Buffer.from(' {"type":"a"}\f'), 'ERR_IPC_SERIALIZATION_MISMATCH'],
      ['a zero byte', Buffer.from([0, 1, 2, 3, 4, 5]), 'ERR_IPC_INVALID_FRAME'],
      ['one byte, not the marker', Buffer.from([0xff]), 'ERR_IPC_INVALID_FRAME'],
    ];
    for (const [label, bytes, code] of cases) {
      const { reader: r, seen } = reader();
      r.push(bytes);
      expect(seen.errors.map(([e, fatal]) => [e.code as string, fatal])).withContext(label).toEqual([[code, true]]);
    }
    // After a good frame, a JSON-looking byte is a stream out of step, not a mismatch.
    const { reader: r, seen } = reader();
    r.push(Buffer.concat([wireOf('a', 1), Buffer.from('{"type":"b"}\f')]));
    expect(seen.messages).toEqual([['a', 1]]);
    expect(seen.errors.map(([e]) => e.code)).toEqual(['ERR_IPC_INVALID_FRAME']);
  });

  it('catches a stream out of step at the end byte of a frame whose length lies', () => {
    const good = wireOf('a', 'xyz');
    const lying = Buffer.from(good);
    lying.writeUInt32BE(good.length - 7, 1);
    const { reader: r, seen } = reader();
    r.push(lying);
    expect(seen.messages).toEqual([]);
    expect(seen.errors.map(([e, fatal]) => [e.code, fatal])).toEqual([['ERR_IPC_INVALID_FRAME', true]]);
  });

  it('reads the rest of a chunk with the next one when a listener throws, staying in step', () => {
    const got: unknown[] = [];
    const r = new LengthPrefixedReader(1 << 20, new StructuredBodyDecoder(null), {
      onMessage: (type, data) => {
        if (type === 'boom') throw new Error('listener failed');
        got.push(data);
      },
      onProtocolError: (err) => { throw err; },
    });
    const wire = Buffer.concat([wireOf('a', 1), wireOf('boom', 2), wireOf('a', 3)]);
    expect(() => r.push(wire)).toThrowError('listener failed');
    expect(got).toEqual([1]);
    r.push(wireOf('a', 4));
    expect(got).toEqual([1, 3, 4]);
  });

  it('decodes bodies without throwing: bad bytes, unknown body kinds, non-string types, names refused before payloads', () => {
    const code = (body: Buffer, policy: EventPolicy | null = null): string => {
      const result = decodeStructured(body, policy);
      return result instanceof IpcError ? result.code : 'ok';
    };
    expect(code(Buffer.from([0xff, 0x0f, 0x22, 0x05, 0x61]))).toBe('ERR_IPC_INVALID_FRAME');
    expect(code(Buffer.from([0x01, 0x02]))).toBe('ERR_IPC_INVALID_FRAME');
    expect(code(Buffer.alloc(0))).toBe('ERR_IPC_INVALID_FRAME');
    expect(code(v8Body(42, v8Body(1).subarray(2)))).toBe('ERR_IPC_INVALID_EVENT');
    expect(code(Buffer.from('{"type":"a",'))).toBe('ERR_IPC_INVALID_JSON');
    // Deeper nesting than the stack allows: a RangeError inside V8, an error here.
    const deep = Buffer.concat([v8Body('deep'), Buffer.alloc(300_000, 0x6f)]);
    expect(code(deep)).toBe('ERR_IPC_INVALID_FRAME');
    // guarded: a reserved name is refused before its (undecodable) payload is read.
    const guarded = new EventPolicy({ maxEventNameLength: 256, allowReservedEvents: false, allowedEvents: null });
    expect(code(v8Body('error', Buffer.from([0x5c, 0x5c])), guarded)).toBe('ERR_IPC_RESERVED_EVENT');
    expect(code(v8Body('fine', Buffer.from([0x5c, 0x5c])), guarded)).toBe('ERR_IPC_INVALID_FRAME');
    const assured = new EventPolicy({ maxEventNameLength: 256, allowReservedEvents: false, allowedEvents: new Set(['ok']) });
    expect(code(frameBody(wireOf('other', new Map())), assured)).toBe('ERR_IPC_EVENT_NOT_ALLOWED');
    expect(code(frameBody(wireOf('ok', new Map())), assured)).toBe('ok');
    // A `__proto__` key is an own property, never the prototype.
    const decoded = decodeStructured(frameBody(wireOf('p', JSON.parse('{"__proto__":{"polluted":1}}'))), null) as { data: object };
    expect(Object.getPrototypeOf(decoded.data)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reads a datagram as exactly one frame; faults drop it and reading goes on', () => {
    const { sink: s, seen } = sink();
    const r = new LengthPrefixedDatagramReader(100, new StructuredBodyDecoder(null), s);
    r.read(wireOf('a', new Set([1])));
    r.read(Buffer.from('{"type":"a","data":1}\f'));
    r.read(wireOf('a', 1).subarray(0, 8));
    r.read(Buffer.concat([wireOf('a', 1), Buffer.from([0])]));
    r.read(wireOf('big', 'x'.repeat(200)));
    r.read(Buffer.from([0xc1, 0, 0]));
    r.read(wireOf('b', 2n));
    expect(seen.messages).toEqual([['a', new Set([1])], ['b', 2n]]);
    expect(seen.errors.map(([e, fatal]) => [e.code, fatal])).toEqual([
      ['ERR_IPC_SERIALIZATION_MISMATCH', false], ['ERR_IPC_INVALID_FRAME', false], ['ERR_IPC_INVALID_FRAME', false],
      ['ERR_IPC_FRAME_TOO_LARGE', false], ['ERR_IPC_INVALID_FRAME', false],
    ]);
  });

  it('makes the JSON readers tell an advanced peer from its first byte (fatal on a stream, whatever the profile)', () => {
    const { sink: s, seen } = sink();
    const json = new JsonStreamReader({ delimiter: '\f', maxMessageSize: 1 << 20, policy: null, decodeFaultsAreFatal: false }, s);
    json.push(wireOf('a', 1));
    json.push(Buffer.from('{"type":"a","data":1}\f'));
    expect(seen.messages).toEqual([]);
    expect(seen.errors.map(([e, fatal]) => [e.code, fatal])).toEqual([['ERR_IPC_SERIALIZATION_MISMATCH', true]]);
    const udp = sink();
    const datagrams = new JsonDatagramReader({ delimiter: '\f', maxMessageSize: 1 << 20, policy: null, decodeFaultsAreFatal: false }, udp.sink);
    datagrams.read(wireOf('a', 1));
    datagrams.read(Buffer.from('{"type":"a","data":1}\f'));
    expect(udp.seen.messages).toEqual([['a', 1]]);
    expect(udp.seen.errors.map(([e, fatal]) => [e.code, fatal])).toEqual([['ERR_IPC_SERIALIZATION_MISMATCH', false]]);
  });
});
