/**
 * Property tests of `serialization: 'advanced'` (codec/length-prefixed.ts, structured.ts,
 * json-exact.ts): any structured value, in any chunking, arrives as `structuredClone` gives
 * it; the JSON shortcut for small payloads never changes what arrives; random bytes, random
 * bodies behind a valid header and lying headers never throw, end in at most one fatal
 * error, and never make the reader hold more than one frame's announced bytes.
 */
import * as fc from 'fast-check';
import { isJsonExact } from '../../src/codec/json-exact';
import { LengthPrefixedReader } from '../../src/codec/length-prefixed';
import type { MessageSink } from '../../src/codec/reader';
import { StructuredBodyDecoder } from '../../src/codec/structured';
import { IpcError } from '../../src/errors';
import { cloneDifference, frameOf, wireOf } from '../helpers/advanced';
import { cutAt } from '../helpers/hardening';

interface Seen { messages: Array<[string, unknown]>; errors: Array<[IpcError, boolean]> }

function reader(max: number): { reader: LengthPrefixedReader; seen: Seen } {
  const seen: Seen = { messages: [], errors: [] };
  const sink: MessageSink = {
    onMessage: (type, data) => seen.messages.push([type, data]),
    onProtocolError: (err, fatal) => seen.errors.push([err, fatal]),
  };
  return { reader: new LengthPrefixedReader(max, new StructuredBodyDecoder(null), sink), seen };
}

/** Every value structured clone copies, deeply nested: Maps, Sets, Dates, BigInts, typed arrays, sparse arrays, boxed values. */
const structuredArb = fc.anything({
  withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true,
  withBoxedValues: true, withNullPrototype: true, withObjectString: true, stringUnit: 'grapheme', maxDepth: 4,
});

/** `[1, <hole>, 3]`. */
function sparse(): number[] {
  const array: number[] = [];
  array[0] = 1;
  array[2] = 3;
  return array;
}

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

describe('advanced serialization properties', () => {
  it('gives back what structuredClone gives, for any structured value, in any chunking', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.string({ maxLength: 8 }), structuredArb), { maxLength: 6 }), cutsArb, (pairs, cuts) => {
      const wire = Buffer.concat(pairs.map(([type, data]) => wireOf(type, data)));
      const { reader: r, seen } = reader(1 << 24);
      for (const part of cutAt(wire, cuts)) r.push(part);
      expect(seen.errors).toEqual([]);
      expect(seen.messages.map(([type]) => type)).toEqual(pairs.map(([type]) => type));
      seen.messages.forEach(([, data], i) => {
        expect(cloneDifference(data, structuredClone(pairs[i]![1]))).withContext(`message ${i}`).toBeNull();
      });
      expect(r.pendingBytes).toBe(0);
    }), { numRuns: 300 });
  });

  it('takes the JSON shortcut only where JSON gives exactly what structuredClone gives', () => {
    fc.assert(fc.property(fc.oneof(structuredArb, fc.jsonValue()), (value) => {
      if (!isJsonExact(value)) return;
      expect(cloneDifference(JSON.parse(JSON.stringify(value)), structuredClone(value))).toBeNull();
      // And the frame carries a JSON body: Latin-1 (4c) or, past U+00FF, UTF-8 (`{`).
      expect([0x4c, 0x7b]).toContain(wireOf('t', value)[5] as number);
    }), { numRuns: 1000 });
    const refused: unknown[] = [undefined, NaN, -0, Infinity, 1n, new Date(0), sparse(), Object.assign([1], { extra: 2 }),
      { a: undefined }, { toJSON: () => 1 }, new Map(), Buffer.alloc(1), 'x'.repeat(5000), new (class Point { x = 1; })()];
    const shared = { n: 1 };
    refused.push({ a: shared, b: shared });
    for (const value of refused) expect(isJsonExact(value)).withContext(String(value)).toBeFalse();
  });

  it('keeps circular and shared references, holes and -0 (the V8 body)', () => {
    const node: { self?: unknown; list: unknown[] } = { list: [] };
    node.self = node;
    node.list.push(node, node);
    const { reader: r, seen } = reader(1 << 20);
    r.push(wireOf('graph', { node, sparse: sparse(), zero: -0 }));
    const data = (seen.messages[0] as [string, { node: typeof node; sparse: number[]; zero: number }])[1];
    expect(data.node.self).toBe(data.node);
    expect(data.node.list[0]).toBe(data.node);
    expect(1 in data.sparse).toBeFalse();
    expect(Object.is(data.zero, -0)).toBeTrue();
  });

  it('never throws on random bytes: at most one error, fatal, and never more held than one announced frame', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400, size: 'max' }), fc.boolean(), cutsArb, (bytes, marked, cuts) => {
      const wire = Buffer.from(bytes);
      if (marked && wire.length > 0) wire[0] = 0xc1;
      const max = 64;
      const { reader: r, seen } = reader(max);
      for (const part of cutAt(wire, cuts)) {
        r.push(part);
        expect(r.pendingBytes).toBeLessThanOrEqual(max + 5);
      }
      expect(seen.errors.length).toBeLessThanOrEqual(1);
      for (const [err, fatal] of seen.errors) {
        expect(err).toEqual(jasmine.any(IpcError));
        expect(fatal).toBeTrue();
      }
    }), { numRuns: 2000 });
  });

  it('never throws on random bodies behind a valid header (V8 or JSON): a message or one coded error', () => {
    const codes = ['ERR_IPC_INVALID_FRAME', 'ERR_IPC_INVALID_EVENT', 'ERR_IPC_INVALID_JSON', 'ERR_IPC_INVALID_MESSAGE'];
    const bodyArb = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from([0xff, 0x0f]), Buffer.from(b)])),
      fc.tuple(fc.string(), fc.uint8Array({ maxLength: 100 })).map(([type, b]) => Buffer.concat([wireOf(type, 0).subarray(5, -1), Buffer.from(b)])),
      fc.string().map((s) => Buffer.from(s)),
    );
    fc.assert(fc.property(bodyArb, (body) => {
      const { reader: r, seen } = reader(1 << 20);
      r.push(frameOf(body));
      expect(seen.messages.length + seen.errors.length).toBe(1);
      for (const [err] of seen.errors) expect(codes).toContain(err.code);
    }), { numRuns: 2000 });
  });

  it('a header promising more than arrives holds only what arrived, and a lying length is caught at the end byte', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2000 }), (announced, sent) => {
      const { reader: r, seen } = reader(1000);
      const body = Buffer.alloc(sent, 0x41);
      r.push(Buffer.concat([frameOf(Buffer.alloc(0), announced).subarray(0, 5), body]));
      if (sent <= announced) {
        expect(seen.errors).toEqual([]);
        expect(r.pendingBytes).toBe(5 + sent);
      } else {
        // The byte where the end byte belongs is 0x41: out of step.
        expect(seen.errors.map(([e]) => e.code)).toEqual(['ERR_IPC_INVALID_FRAME']);
        expect(r.pendingBytes).toBe(0);
      }
      expect(seen.messages).toEqual([]);
    }), { numRuns: 300 });
  });
});
