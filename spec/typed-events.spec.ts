/**
 * Typed event maps are types only: a typed instance behaves exactly as an untyped one, and
 * loading the package loads no module for them. (The compile-time checks live in
 * spec/types/, compiled by `npm run test:types`.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Client } from '../src/client';
import { IPCModule } from '../src/ipc';
import { started, stopAll, tempDir, watchErrors } from './helpers/support';
import { teardown } from './helpers/teardown';

interface Events {
  ping: { n: number };
  pong: string;
}

const ROOT = join(__dirname, '..', '..');

describe('typed events', () => {
  it('a typed instance exchanges messages like an untyped one', async () => {
    const dir = tempDir();
    const ipc = new IPCModule<Events>();
    teardown.add(() => stopAll(ipc));
    watchErrors(ipc);
    ipc.config.silent = true;
    ipc.config.retry = 50;
    ipc.serve(join(dir, 'typed.sock'));
    ipc.server.on('ping', (data, socket) => {
      ipc.server.emit(socket, 'pong', `n=${data.n}`);
    });
    await started(ipc.server);
    ipc.connectTo('typed', join(dir, 'typed.sock'));
    const client = ipc.of.typed as Client<Events>;
    const pong = new Promise<string>((resolve) => client.once('pong', resolve));
    client.on('connect', () => client.emit('ping', { n: 7 }));
    expect(await pong).toBe('n=7');
  });

  it('cost nothing at run time: loading the package loads no event-map module', async () => {
    const script = "require('node-ipc-ts'); process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes('event-map')).length));";
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script], { cwd: ROOT, timeout: 20000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
    expect(out).toBe('0');
  });
});
