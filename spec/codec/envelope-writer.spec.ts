/**
 * The envelope writer builds `{"type":...,"data":...}` without an object: it must give the
 * very bytes `JSON.stringify({type, data})` gives, for any type, any payload and delimiter.
 */
import * as fc from 'fast-check';
import { EnvelopeWriter } from '../../src/codec/envelope-writer';

function viaObject(type: string, data: unknown, delimiter: string): string {
  try {
    return JSON.stringify({ type, data }) + delimiter;
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
}

function viaWriter(writer: EnvelopeWriter, type: string, data: unknown, delimiter: string): string {
  try {
    return writer.write(type, data, delimiter);
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
}

describe('EnvelopeWriter', () => {
  it('writes what JSON.stringify({type, data}) writes, for any type, payload and delimiter', () => {
    const writer = new EnvelopeWriter();
    fc.assert(fc.property(
      fc.oneof(fc.string(), fc.constantFrom('a', 'a', 'b')),
      fc.anything({ withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true }),
      fc.constantFrom('\f', '\n', '€€', 'ab'),
      (type, data, delimiter) => {
        expect(viaWriter(writer, type, data, delimiter)).toBe(viaObject(type, data, delimiter));
      },
    ), { numRuns: 3000 });
  });

  it('keeps each type its own head: alternating types, and more types than are kept', () => {
    const writer = new EnvelopeWriter();
    const types = ['ab', 'cd', 'ab', 'cd', ...Array.from({ length: 300 }, (_, i) => `t${i}`), 'ab', 'cd'];
    for (const type of types) expect(writer.write(type, { n: 1 }, '\f')).toBe(viaObject(type, { n: 1 }, '\f'));
  });

  it('takes the object path where the text would differ: toJSON that reads its key, no JSON at all, BigInt, cycles', () => {
    const writer = new EnvelopeWriter();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const data of [{ toJSON: (key: string) => key }, () => 1, Symbol('s'), new Date(0), Buffer.from('ab'), [undefined, () => 1], 10n, cycle]) {
      expect(viaWriter(writer, 't', data, '\f')).toBe(viaObject('t', data, '\f'));
    }
  });
});
