/**
 * Property tests of the frame decoder (fast-check): whatever the frames and the chunking,
 * the frames out are the frames in; whatever the bytes, nothing throws, only errors reach
 * the sink.
 */
import * as fc from 'fast-check';
import { FrameDecoder, type FrameSink } from '../../src/codec/frame-decoder';
import { decodeMessage } from '../../src/codec/message';
import { IpcError } from '../../src/errors';
import { cutAt } from '../helpers/hardening';

/** Frames (byte strings without the delimiter) and a delimiter. */
const delimiterArb = fc.oneof(
  fc.constant(Buffer.from('\f')),
  fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
);

function withoutDelimiter(delimiter: Buffer): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes))
    // A frame must not contain the delimiter, nor end with a prefix of it that could join the
    // delimiter after it into an earlier match.
    .filter((frame) => Buffer.concat([frame, delimiter]).indexOf(delimiter) === frame.length);
}


function collect(delimiter: Buffer, max: number): { decoder: FrameDecoder; frames: Buffer[]; errors: IpcError[] } {
  const frames: Buffer[] = [];
  const errors: IpcError[] = [];
  // Frames that are views of a chunk are valid only during the call: copy them.
  const sink: FrameSink = { onFrame: (frame) => frames.push(Buffer.from(frame)), onFrameError: (err) => errors.push(err) };
  return { decoder: new FrameDecoder(delimiter, max, sink), frames, errors };
}

describe('frame decoder properties', () => {
  it('gives back exactly the frames sent, for any frames, delimiter and chunking', () => {
    fc.assert(fc.property(
      delimiterArb.chain((delimiter) => fc.tuple(
        fc.constant(delimiter),
        fc.array(withoutDelimiter(delimiter), { maxLength: 20 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
      )),
      ([delimiter, frames, cuts]) => {
        const wire = Buffer.concat(frames.flatMap((frame) => [frame, delimiter]));
        const { decoder, frames: out, errors } = collect(delimiter, 1 << 20);
        for (const part of cutAt(wire, cuts)) decoder.push(part);
        expect(errors).toEqual([]);
        expect(out.map((b) => b.toString('hex'))).toEqual(frames.map((b) => b.toString('hex')));
        expect(decoder.pendingBytes).toBe(0);
      },
    ), { numRuns: 500 });
  });

  it('never throws on random bytes: frames or one ERR_IPC_FRAME_TOO_LARGE, then nothing', () => {
    fc.assert(fc.property(
      delimiterArb,
      fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }),
      fc.integer({ min: 0, max: 64 }),
      (delimiter, chunks, max) => {
        const { decoder, frames, errors } = collect(delimiter, max);
        for (const part of chunks) decoder.push(Buffer.from(part));
        expect(errors.length).toBeLessThanOrEqual(1);
        for (const err of errors) {
          expect(err).toEqual(jasmine.any(IpcError));
          expect(err.code).toBe('ERR_IPC_FRAME_TOO_LARGE');
        }
        for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(max);
        // Nothing buffered past the limit (plus a delimiter that may be arriving).
        expect(decoder.pendingBytes).toBeLessThanOrEqual(max + delimiter.length - 1);
      },
    ), { numRuns: 500 });
  });

  it('never throws decoding any frame: a message or an invalid-JSON/message/event error', () => {
    fc.assert(fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
        fc.record({ type: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')), data: fc.jsonValue() })
          .map((v) => Buffer.from(JSON.stringify(v))),
      ),
      (frame) => {
        const result = decodeMessage(frame);
        if (result instanceof IpcError) expect(['ERR_IPC_INVALID_JSON', 'ERR_IPC_INVALID_MESSAGE', 'ERR_IPC_INVALID_EVENT']).toContain(result.code);
        else expect(typeof result.type).toBe('string');
      },
    ), { numRuns: 1000 });
  });
});

describe('frame decoder after the limit', () => {
  it('delivers nothing and reports nothing more once a pending frame completes past the limit (found by the property above)', () => {
    const frames: string[] = [];
    const errors: IpcError[] = [];
    const decoder = new FrameDecoder(Buffer.from('\f'), 4, {
      onFrame: (frame) => frames.push(frame.toString()),
      onFrameError: (err) => errors.push(err),
    });
    decoder.push(Buffer.from('aaa'));
    // The pending frame ends at 5 bytes (> 4); 'b' and the oversize 'cccccc' follow in the same chunk.
    decoder.push(Buffer.from('aa\fb\fcccccc\f'));
    decoder.push(Buffer.from('d\f'));
    expect(errors.length).toBe(1);
    expect(errors[0]?.code).toBe('ERR_IPC_FRAME_TOO_LARGE');
    expect(frames).toEqual([]);
  });
});
