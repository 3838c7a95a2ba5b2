import { FrameDecoder, forEachFrame, type FrameSink } from '../../src/codec/frame-decoder';
import { IpcError } from '../../src/errors';

class RecordingSink implements FrameSink {
  frames: string[] = [];
  errors: IpcError[] = [];
  onFrame(frame: Buffer): void {
    this.frames.push(frame.toString('utf8'));
  }
  onFrameError(err: IpcError): void {
    this.errors.push(err);
  }
}

function decode(chunks: Buffer[], delimiter = '\f', max = 1024 * 1024): RecordingSink {
  const sink = new RecordingSink();
  const decoder = new FrameDecoder(Buffer.from(delimiter), max, sink);
  for (const chunk of chunks) decoder.push(chunk);
  return sink;
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

const FIXTURES: Array<{ name: string; delimiter: string; frames: string[] }> = [
  { name: 'form feed, JSON', delimiter: '\f', frames: ['{"type":"a","data":{}}', '{"type":"b","data":[1,2,3]}', '{"type":"c","data":"x"}'] },
  { name: 'multi-byte UTF-8 payloads', delimiter: '\f', frames: ['{"type":"u","data":"héllo wörld ✓ 𝄞 日本"}', '{"type":"e","data":"😀😀"}'] },
  { name: 'two-byte delimiter', delimiter: '\r\n', frames: ['one', 'two\r', '\nthree', 'four'] },
  { name: 'repetitive delimiter', delimiter: '##!', frames: ['a#', '#b', '##', 'c##', '#!'.slice(0, 1)] },
  { name: 'multi-byte UTF-8 delimiter', delimiter: '§¶', frames: ['x§', '¶y', 'zz'] },
  { name: 'empty frames', delimiter: '\f', frames: ['', 'a', '', ''] },
];

describe('FrameDecoder', () => {
  for (const fixture of FIXTURES) {
    describe(`with ${fixture.name}`, () => {
      const wire = Buffer.from(fixture.frames.map((f) => f + fixture.delimiter).join(''), 'utf8');

      it('decodes the whole stream in one chunk', () => {
        expect(decode([wire], fixture.delimiter).frames).toEqual(fixture.frames);
      });

      it('decodes byte by byte', () => {
        const bytes = [...wire].map((b) => Buffer.from([b]));
        expect(decode(bytes, fixture.delimiter).frames).toEqual(fixture.frames);
      });

      it('decodes at every single split point', () => {
        for (let cut = 0; cut <= wire.length; cut++) {
          expect(decode(splitAt(wire, [cut]), fixture.delimiter).frames).withContext(`cut at ${cut}`).toEqual(fixture.frames);
        }
      });

      it('decodes at every pair of split points', () => {
        for (let a = 1; a < wire.length; a++) {
          for (let b = a; b < wire.length; b++) {
            expect(decode(splitAt(wire, [a, b]), fixture.delimiter).frames).withContext(`cuts at ${a},${b}`).toEqual(fixture.frames);
          }
        }
      });
    });
  }

  it('emits a frame as soon as its delimiter arrives, even when the chunk goes on', () => {
    const sink = new RecordingSink();
    const decoder = new FrameDecoder(Buffer.from('\f'), 1024, sink);
    decoder.push(Buffer.from('first\fsec'));
    expect(sink.frames).toEqual(['first']);
    expect(decoder.pendingBytes).toBe(3);
    decoder.push(Buffer.from('ond\f'));
    expect(sink.frames).toEqual(['first', 'second']);
    expect(decoder.pendingBytes).toBe(0);
  });

  it('hands out a frame inside one chunk without copying it', () => {
    // Small Buffer.from() results share one pool: a copy from the same pool has the same
    // .buffer, so the views are checked by offset, and by writing through the chunk.
    const chunk = Buffer.from('abc\fdef\f');
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder(Buffer.from('\f'), 1024, { onFrame: (f) => frames.push(f), onFrameError: fail });
    decoder.push(chunk);
    expect(frames.length).toBe(2);
    const [first, second] = frames as [Buffer, Buffer];
    expect(first.buffer).toBe(chunk.buffer);
    expect(first.byteOffset).toBe(chunk.byteOffset);
    expect(second.byteOffset).toBe(chunk.byteOffset + 4);
    chunk.write('XYZ', 0);
    chunk.write('UVW', 4);
    expect(first.toString()).toBe('XYZ');
    expect(second.toString()).toBe('UVW');
  });

  it('accepts a frame of exactly maxFrameBytes and refuses one byte more', () => {
    expect(decode([Buffer.from('12345\f')], '\f', 5).frames).toEqual(['12345']);
    const sink = decode([Buffer.from('123456\f')], '\f', 5);
    expect(sink.frames).toEqual([]);
    expect(sink.errors.length).toBe(1);
    expect(sink.errors[0]).toEqual(jasmine.any(IpcError));
    expect(sink.errors[0]?.code).toBe('ERR_IPC_FRAME_TOO_LARGE');
  });

  it('refuses an endless frame as soon as it passes the limit, without buffering more', () => {
    const sink = new RecordingSink();
    const decoder = new FrameDecoder(Buffer.from('\r\n'), 10, sink);
    decoder.push(Buffer.from('0123456789'));
    expect(sink.errors.length).toBe(0);
    decoder.push(Buffer.from('\r')); // may still be the start of the delimiter
    expect(sink.errors.length).toBe(0);
    decoder.push(Buffer.from('x'));
    expect(sink.errors.map((e) => e.code)).toEqual(['ERR_IPC_FRAME_TOO_LARGE']);
    expect(decoder.pendingBytes).toBe(0);
    decoder.push(Buffer.from('more\r\n'));
    expect(sink.frames).toEqual([]);
    expect(sink.errors.length).toBe(1);
  });

  it('reports the limit once even when a later frame in the chunk is fine', () => {
    const sink = decode([Buffer.from('toolongframe\fok\f')], '\f', 5);
    expect(sink.errors.length).toBe(1);
    expect(sink.frames).toEqual([]);
  });

  it('stops delivering when the sink fails it from inside onFrame', () => {
    const frames: string[] = [];
    const holder: { decoder?: FrameDecoder } = {};
    const sink: FrameSink = {
      onFrame: (f) => {
        frames.push(f.toString());
        holder.decoder?.push(Buffer.from('x'.repeat(20)));
      },
      onFrameError: () => undefined,
    };
    const decoder = new FrameDecoder(Buffer.from('\f'), 5, sink);
    holder.decoder = decoder;
    decoder.push(Buffer.from('a\fb\f'));
    expect(frames).toEqual(['a']);
  });

  for (const delimiter of ['\f', '\r\n']) {
    it(`scans a large frame spread over many chunks once (delimiter of ${delimiter.length} byte(s))`, () => {
      // Counts the bytes the delimiter search covers (Buffer#indexOf: includes() goes through
      // it too): re-scanning what is pending on each chunk would cost size^2 / 2 / CHUNK here.
      const size = 8 * 1024 * 1024;
      const CHUNK = 16384;
      const payload = Buffer.alloc(size, 'a');
      const sink = new RecordingSink();
      const decoder = new FrameDecoder(Buffer.from(delimiter), size, sink);
      let scanned = 0;
      const indexOf = Buffer.prototype.indexOf;
      Buffer.prototype.indexOf = function (this: Buffer, value: never, byteOffset?: number, encoding?: BufferEncoding): number {
        const from = typeof byteOffset === 'number' ? (byteOffset < 0 ? Math.max(0, this.length + byteOffset) : byteOffset) : 0;
        scanned += Math.max(0, this.length - from);
        return indexOf.call(this, value, byteOffset, encoding);
      };
      try {
        for (let i = 0; i < size; i += CHUNK) decoder.push(payload.subarray(i, i + CHUNK));
        decoder.push(Buffer.from(delimiter));
      } finally {
        Buffer.prototype.indexOf = indexOf;
      }
      expect(sink.frames.length).toBe(1);
      expect(sink.frames[0]?.length).toBe(size);
      // One pass, plus at most a delimiter's worth at each chunk boundary.
      expect(scanned).toBeGreaterThanOrEqual(size);
      expect(scanned).toBeLessThanOrEqual(size + (size / CHUNK + 1) * 2 * delimiter.length);
    });
  }

  it('rejects an empty delimiter', () => {
    expect(() => new FrameDecoder(Buffer.alloc(0), 10, new RecordingSink())).toThrowError(TypeError, /delimiter/);
  });

  it('drops a pending partial frame on reset', () => {
    const sink = new RecordingSink();
    const decoder = new FrameDecoder(Buffer.from('\f'), 100, sink);
    decoder.push(Buffer.from('partial'));
    decoder.reset();
    decoder.push(Buffer.from('whole\f'));
    expect(sink.frames).toEqual(['whole']);
  });
});

describe('forEachFrame', () => {
  it('splits a datagram and keeps bytes after the last delimiter as a frame', () => {
    const frames: string[] = [];
    forEachFrame(Buffer.from('a\fb\fc'), Buffer.from('\f'), (f) => frames.push(f.toString()));
    expect(frames).toEqual(['a', 'b', 'c']);
  });

  it('gives nothing for an empty datagram', () => {
    const frames: string[] = [];
    forEachFrame(Buffer.alloc(0), Buffer.from('\f'), (f) => frames.push(f.toString()));
    expect(frames).toEqual([]);
  });
});
