/**
 * WriteBatch: what a connection writes at the end of a tick. Text is joined, bytes are
 * copied on add (the caller may reuse its buffer) into slabs, never written twice.
 */
import { LATIN1_FRAMES, encodeStructured } from '../../src/codec/structured';
import { wireOf } from '../helpers/advanced';
import { isOwnedFrame, ownFrame } from '../../src/codec/raw';
import { WriteBatch, type BatchPayload } from '../../src/transport/write-batch';

/** The bytes a payload puts on the wire. */
function wire(payload: BatchPayload | null): Buffer {
  if (payload === null) return Buffer.alloc(0);
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  return Array.isArray(payload) ? Buffer.concat(payload) : payload;
}

describe('WriteBatch', () => {
  it('joins text into one string and counts its length', () => {
    const batch = new WriteBatch();
    batch.addText('{"a":1}\f');
    batch.addText('{"b":2}\f');
    expect(batch.size).toBe(16);
    expect(batch.take()).toBe('{"a":1}\f{"b":2}\f');
    expect(batch.size).toBe(0);
    expect(batch.take()).toBeNull();
  });

  it('gives text as bytes in its encoding when the socket still has unsent bytes (queued), as a string otherwise', () => {
    const utf8 = new WriteBatch();
    utf8.addText('{"a":"é€😀"}\f');
    utf8.addText('{"b":2}\f');
    const queued = utf8.take(true);
    expect(Buffer.isBuffer(queued)).toBe(true);
    expect((queued as Buffer).toString('utf8')).toBe('{"a":"é€😀"}\f{"b":2}\f');
    expect(utf8.size).toBe(0);
    expect(utf8.take(true)).toBeNull();
    // Frames whose characters are bytes (advanced serialization) stay those bytes.
    const latin1 = new WriteBatch(LATIN1_FRAMES);
    latin1.addText('\xc1\x00\x00\x00\x02{}\x0c');
    expect([...(latin1.take(true) as Buffer)]).toEqual([0xc1, 0, 0, 0, 2, 0x7b, 0x7d, 0x0c]);
    latin1.addText('x');
    expect(latin1.take()).toBe('x');
  });

  it('gives Latin-1 frames that hold a wider character as the bytes their protocol makes of them, whichever way they leave', () => {
    const plain = encodeStructured('a', 'é') as string;
    const wide = encodeStructured('a', '😀') as string;
    const expected = Buffer.concat([wireOf('a', 'é'), wireOf('a', '😀')]);
    expect(wireOf('a', '😀')[5]).withContext('a UTF-8 body').toBe(0x7b);
    for (const queued of [false, true]) {
      const batch = new WriteBatch(LATIN1_FRAMES);
      batch.addText(plain);
      batch.addText(wide);
      expect(batch.take(queued)).withContext(`queued: ${queued}`).toEqual(expected);
    }
    // After bytes in the same batch, each frame is made bytes as it is added.
    const mixed = new WriteBatch(LATIN1_FRAMES);
    mixed.addText(wide);
    mixed.addBytes(Buffer.from([1]));
    mixed.addText(wide);
    expect(Buffer.concat([mixed.take() as Buffer].flat())).toEqual(Buffer.concat([wireOf('a', '😀'), Buffer.from([1]), wireOf('a', '😀')]));
  });

  it('copies bytes when they are added: changing the source afterwards changes nothing', () => {
    const batch = new WriteBatch();
    const source = Buffer.from([1, 2, 3]);
    batch.addBytes(source);
    source.fill(9);
    batch.addBytes(source.subarray(0, 1));
    const taken = batch.take();
    expect(Buffer.isBuffer(taken)).toBe(true);
    expect([...wire(taken)]).toEqual([1, 2, 3, 9]);
  });

  it('keeps a tick of many small buffers in order, in parts of at most 64 KiB', () => {
    const batch = new WriteBatch();
    const expected: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.alloc(64, i & 0xff);
      batch.addBytes(bytes);
      expected.push(...bytes);
    }
    const taken = batch.take();
    expect(Array.isArray(taken)).toBe(true);
    for (const part of taken as Buffer[]) expect(part.length).toBeLessThanOrEqual(64 * 1024);
    expect(wire(taken).equals(Buffer.from(expected))).toBe(true);
  });

  it('writes a small tick as one Buffer', () => {
    const batch = new WriteBatch();
    for (let i = 0; i < 10; i++) batch.addBytes(Buffer.alloc(64, i));
    const taken = batch.take();
    expect(Buffer.isBuffer(taken)).toBe(true);
    expect((taken as Buffer).length).toBe(640);
  });

  it('writes each of a run of regular ticks as one Buffer once its slab has grown', () => {
    const batch = new WriteBatch();
    const tick = (): ReturnType<WriteBatch['take']> => {
      for (let i = 0; i < 625; i++) batch.addBytes(Buffer.alloc(64, i & 0xff)); // 40000 bytes
      return batch.take();
    };
    // The first ticks grow the slab (8, 16, 32, then 64 KiB), and are written in parts.
    tick();
    tick();
    for (let n = 0; n < 20; n++) {
      const taken = tick();
      expect(Buffer.isBuffer(taken)).toBe(true);
      expect((taken as Buffer).length).toBe(40000);
    }
  });

  it('never writes again into a region it handed out', () => {
    const batch = new WriteBatch();
    const taken: Buffer[] = [];
    for (let tick = 0; tick < 600; tick++) {
      batch.addBytes(Buffer.alloc(100, tick & 0xff));
      taken.push(batch.take() as Buffer);
    }
    taken.forEach((region, tick) => expect(region.equals(Buffer.alloc(100, tick & 0xff))).toBe(true));
  });

  it('gives a large buffer a copy of its own, in order between small ones', () => {
    const batch = new WriteBatch();
    const large = Buffer.alloc(100 * 1024, 7);
    batch.addBytes(Buffer.from([1]));
    batch.addBytes(large);
    large.fill(0);
    batch.addBytes(Buffer.from([2]));
    const taken = batch.take();
    expect(Array.isArray(taken)).toBe(true);
    const bytes = wire(taken);
    expect(bytes.length).toBe(100 * 1024 + 2);
    expect(bytes[0]).toBe(1);
    expect(bytes[1]).toBe(7);
    expect(bytes[100 * 1024]).toBe(7);
    expect(bytes[100 * 1024 + 1]).toBe(2);
  });

  it('writes a large frame its protocol owns as it is (no second copy), and still copies a caller\'s', () => {
    const batch = new WriteBatch();
    const owned = ownFrame(Buffer.alloc(64 * 1024, 1));
    const callers = Buffer.alloc(64 * 1024, 2);
    batch.addBytes(owned);
    batch.addBytes(callers);
    const taken = batch.take() as Buffer[];
    expect(taken.length).toBe(2);
    expect(taken[0]).toBe(owned);
    expect(taken[1]).not.toBe(callers);
    expect(taken[1]!.equals(callers)).toBeTrue();
    // A small owned frame is not marked: it goes into the slab like any bytes.
    expect(isOwnedFrame(ownFrame(Buffer.alloc(100)))).toBeFalse();
  });

  it('keeps the order of text and bytes mixed in one tick', () => {
    const batch = new WriteBatch();
    batch.addText('a');
    batch.addBytes(Buffer.from('b'));
    batch.addText('ç');
    batch.addBytes(new Uint8Array([0x64]));
    expect(wire(batch.take()).toString()).toBe('abçd');
    // The next tick is text again, joined as a string.
    batch.addText('e');
    expect(batch.take()).toBe('e');
  });

  it('drops everything on clear()', () => {
    const batch = new WriteBatch();
    batch.addText('x');
    batch.addBytes(Buffer.from('y'));
    batch.clear();
    expect(batch.size).toBe(0);
    expect(batch.take()).toBeNull();
    batch.addBytes(Buffer.from('z'));
    expect(wire(batch.take()).toString()).toBe('z');
  });
});
