/**
 * Property tests of the text reader of the JSON protocols (codec/json-reader.ts): every split
 * point of a stream of frames with multi-byte characters, delimiters of 1 to 4 characters
 * (multi-byte ones too), `maxMessageSize` exact in UTF-8 bytes at the boundary, and random
 * bytes that never make it throw; and the custom parser reader with a failing listener.
 */
import * as fc from 'fast-check';
import { JsonStreamReader, endsInsideCharacter, type JsonReading } from '../../src/codec/json-reader';
import { FastParser } from '../../src/codec/parsers/parser';
import { ParserReader } from '../../src/codec/parsers/parser-reader';
import type { MessageSink } from '../../src/codec/reader';
import { IpcError } from '../../src/errors';
import { cutAt } from '../helpers/hardening';

interface Seen { messages: Array<[string, unknown]>; errors: Array<[IpcError, boolean]> }

function reader(delimiter: string, max: number, fatal = false): { reader: JsonStreamReader; seen: Seen } {
  const seen: Seen = { messages: [], errors: [] };
  const sink: MessageSink = {
    onMessage: (type, data) => seen.messages.push([type, data]),
    onProtocolError: (err, isFatal) => seen.errors.push([err, isFatal]),
  };
  const reading: JsonReading = { delimiter, maxMessageSize: max, policy: null, decodeFaultsAreFatal: fatal };
  return { reader: new JsonStreamReader(reading, sink), seen };
}

/** Text with 1-, 2-, 3- and 4-byte UTF-8 characters, the default delimiter's neighbours and U+2028 among them. */
const textArb = fc.array(fc.constantFrom('a', 'z', '{', '"', '\\', 'é', 'ß', '€', '\u2028', '中', '😀', '𝄞', '\u000b', ' '), { maxLength: 24 }).map((chars) => chars.join(''));
const delimiterArb = fc.constantFrom('\f', '\n', '\r\n', '|~', '€', '¦¦', '😀', 'abcd', '\f\f\f\f');

describe('text reader properties', () => {
  it('gives back exactly the messages sent, for any split point, characters and delimiter of 1-4 characters', () => {
    fc.assert(fc.property(
      delimiterArb,
      fc.array(fc.tuple(textArb, textArb), { maxLength: 12 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
      (delimiter, pairs, cuts) => {
        // A frame cannot carry its own delimiter: JSON escapes \f, \n and \r, not '€' or '😀'.
        const messages = pairs.map(([type, data]) => [type, data] as [string, unknown])
          .filter((message) => !JSON.stringify({ type: message[0], data: message[1] }).includes(delimiter));
        const wire = Buffer.from(messages.map(([type, data]) => JSON.stringify({ type, data }) + delimiter).join(''));
        const { reader: r, seen } = reader(delimiter, 1 << 20);
        for (const part of cutAt(wire, cuts)) r.push(part);
        expect(seen.errors).toEqual([]);
        expect(seen.messages).toEqual(messages);
        expect(r.pendingBytes).toBe(0);
      },
    ), { numRuns: 600 });
  });

  it('gives back the same messages split at EVERY byte offset, and fed one byte at a time', () => {
    const frames = [{ type: 'éß𝄞', data: 'a\u2028b' }, { type: 'x', data: { n: 1, s: '中文' } }, { type: '', data: null }];
    for (const delimiter of ['\f', '€', '\r\n', '😀😀']) {
      const wire = Buffer.from(frames.map((f) => JSON.stringify(f) + delimiter).join(''));
      for (let cut = 0; cut <= wire.length; cut++) {
        const { reader: r, seen } = reader(delimiter, 1 << 20);
        r.push(wire.subarray(0, cut));
        r.push(wire.subarray(cut));
        expect(seen.messages.length).withContext(`${JSON.stringify(delimiter)} cut ${cut}`).toBe(3);
        expect(seen.messages[0]).toEqual(['éß𝄞', 'a\u2028b']);
      }
      const { reader: r, seen } = reader(delimiter, 1 << 20);
      for (let i = 0; i < wire.length; i++) r.push(wire.subarray(i, i + 1));
      expect(seen.messages.map(([type]) => type)).toEqual(['éß𝄞', 'x', '']);
      expect(r.pendingBytes).toBe(0);
    }
  });

  it('counts maxMessageSize in UTF-8 bytes, exactly at the boundary, in one chunk or many', () => {
    fc.assert(fc.property(
      fc.array(fc.constantFrom('a', 'é', '€', '😀'), { minLength: 1, maxLength: 40 }).map((chars) => chars.join('')),
      fc.integer({ min: -2, max: 2 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
      (payload, slack, cuts) => {
        const frame = JSON.stringify({ type: 't', data: payload });
        const bytes = Buffer.byteLength(frame);
        const max = bytes + slack;
        const { reader: r, seen } = reader('\f', max);
        for (const part of cutAt(Buffer.from(`${frame}\f`), cuts)) r.push(part);
        if (slack >= 0) {
          expect(seen.errors).toEqual([]);
          expect(seen.messages).toEqual([['t', payload]]);
        } else {
          expect(seen.messages).toEqual([]);
          expect(seen.errors.length).toBe(1);
          expect(seen.errors[0]?.[0].code).toBe('ERR_IPC_FRAME_TOO_LARGE');
          expect(seen.errors[0]?.[1]).toBe(true);
        }
      },
    ), { numRuns: 600 });
  });

  it('buffers nothing past the limit: an endless frame is refused once its bytes pass it', () => {
    const { reader: r, seen } = reader('\f', 1000);
    for (let i = 0; i < 100 && seen.errors.length === 0; i++) r.push(Buffer.from('€'.repeat(50)));
    expect(seen.errors.length).toBe(1);
    expect(seen.errors[0]?.[0].code).toBe('ERR_IPC_FRAME_TOO_LARGE');
    expect(r.pendingBytes).toBe(0);
    r.push(Buffer.from('{"type":"late","data":1}\f'));
    expect(seen.messages).toEqual([]);
  });

  it('never throws on random bytes: messages, skipped frames, or one fatal ERR_IPC_FRAME_TOO_LARGE (ERR_IPC_SERIALIZATION_MISMATCH for a first byte c1)', () => {
    fc.assert(fc.property(
      delimiterArb,
      fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }),
      fc.integer({ min: 0, max: 64 }),
      (delimiter, chunks, max) => {
        const { reader: r, seen } = reader(delimiter, max);
        for (const part of chunks) r.push(Buffer.from(part));
        const fatal = seen.errors.filter(([, isFatal]) => isFatal);
        expect(fatal.length).toBeLessThanOrEqual(1);
        // An advanced peer's marker first: nothing is read at all (PROTOCOL.md §10.5).
        const advancedFirst = chunks.find((part) => part.length > 0)?.[0] === 0xc1;
        if (advancedFirst) expect(seen.errors.map(([err, isFatal]) => [err.code, isFatal])).toEqual([['ERR_IPC_SERIALIZATION_MISMATCH', true]]);
        for (const [err, isFatal] of seen.errors) {
          expect(err).toEqual(jasmine.any(IpcError));
          expect(isFatal ? ['ERR_IPC_FRAME_TOO_LARGE', 'ERR_IPC_SERIALIZATION_MISMATCH'] : ['ERR_IPC_INVALID_JSON', 'ERR_IPC_INVALID_MESSAGE', 'ERR_IPC_INVALID_EVENT']).toContain(err.code);
        }
        expect(r.pendingBytes).toBeLessThanOrEqual(max + Buffer.byteLength(delimiter));
      },
    ), { numRuns: 500 });
  });

  it('says a frame is incomplete while the text decoder holds part of a character (messageTimeout sees it)', () => {
    const { reader: r } = reader('\f', 1 << 20);
    const euro = Buffer.from('€');
    r.push(euro.subarray(0, 1));
    expect(r.pendingBytes).toBeGreaterThan(0);
    r.push(euro.subarray(1, 2));
    expect(r.pendingBytes).toBeGreaterThan(0);
    r.push(Buffer.concat([euro.subarray(2), Buffer.from('\f')]));
    expect(r.pendingBytes).toBe(0);
    expect(endsInsideCharacter(Buffer.from('a€'))).toBe(false);
    expect(endsInsideCharacter(Buffer.from('😀').subarray(0, 3))).toBe(true);
  });
});

describe('custom parser reader', () => {
  it("throws a listener's exception on, as the JSON path does, instead of calling it a parser fault", () => {
    const boom = new Error('a handler failed');
    const faults: IpcError[] = [];
    const sink: MessageSink = {
      onMessage: () => { throw boom; },
      onProtocolError: (err) => faults.push(err),
    };
    const r = new ParserReader(new FastParser(), sink, true);
    expect(() => r.push(Buffer.from('{"type":"a","data":1}\f{"type":"b","data":2}\f'))).toThrow(boom);
    expect(faults).toEqual([]);
  });
});
