/**
 * The command line's own surface, as a child process: --version, --help (every command has
 * examples), and a clear message with exit 2 for every bad argument, before anything is
 * dialled; with --json a usage error is also an `error` event on stdout. Colours only when
 * asked for (a TTY, or FORCE_COLOR) and never with NO_COLOR.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/support';
import { run, SPEC_MS } from './cli-process';

const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

describe('cli usage', () => {
  it('prints its version and the help of every command, with examples and exit codes', async () => {
    const [version, overview, ...pages] = await Promise.all([
      run(['--version']), run(['--help']),
      ...['listen', 'connect', 'send', 'request', 'proxy'].map((command) => run([command, '--help'])),
    ]);
    expect(version?.lines).toEqual([VERSION]);
    expect(overview?.code).toBe(0);
    expect(overview?.lines.join('\n')).toContain('node-ipc-ts proxy   --listen <target> --to <target>');
    for (const page of pages) {
      expect(page.code).toBe(0);
      const text = page.lines.join('\n');
      expect(text).toContain('Examples:');
      expect(text).toContain('Exit codes:');
    }
    const nothing = await run([]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('Usage:');
  }, SPEC_MS);

  it('refuses bad command lines with exit 2 and says what is wrong', async () => {
    const dir = tempDir();
    const cases: Array<[string[], string]> = [
      [['lisen', 'x'], 'error: unknown command "lisen" (commands: listen, connect, send, request, proxy, conformance; node-ipc-ts --help)'],
      [['send', join(dir, 's.sock'), 'ping', '--tiemout', '5'], 'error: unknown flag --tiemout (did you mean --timeout?) (node-ipc-ts send --help)'],
      [['send', 'localhost:port', 'ping'], 'error: bad target "localhost:port": the port must be a number from 1 to 65535 (got "port")'],
      [['send', join(dir, 's.sock')], 'error: send needs <type>: node-ipc-ts send <target> <type> [data]'],
      [['send', join(dir, 's.sock'), 'ping', 'a', 'b'], 'error: send got an extra argument "b"'],
      [['send', join(dir, 's.sock'), 'ping', '--cert', __filename, '--key', __filename], 'error: --cert, --key only apply to tls:// targets'],
      [['send', 'tls://localhost:1', 'ping', '--ca', join(dir, 'missing.pem')], `error: --ca ${join(dir, 'missing.pem')}: cannot read it (ENOENT)`],
      [['send', '--raw', '--encoding', 'hex', join(dir, 's.sock'), 'xyz'], 'error: bad bytes "xyz": hex needs pairs of hex digits'],
      [['listen', join(dir, 's.sock'), '--delimiter', '\\q'], 'error: --delimiter: unknown escape \\q'],
      [['request', join(dir, 's.sock'), 'add', '--timeout', '-1'], 'error: --timeout must be a whole number of at least 0 (got "-1")'],
      [['connect', 'udp6://[::1]:9'], 'error: connect needs a connection; udp6:// targets work with listen and send only'],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args)));
    results.forEach((result, i) => {
      const [args, message] = cases[i] as [string[], string];
      expect(result.code).withContext(args.join(' ')).toBe(2);
      expect(result.stderr).withContext(args.join(' ')).toContain(message);
      expect(result.lines).withContext(args.join(' ')).toEqual([]);
    });
    const json = await run(['send', 'nowhere:0', 'ping', '--json']);
    expect(json.code).toBe(2);
    expect(json.proc.records()).toEqual([jasmine.objectContaining({ event: 'error', code: 'ERR_USAGE', message: jasmine.stringMatching(/port 0 only makes sense when listening/) })]);
  }, SPEC_MS);

  it('colours with FORCE_COLOR, never with NO_COLOR, and not in a pipe', async () => {
    const target = join(tempDir(), 'nobody.sock');
    const forced = await run(['send', target, 'x'], '', { env: { FORCE_COLOR: '1' } });
    expect(forced.stderr).toContain('\x1b[31merror\x1b[0m: ');
    const refused = await run(['send', target, 'x'], '', { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(refused.stderr).not.toContain('\x1b[');
    const piped = await run(['send', target, 'x']);
    expect(piped.stderr).not.toContain('\x1b[');
  }, SPEC_MS);
});
