import { decodeMessage, encodeMessage } from '../../src/codec/message';
import { detachFrame, toRawBytes } from '../../src/codec/raw';
import { IpcError } from '../../src/errors';

describe('encodeMessage', () => {
  it("writes node-ipc's exact bytes: {type, data} then the delimiter", () => {
    expect(encodeMessage('message', { a: 1 }, '\f')).toBe('{"type":"message","data":{"a":1}}\f');
    expect(encodeMessage('t', 'héllo', '\r\n')).toBe('{"type":"t","data":"héllo"}\r\n');
  });

  it('sends undefined, null, empty string and NaN as {}, but false and 0 as themselves', () => {
    for (const empty of [undefined, null, '', NaN]) expect(encodeMessage('t', empty, '\f')).toBe('{"type":"t","data":{}}\f');
    expect(encodeMessage('t', false, '\f')).toBe('{"type":"t","data":false}\f');
    expect(encodeMessage('t', 0, '\f')).toBe('{"type":"t","data":0}\f');
  });

  it('sends an EventEmitter-like object (truthy _maxListeners) as {}, as node-ipc does', () => {
    expect(encodeMessage('t', { _maxListeners: 10, _events: {} }, '\f')).toBe('{"type":"t","data":{}}\f');
    expect(encodeMessage('t', { _maxListeners: 0, a: 1 }, '\f')).toBe('{"type":"t","data":{"_maxListeners":0,"a":1}}\f');
  });

  it('throws what JSON.stringify throws for data it cannot encode', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => encodeMessage('t', circular, '\f')).toThrowError(TypeError);
    expect(() => encodeMessage('t', 1n, '\f')).toThrowError(TypeError);
  });
});

describe('decodeMessage', () => {
  it('round-trips what encodeMessage wrote', () => {
    const data = { nested: [1, 'two', { three: null }], unicode: '✓ 😀' };
    const frame = encodeMessage('x', data, '\f');
    expect(decodeMessage(Buffer.from(frame.slice(0, -1)))).toEqual({ type: 'x', data });
  });

  it('reports invalid JSON as ERR_IPC_INVALID_JSON (node-ipc 14 code) with node-ipc fields', () => {
    const result = decodeMessage(Buffer.from('{not json'));
    expect(result).toEqual(jasmine.any(IpcError));
    const err = result as IpcError & { response: string; err: unknown };
    expect(err.code).toBe('ERR_IPC_INVALID_JSON');
    expect(err.message).toBe('Invalid JSON response format');
    expect(err.response).toBe('{not json');
    expect(err.err).toEqual(jasmine.any(SyntaxError));
    expect((err as { cause?: unknown }).cause).toBe(err.err);
  });

  for (const [frame, code] of [['5', 'ERR_IPC_INVALID_MESSAGE'], ['null', 'ERR_IPC_INVALID_MESSAGE'], ['"text"', 'ERR_IPC_INVALID_MESSAGE'],
    ['[1,2]', 'ERR_IPC_INVALID_EVENT'], ['{"data":1}', 'ERR_IPC_INVALID_EVENT'], ['{"type":5}', 'ERR_IPC_INVALID_EVENT'], ['{"type":null,"data":1}', 'ERR_IPC_INVALID_EVENT']]) {
    it(`rejects ${frame} as not a {type: string} envelope (${code})`, () => {
      const result = decodeMessage(Buffer.from(frame as string));
      expect(result).toEqual(jasmine.any(IpcError));
      expect((result as IpcError).code).toBe(code as string);
      expect((result as IpcError).message).toContain('"type": string');
    });
  }

  it('keeps only an excerpt of a huge bad frame', () => {
    const result = decodeMessage(Buffer.from('x'.repeat(100000))) as IpcError & { response: string };
    expect(result.response.length).toBeLessThan(2000);
  });

  it('decodes invalid UTF-8 inside strings without throwing', () => {
    const frame = Buffer.concat([Buffer.from('{"type":"t","data":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const result = decodeMessage(frame) as { type: string; data: string };
    expect(result.type).toBe('t');
    expect(typeof result.data).toBe('string');
  });
});

describe('toRawBytes', () => {
  it('encodes strings with the encoding; a single buffer is passed through uncopied', () => {
    expect([...toRawBytes('0aff', 'hex')]).toEqual([0x0a, 0xff]);
    expect(Buffer.from(toRawBytes('hi', 'utf8')).toString()).toBe('hi');
    const source = Buffer.from([1, 2]);
    // The copy is made by whoever keeps the bytes (the write batch, detachFrame).
    expect(toRawBytes(source, 'utf8')).toBe(source);
  });

  it('detachFrame copies bytes and leaves strings as they are', () => {
    const source = Buffer.from([1, 2]);
    const copy = detachFrame(source);
    source[0] = 9;
    expect([...(copy as Buffer)]).toEqual([1, 2]);
    expect(Buffer.isBuffer(detachFrame(new Uint8Array([3])))).toBe(true);
    expect(detachFrame('text')).toBe('text');
  });

  it('accepts typed arrays, ArrayBuffers and byte arrays', () => {
    expect([...toRawBytes(new Uint8Array([1]), 'utf8')]).toEqual([1]);
    expect([...toRawBytes(new Uint8Array([2, 3]).buffer, 'utf8')]).toEqual([2, 3]);
    expect([...toRawBytes([4, 5], 'utf8')]).toEqual([4, 5]);
    expect([...toRawBytes('AQ==', 'base64')]).toEqual([1]);
  });

  it('throws a TypeError naming the bad value (node-ipc threw from Buffer.from)', () => {
    expect(() => toRawBytes({}, 'utf8')).toThrowError(TypeError, /"data" argument/);
    expect(() => toRawBytes(undefined, 'utf8')).toThrowError(TypeError, /Received type undefined/);
  });
});
