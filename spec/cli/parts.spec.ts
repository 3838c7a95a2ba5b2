/**
 * The command line's pure parts, in-process: flags, targets, typed lines, the proxy's frame
 * tap (every split point, byte by byte, a delimiter cut across chunks, a multi-byte character
 * cut in two), the output formats and colour rules, and exit codes chosen by error code.
 */
import { parseArgs } from '../../src/cli/args';
import { cleanMessage, describeError, failure, refusedCertificate } from '../../src/cli/diagnose';
import { CliError, ExitCode, exitCodeFor } from '../../src/cli/exit-codes';
import { decodeFrame, FrameTap, type TapEvent } from '../../src/cli/frame-tap';
import { COMMAND_FLAGS, delimiterOf, readOptions } from '../../src/cli/options';
import { Output, useColour } from '../../src/cli/output';
import { describe as describeTarget, parseTarget, requireStream } from '../../src/cli/target';
import { parseBytes, parseData, parseLine } from '../../src/cli/typed-line';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(ExitCode.usage);
    return (err as CliError).message;
  }
  throw new Error('expected a usage error');
}

describe('cli flags', () => {
  const send = COMMAND_FLAGS.send as NonNullable<typeof COMMAND_FLAGS.send>;

  it('takes --flag value, --flag=value, switches, -h, -- and negative numbers as positionals', () => {
    const parsed = parseArgs(['/tmp/s', '--timeout', '50', 'count', '-5', '--json', '--delimiter=\\n', '-h', '--', '--raw'], send);
    expect(parsed.positionals).toEqual(['/tmp/s', 'count', '-5', '--raw']);
    expect(Object.fromEntries(parsed.flags)).toEqual({ timeout: '50', json: true, delimiter: '\\n', help: true });
  });

  it('refuses unknown flags (with a suggestion), missing values, values on switches', () => {
    expect(usage(() => parseArgs(['--jsn'], send))).toBe('unknown flag --jsn (did you mean --json?)');
    expect(usage(() => parseArgs(['--listen', 'x'], send))).toBe('unknown flag --listen');
    expect(usage(() => parseArgs(['--timeout'], send))).toBe('--timeout needs a value');
    expect(usage(() => parseArgs(['--timeout', '--json'], send))).toBe('--timeout needs a value');
    expect(usage(() => parseArgs(['--json=yes'], send))).toContain('--json takes no value');
  });

  it('checks values: numbers, encodings, profiles, readable files, delimiter escapes', () => {
    const options = (args: string[]) => readOptions(parseArgs(args, send));
    expect(options([]).timeout).toBe(10000);
    expect(options(['--timeout', '0']).timeout).toBe(0);
    expect(usage(() => options(['--timeout', '1.5']))).toContain('--timeout must be a whole number');
    expect(usage(() => options(['--encoding', 'ebcdic']))).toContain('--encoding "ebcdic"');
    expect(usage(() => options(['--parser', 'raw']))).toContain('--parser must be fast, guarded or assured');
    expect(usage(() => options(['--raw', '--parser', 'fast']))).toContain('exclude each other');
    expect(usage(() => options(['--parser', 'assured']))).toContain('--parser assured needs --allowed-events');
    expect(usage(() => options(['--ca', '/nonexistent/ca.pem']))).toBe('--ca /nonexistent/ca.pem: cannot read it (ENOENT)');
    expect(usage(() => options(['--allowed-events', ' , ']))).toContain('at least one event name');
    expect(options(['--allowed-events', 'a, b']).allowedEvents).toEqual(['a', 'b']);
    expect(delimiterOf(undefined)).toBe('\f');
    expect(delimiterOf('\\r\\n')).toBe('\r\n');
    expect(delimiterOf('\\x00|\\u2603\\\\')).toBe('\0|\u2603\\');
    expect(usage(() => delimiterOf('\\q'))).toContain('unknown escape \\q');
    expect(usage(() => delimiterOf(''))).toContain('at least one character');
  });
});

describe('cli targets', () => {
  it('reads paths, ids, host:port, tls, udp4 and udp6', () => {
    expect(parseTarget('/tmp/app.world', false)).toEqual({ kind: 'path', path: '/tmp/app.world', text: '/tmp/app.world' });
    expect(parseTarget('\\\\.\\pipe\\x', false).kind).toBe('path');
    expect(parseTarget('world', false)).toEqual({ kind: 'id', id: 'world', text: 'world' });
    expect(parseTarget('localhost:8000', false)).toEqual(jasmine.objectContaining({ kind: 'tcp', host: 'localhost', port: 8000 }));
    expect(parseTarget(':8000', false)).toEqual(jasmine.objectContaining({ kind: 'tcp', host: '127.0.0.1', port: 8000 }));
    expect(parseTarget('[::1]:9', false)).toEqual(jasmine.objectContaining({ kind: 'tcp', host: '::1', port: 9 }));
    expect(parseTarget('TLS://localhost:443', false)).toEqual(jasmine.objectContaining({ kind: 'tls', host: 'localhost', port: 443 }));
    expect(parseTarget('udp4://127.0.0.1:0', true)).toEqual(jasmine.objectContaining({ kind: 'udp4', port: 0 }));
    expect(parseTarget('udp6://:7', false)).toEqual(jasmine.objectContaining({ kind: 'udp6', host: '::1', port: 7 }));
    expect(describeTarget(parseTarget('udp6://[::1]:7', false))).toBe('udp6://[::1]:7');
    expect(describeTarget(parseTarget('tcp://h:1', false))).toBe('h:1');
  });

  it('refuses what is not a target, with what a target looks like', () => {
    expect(usage(() => parseTarget('', false))).toContain('it is empty');
    expect(usage(() => parseTarget('http://x:1', false))).toContain('unknown scheme http://');
    expect(usage(() => parseTarget('host:http', false))).toContain('the port must be a number from 1 to 65535 (got "http")');
    expect(usage(() => parseTarget('host:70000', false))).toContain('the port must be a number');
    expect(usage(() => parseTarget('host:0', false))).toContain('port 0 only makes sense when listening');
    expect(usage(() => parseTarget('tls://host', false))).toContain('it has no port');
    expect(usage(() => parseTarget('::1:80', false))).toContain('an IPv6 address needs brackets: [::1]:80');
    expect(usage(() => parseTarget('x:y', false))).toContain('A target is a socket path (/tmp/app.world), an id (world), host:port');
    expect(usage(() => requireStream(parseTarget('udp4://h:1', false), 'connect'))).toContain('udp4:// targets work with listen and send only');
  });
});

describe('cli typed lines', () => {
  const client = { raw: false, encoding: 'utf8' as BufferEncoding, commands: true, addressed: false };
  const server = { ...client, commands: false, addressed: true };

  it('reads type and data: JSON when it parses, text otherwise, refused when JSON-looking', () => {
    expect(parseLine('ping {"n":1}', client)).toEqual({ kind: 'message', type: 'ping', data: { n: 1 } });
    expect(parseLine('  say hello world \r', client)).toEqual({ kind: 'message', type: 'say', data: 'hello world' });
    expect(parseLine('count 42', client)).toEqual({ kind: 'message', type: 'count', data: 42 });
    expect(parseLine('quoted "a b"', client)).toEqual({ kind: 'message', type: 'quoted', data: 'a b' });
    expect(parseLine('bye', client)).toEqual({ kind: 'message', type: 'bye', data: undefined });
    expect(parseLine('   ', client)).toEqual({ kind: 'empty' });
    expect(parseLine('bad {n:1}', client)).toEqual({ kind: 'bad', reason: jasmine.stringMatching(/^the data is not valid JSON/) as unknown as string });
    expect(parseData('[1,')).toEqual({ ok: false, reason: jasmine.stringMatching(/not valid JSON/) as unknown as string });
  });

  it('reads .request, .exit and @N where the command takes them', () => {
    expect(parseLine('.request add {"a":1}', client)).toEqual({ kind: 'request', type: 'add', data: { a: 1 } });
    expect(parseLine('.exit', client)).toEqual({ kind: 'exit' });
    expect(parseLine('.request', client)).toEqual({ kind: 'bad', reason: '.request needs a type: .request <type> [data]' });
    expect(parseLine('.nope', client).kind).toBe('bad');
    expect(parseLine('@2 news "x"', server)).toEqual({ kind: 'message', type: 'news', data: 'x', to: 2 });
    expect(parseLine('@x news', server)).toEqual({ kind: 'bad', reason: '@x is not a client number (write @1, @2, ...)' });
    expect(parseLine('@1', server).kind).toBe('bad');
    expect(parseLine('.request a', server)).toEqual({ kind: 'message', type: '.request', data: 'a' });
  });

  it('reads raw lines in the encoding, refusing what the encoding cannot read', () => {
    const raw = { ...client, raw: true, encoding: 'hex' as BufferEncoding };
    expect(parseLine('00ff 10', raw)).toEqual({ kind: 'raw', bytes: Buffer.from([0, 255, 16]) });
    expect(parseLine('0g', raw).kind).toBe('bad');
    expect(parseLine('abc', raw).kind).toBe('bad');
    expect(parseBytes('aGk=', 'base64')).toEqual({ ok: true, value: Buffer.from('hi') });
    expect(parseBytes('a*', 'base64').ok).toBeFalse();
    expect(parseLine('.exit', { ...raw, encoding: 'utf8' })).toEqual({ kind: 'raw', bytes: Buffer.from('.exit') });
  });
});

describe('cli frame tap', () => {
  function tapAll(chunks: Buffer[], delimiter = '\f', max = 1 << 20): TapEvent[] {
    const seen: TapEvent[] = [];
    const tap = new FrameTap(Buffer.from(delimiter), max, (event) => seen.push(event.kind === 'frame' ? { kind: 'frame', frame: Buffer.from(event.frame) } : event));
    for (const chunk of chunks) tap.push(chunk);
    return seen;
  }
  const frames = (events: TapEvent[]): string[] => events.map((e) => (e.kind === 'frame' ? e.frame.toString('utf8') : `oversize ${e.bytes}`));

  for (const delimiter of ['\f', '\r\n', '<END>']) {
    it(`splits on ${JSON.stringify(delimiter)} at every split point and byte by byte`, () => {
      const messages = ['{"type":"a","data":"héllo ☃"}', '', '{"type":"b","data":{"x":[1,2]}}', 'not json'];
      const stream = Buffer.from(messages.map((m) => m + delimiter).join('') + '{"type":"tail"');
      for (let cut = 0; cut <= stream.length; cut++) {
        expect(frames(tapAll([stream.subarray(0, cut), stream.subarray(cut)], delimiter))).withContext(`cut at ${cut}`).toEqual(messages);
      }
      for (let cut = 0; cut <= stream.length; cut++) {
        for (let cut2 = cut; cut2 <= stream.length; cut2 += 7) {
          expect(frames(tapAll([stream.subarray(0, cut), stream.subarray(cut, cut2), stream.subarray(cut2)], delimiter))).toEqual(messages);
        }
      }
      const bytes = [...stream].map((b) => Buffer.from([b]));
      expect(frames(tapAll(bytes, delimiter))).toEqual(messages);
    });
  }

  it('reports a frame over the limit once, skips it to its delimiter, and goes on', () => {
    const big = 'x'.repeat(100);
    const stream = Buffer.from(`{"type":"a"}\f${big}\f{"type":"b"}\f`);
    for (const size of [1, 3, 16, stream.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      const out = frames(tapAll(chunks, '\f', 50));
      expect(out.length).withContext(`chunks of ${size}`).toBe(3);
      expect(out[0]).toBe('{"type":"a"}');
      expect(out[1]).toMatch(/^oversize (5[1-9]|[6-9]\d|100)$/);
      expect(out[2]).toBe('{"type":"b"}');
    }
    const tap = new FrameTap(Buffer.from('\r\n'), 4, () => undefined);
    tap.push(Buffer.from('abcdefg\r'));
    expect(tap.pending).toBe(0);
  });

  it('decodes a frame or says why it is not a message', () => {
    expect(decodeFrame(Buffer.from('{"type":"t","data":[1]}'))).toEqual({ type: 't', data: [1] });
    expect(decodeFrame(Buffer.from('{"type":"t"}'))).toEqual({ type: 't', data: undefined });
    expect(decodeFrame(Buffer.from('nope'))).toEqual({ invalid: 'not JSON' });
    expect(decodeFrame(Buffer.from('[1]'))).toEqual({ invalid: 'JSON, but not a {type, data} object' });
    expect(decodeFrame(Buffer.from('{"type":1}'))).toEqual({ invalid: 'no string type' });
  });
});

describe('cli output', () => {
  const time = new Date(2026, 0, 2, 3, 4, 5, 6);
  function capture(json: boolean, tty: boolean, env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const output = new Output(json, { write: (t: string) => out.push(t), isTTY: tty }, { write: (t: string) => err.push(t), isTTY: tty }, env, () => time);
    return { output, out, err };
  }

  it('prints human lines with the time, and one JSON object a line with --json', () => {
    const human = capture(false, false);
    human.output.event({ event: 'message', direction: 'in', client: 2, type: 'ping', data: { n: 1 } });
    human.output.event({ event: 'data', direction: 'out', client: 'all', bytes: 2, hex: '6869', text: 'hi' });
    human.output.event({ event: 'frame', client: 1, direction: 'to-server', bytes: 9, type: 't' });
    human.output.error('went wrong', 'E_X');
    expect(human.out).toEqual(['03:04:05.006 < #2 ping {"n":1}\n', '03:04:05.006 > all 2 bytes 6869 "hi"\n', '03:04:05.006 #1 client>server t\n']);
    expect(human.err).toEqual(['error: went wrong\n']);

    const json = capture(true, true);
    json.output.event({ event: 'reply', type: 'add', data: 3 });
    json.output.error('went wrong', 'E_X', { remote: { message: 'm' } });
    expect(json.out.map((line) => JSON.parse(line) as unknown)).toEqual([
      { time: time.toISOString(), event: 'reply', type: 'add', data: 3 },
      { time: time.toISOString(), event: 'error', code: 'E_X', message: 'went wrong', remote: { message: 'm' } },
    ]);
    expect(json.err).toEqual(['\x1b[31merror\x1b[0m: went wrong\n']);
  });

  it('colours on a TTY only, never with NO_COLOR, and with FORCE_COLOR', () => {
    expect(useColour({ write: () => true, isTTY: true }, {})).toBeTrue();
    expect(useColour({ write: () => true, isTTY: false }, {})).toBeFalse();
    expect(useColour({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBeFalse();
    expect(useColour({ write: () => true, isTTY: true }, { NO_COLOR: '' })).toBeTrue();
    expect(useColour({ write: () => true, isTTY: false }, { FORCE_COLOR: '1' })).toBeTrue();
    expect(useColour({ write: () => true, isTTY: true }, { FORCE_COLOR: '0' })).toBeFalse();
    const tty = capture(false, true);
    tty.output.event({ event: 'message', direction: 'in', type: 'ping' });
    expect(tty.out[0]).toBe('\x1b[2m03:04:05.006\x1b[0m \x1b[32m<\x1b[0m \x1b[36mping\x1b[0m\n');
    const json = capture(true, true);
    json.output.event({ event: 'message', direction: 'in', type: 'ping' });
    expect(json.out[0]).not.toContain('\x1b[');
  });

  it('cuts long data in human lines, never in JSON', () => {
    const long = 'x'.repeat(5000);
    const human = capture(false, false);
    human.output.event({ event: 'message', direction: 'in', type: 't', data: long });
    expect(human.out[0]).toContain('... (2954 more characters)');
    const json = capture(true, false);
    json.output.event({ event: 'message', direction: 'in', type: 't', data: long });
    expect((JSON.parse(json.out[0] as string) as { data: string }).data).toBe(long);
  });
});

describe('cli exit codes', () => {
  const coded = (code: string, message = 'm'): Error => Object.assign(new Error(message), { code });

  it('are chosen by error code', () => {
    expect(exitCodeFor('ERR_IPC_REMOTE')).toBe(1);
    expect(exitCodeFor('ERR_IPC_NO_HANDLER')).toBe(1);
    expect(exitCodeFor('ECONNREFUSED')).toBe(3);
    expect(exitCodeFor('ENOENT')).toBe(3);
    expect(exitCodeFor('EADDRINUSE')).toBe(3);
    expect(exitCodeFor('SELF_SIGNED_CERT_IN_CHAIN')).toBe(4);
    expect(exitCodeFor('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')).toBe(4);
    expect(exitCodeFor('ERR_TLS_CERT_ALTNAME_INVALID')).toBe(4);
    expect(exitCodeFor('ECONNRESET')).toBe(5);
    expect(exitCodeFor('ERR_IPC_DISCONNECTED')).toBe(5);
    expect(exitCodeFor('ERR_IPC_TIMEOUT')).toBe(6);
    expect(exitCodeFor('ERR_IPC_ASSURED_TRANSPORT')).toBe(2);
    expect(exitCodeFor('ERR_IPC_RESERVED_EVENT')).toBe(2);
    expect(exitCodeFor(undefined)).toBe(7);
    expect(exitCodeFor('ESOMETHING')).toBe(7);
  });

  it('report the cause of a failed ready(), with OpenSSL lines cut to their reason', () => {
    const notConnected = Object.assign(new Error('gave up'), { code: 'ERR_IPC_NOT_CONNECTED', cause: coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1') });
    const err = failure('cannot connect to :1', notConnected);
    expect(err.exitCode).toBe(3);
    expect(err.message).toBe('cannot connect to :1: nothing listens there (connect ECONNREFUSED 127.0.0.1:1)');
    expect(cleanMessage('80FC86C7C97F0000:error:0A0000C7:SSL routines:tls_process_client_certificate:peer did not return a certificate:../deps/openssl/openssl/ssl/statem/statem_srvr.c:3517:\n')).toBe('peer did not return a certificate');
    expect(describeError(coded('E_OWN', 'own words'))).toBe('E_OWN: own words');
    expect(refusedCertificate('c', coded('ECONNRESET'), true)?.exitCode).toBe(4);
    expect(refusedCertificate('c', coded('ECONNRESET'), false)).toBeUndefined();
  });
});
