/**
 * The guarded decoder (frame decoder + envelope + event policy) under the same fast-check
 * properties as today's decoder (./decoder-property.spec.ts), and a corpus of hostile
 * envelopes: prototype names, reserved names, 10k-character names, absurd nesting and
 * non-string types. Whatever the bytes and the chunking: nothing throws, every message that
 * comes out passes the policy, and every refusal has one of node-ipc 14's codes.
 */
import * as fc from 'fast-check';
import { EventPolicy, RESERVED_EVENTS } from '../../src/codec/event-policy';
import { FrameDecoder } from '../../src/codec/frame-decoder';
import { decodeMessage, type Message } from '../../src/codec/message';
import { decodeGuarded, encodeEnvelope } from '../../src/codec/parsers/envelope';
import { IpcError } from '../../src/errors';
import { Profile } from '../../src/profile';
import { EnvelopeProtocol } from '../../src/protocol/envelope';
import { defaultConfig } from '../../src/config';
import { cutAt } from '../helpers/hardening';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const MAX_NAME = 32;
const guardedPolicy = new EventPolicy({ maxEventNameLength: MAX_NAME, allowReservedEvents: false, allowedEvents: null });
const assuredPolicy = new EventPolicy({ maxEventNameLength: MAX_NAME, allowReservedEvents: false, allowedEvents: new Set(['ok', 'a.b']) });

const REFUSAL_CODES = ['ERR_IPC_INVALID_JSON', 'ERR_IPC_INVALID_MESSAGE', 'ERR_IPC_INVALID_EVENT', 'ERR_IPC_EVENT_TOO_LARGE', 'ERR_IPC_RESERVED_EVENT', 'ERR_IPC_EVENT_NOT_ALLOWED'];

/** Runs `wire` through a frame decoder in the given chunks, then each frame through the guarded envelope. */
function decodeWire(chunks: Buffer[], policy: EventPolicy, max: number): Array<Message | IpcError> {
  const out: Array<Message | IpcError> = [];
  const decoder = new FrameDecoder(Buffer.from('\f'), max, {
    onFrame: (frame) => out.push(decodeGuarded(frame, policy)),
    onFrameError: (err) => out.push(err),
  });
  for (const chunk of chunks) decoder.push(chunk);
  return out;
}


const nameArb = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom(...PROTOTYPE_NAMES, ...RESERVED_EVENTS, 'ok', 'a.b', ''),
);

const envelopeArb = fc.record({
  type: fc.oneof(nameArb, fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string())),
  data: fc.jsonValue(),
});

function expectPasses(message: Message, policy: EventPolicy): void {
  expect(typeof message.type).toBe('string');
  expect(policy.check(message.type)).toBeNull();
  expect(PROTOTYPE_NAMES).not.toContain(message.type);
  expect(RESERVED_EVENTS.has(message.type)).toBe(false);
  expect(message.type.length).toBeLessThanOrEqual(MAX_NAME);
}

describe('guarded decoder properties', () => {
  it('any envelopes in any chunking: the messages that pass are exactly the fast decoder\'s that the policy allows, in order', () => {
    fc.assert(fc.property(
      fc.array(envelopeArb, { maxLength: 15 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
      fc.boolean(),
      (envelopes, cuts, assured) => {
        const policy = assured ? assuredPolicy : guardedPolicy;
        const frames = envelopes.map((e) => JSON.stringify(e));
        const wire = Buffer.from(frames.map((f) => `${f}\f`).join(''));
        const out = decodeWire(cutAt(wire, cuts), policy, 1 << 20);
        expect(out.length).toBe(frames.length);
        out.forEach((result, i) => {
          const fast = decodeMessage(Buffer.from(frames[i] as string));
          if (result instanceof IpcError) {
            expect(REFUSAL_CODES).toContain(result.code);
            if (!(fast instanceof IpcError)) expect(policy.check(fast.type)).not.toBeNull();
          } else {
            expectPasses(result, policy);
            expect(result).toEqual(fast as Message);
          }
        });
      },
    ), { numRuns: 500 });
  });

  it('never throws on random bytes: messages that pass the policy, refusals with a node-ipc 14 code, at most one FRAME_TOO_LARGE', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 20 }),
      fc.integer({ min: 0, max: 96 }),
      (chunks, max) => {
        const out = decodeWire(chunks.map((c) => Buffer.from(c)), guardedPolicy, max);
        let tooLarge = 0;
        for (const result of out) {
          if (result instanceof IpcError) {
            if (result.code === 'ERR_IPC_FRAME_TOO_LARGE') tooLarge++;
            else expect(REFUSAL_CODES).toContain(result.code);
          } else {
            expectPasses(result, guardedPolicy);
          }
        }
        expect(tooLarge).toBeLessThanOrEqual(1);
      },
    ), { numRuns: 1000 });
  });

  it('what the guarded encoder sends, the guarded decoder gives back (payloads untouched, null and "" included)', () => {
    const protocol = new EnvelopeProtocol(new Profile(Object.assign(defaultConfig(), { parser: 'guarded' as const })));
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 40 }).filter((name) => guardedPolicy.check(name) === null),
      fc.jsonValue(),
      (type, data) => {
        const frame = protocol.encode(type, data);
        expect(frame.endsWith('\f')).toBe(true);
        const back = decodeGuarded(Buffer.from(frame.slice(0, -1)), guardedPolicy) as Message;
        expect(back.type).toBe(type);
        expect(back.data).toEqual(data === undefined ? {} : JSON.parse(JSON.stringify(data)));
      },
    ), { numRuns: 500 });
  });
});

describe('guarded decoder: hostile envelope corpus', () => {
  const deep = (depth: number, open: string, close: string): string => open.repeat(depth) + close.repeat(depth);
  const corpus: Array<{ label: string; frame: string; code: string | null }> = [
    ...PROTOTYPE_NAMES.map((name) => ({ label: `prototype name ${name}`, frame: JSON.stringify({ type: name, data: { polluted: true } }), code: 'ERR_IPC_INVALID_EVENT' })),
    ...[...RESERVED_EVENTS].map((name) => ({ label: `reserved name ${name}`, frame: JSON.stringify({ type: name, data: 1 }), code: 'ERR_IPC_RESERVED_EVENT' })),
    { label: 'an escaped __proto__ name', frame: '{"type":"\\u005f\\u005fproto\\u005f\\u005f","data":1}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'a duplicate type key (last wins: __proto__)', frame: '{"type":"ok","type":"__proto__"}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'a 10k-character name', frame: JSON.stringify({ type: 'x'.repeat(10000), data: 1 }), code: 'ERR_IPC_EVENT_TOO_LARGE' },
    { label: 'a 10k-character reserved-looking name', frame: JSON.stringify({ type: `connect${' '.repeat(10000)}`, data: 1 }), code: 'ERR_IPC_EVENT_TOO_LARGE' },
    { label: 'a numeric type', frame: '{"type":1}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'a null type', frame: '{"type":null}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'an object type', frame: '{"type":{"toString":"x"}}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'an array type', frame: '{"type":["ok"]}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'a boolean type', frame: '{"type":true}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'no type', frame: '{"data":1}', code: 'ERR_IPC_INVALID_EVENT' },
    { label: 'an array envelope', frame: '[1,2]', code: 'ERR_IPC_INVALID_MESSAGE' },
    { label: 'a null envelope', frame: 'null', code: 'ERR_IPC_INVALID_MESSAGE' },
    { label: 'a number envelope', frame: '42', code: 'ERR_IPC_INVALID_MESSAGE' },
    { label: 'a truncated envelope', frame: '{"type":"ok","data":', code: 'ERR_IPC_INVALID_JSON' },
    { label: 'a byte-order mark', frame: '\ufeff{"type":"ok"}', code: 'ERR_IPC_INVALID_JSON' },
    { label: 'NUL bytes', frame: '\u0000\u0000', code: 'ERR_IPC_INVALID_JSON' },
    { label: '100k-deep nested arrays in data', frame: `{"type":"ok","data":${deep(100000, '[', ']')}}`, code: null },
    { label: '1M-deep nested arrays (parser limits hit)', frame: `{"type":"ok","data":${deep(1000000, '[', ']')}}`, code: null },
    { label: '100k-deep nested objects in data', frame: `{"type":"ok","data":${deep(100000, '{"a":', '}').replace(/\{"a":\}/, '{"a":1}')}}`, code: null },
    { label: 'a __proto__ key inside data (own property, no pollution)', frame: '{"type":"ok","data":{"__proto__":{"polluted":true}}}', code: null },
  ];

  for (const entry of corpus) {
    it(`${entry.label}: ${entry.code ?? 'accepted or refused as JSON, never thrown'}`, () => {
      const results = decodeWire([Buffer.from(`${entry.frame}\f`)], guardedPolicy, 64 * 1024 * 1024);
      expect(results.length).toBe(1);
      const result = results[0];
      if (entry.code !== null) {
        expect(result).toEqual(jasmine.any(IpcError));
        expect((result as IpcError).code).toBe(entry.code);
        // Refusals never carry the hostile text back.
        expect((result as IpcError).message.length).toBeLessThan(120);
      } else if (result instanceof IpcError) {
        expect(result.code).toBe('ERR_IPC_INVALID_JSON');
      } else {
        expectPasses(result as Message, guardedPolicy);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  it('assured refuses every name not listed, whatever it is, with ERR_IPC_EVENT_NOT_ALLOWED or an earlier refusal', () => {
    fc.assert(fc.property(nameArb, (name) => {
      const result = decodeGuarded(Buffer.from(JSON.stringify({ type: name, data: 1 })), assuredPolicy);
      if (name === 'ok' || name === 'a.b') expect(result).toEqual({ type: name, data: 1 });
      else expect(REFUSAL_CODES).toContain((result as IpcError).code);
    }), { numRuns: 500 });
  });

  it('a policy that has seen names before answers each one as a fresh policy does (the last-passed shortcut never lets a refusal through)', () => {
    const verdict = (policy: EventPolicy, name: unknown): string => policy.check(name)?.code ?? 'pass';
    const anyName = fc.oneof(nameArb, fc.constantFrom(null, undefined, 0, NaN, {}, ''));
    fc.assert(fc.property(fc.array(anyName, { minLength: 1, maxLength: 30 }), fc.boolean(), (names, assured) => {
      const options = { maxEventNameLength: MAX_NAME, allowReservedEvents: false, allowedEvents: assured ? new Set(['ok', 'a.b']) : null };
      const used = new EventPolicy(options);
      for (const name of names) expect(verdict(used, name)).toBe(verdict(new EventPolicy(options), name));
    }), { numRuns: 300 });
    // Before any name passed, the values a shortcut could mistake for "the last one" are refused.
    for (const name of [null, undefined, '']) expect(verdict(new EventPolicy({ maxEventNameLength: 8, allowReservedEvents: false, allowedEvents: null }), name)).toBe('ERR_IPC_INVALID_EVENT');
  });

  it('encodeEnvelope rewrites only a missing payload', () => {
    expect(encodeEnvelope('a', undefined, '\f')).toBe('{"type":"a","data":{}}\f');
    expect(encodeEnvelope('a', null, '\f')).toBe('{"type":"a","data":null}\f');
    expect(encodeEnvelope('a', '', '\f')).toBe('{"type":"a","data":""}\f');
  });
});
