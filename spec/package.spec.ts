/**
 * The built package (dist/) as users load it: require and import reach ONE singleton in
 * both node-ipc shapes (v9: the module is the singleton; v10: `.default`, `{IPCModule}`).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Entry from '../src/index';

const ROOT = join(__dirname, '..', '..');

describe('the package entry', () => {
  // Loaded through the package's own name and exports map (self-reference), as users do.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ipc = require('node-ipc-ts') as typeof Entry;

  it('require() returns the singleton itself (v9 style)', () => {
    expect(typeof ipc.connectTo).toBe('function');
    expect(typeof ipc.serve).toBe('function');
    expect(ipc.config.appspace).toBe('app.');
    expect(ipc.of).toEqual({});
    expect(ipc.server as unknown).toBe(false);
  });

  it('also carries .default, .IPCModule and .IPC (v10 style)', () => {
    expect(ipc.default).toBe(ipc);
    expect(ipc).toEqual(jasmine.any(ipc.IPCModule));
    expect(new ipc.IPC()).toEqual(jasmine.any(ipc.IPC));
    expect(new ipc.IPCModule().config).not.toBe(ipc.config);
  });

  it('import reaches the very same singleton and classes', async () => {
    const esm = (await import('node-ipc-ts')) as unknown as { default: unknown; IPCModule: unknown; IPC: unknown; IpcError: unknown };
    expect(esm.default).toBe(ipc);
    expect(esm.IPCModule).toBe(ipc.IPCModule);
    expect(esm.IPC).toBe(ipc.IPC);
    expect(esm.IpcError).toBe(ipc.IpcError);
  });

  it('shares config between a CommonJS and an ES module consumer in one process', async () => {
    const script = [
      "const cjs = require('node-ipc-ts');",
      "cjs.config.id = 'shared-id';",
      "import('node-ipc-ts').then((m) => { process.stdout.write(m.default.config.id + ' ' + (m.default === cjs)); });",
    ].join('\n');
    const out = await run(['-e', script]);
    expect(out).toBe('shared-id true');
  });

  it('ships node-ipc-ts/parsers/message (as node-ipc 14 ships node-ipc/parsers/message): one class for require and import', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cjs = require('node-ipc-ts/parsers/message') as { MessageParser: new (config: { delimiter: string }) => unknown; default: unknown };
    expect(typeof cjs.MessageParser).toBe('function');
    expect(cjs.default).toBe(cjs.MessageParser);
    // A real ES module import (tsc would turn import() here into require()).
    const script = [
      "const cjs = require('node-ipc-ts/parsers/message');",
      "import('node-ipc-ts/parsers/message').then((m) => { process.stdout.write(String(m.MessageParser === cjs.MessageParser && m.default === cjs.MessageParser)); });",
    ].join('\n');
    expect(await run(['-e', script])).toBe('true');
  });

  it('declares no runtime dependencies and ships types', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect((pkg.engines as Record<string, string>).node).toBe('>=18');
  });
});

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 20000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
