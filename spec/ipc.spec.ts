/**
 * The IPC instance: config defaults, every overload of connectTo / connectToNet / serve /
 * serveNet, log, independent instances, and the Windows pipe mapping.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Client } from '../src/client';
import { retryBudget, toSocketPath } from '../src/config';
import { IPC, IPCModule } from '../src/ipc';
import { Server } from '../src/server';
import { freshIpc, nextEvent, started, tempDir } from './helpers/support';

describe('ipc.config', () => {
  it("has node-ipc's defaults", () => {
    const config = new IPCModule().config;
    expect(config).toEqual(jasmine.objectContaining({
      appspace: 'app.', socketRoot: '/tmp/', id: hostname(), encoding: 'utf8', rawBuffer: false, sync: false,
      unlink: true, delimiter: '\f', silent: false, logDepth: 5, logInColor: true, maxConnections: 100, retry: 500,
      maxRetries: Infinity, stopRetrying: false, tls: false, networkHost: '127.0.0.1', networkPort: 8000,
      readableAll: false, writableAll: false, IPType: '', maxMessageSize: 100 * 1024 * 1024,
      maxPendingBytes: Infinity, messageTimeout: 0, closeTimeout: 5000,
    }));
    expect(config.interface).toEqual({ localAddress: false, localPort: false, family: false, hints: false, lookup: false });
    expect(typeof config.logger).toBe('function');
  });

  it('is a fast-properties object in every instance, also beside a second copy of the package', () => {
    // An own accessor for `interfaces` on each config once turned configs into dictionary-mode
    // objects (a hash lookup on every config read, per message): after the first config when
    // each got fresh getter functions, and always once a second copy of the module was loaded.
    setFlagsFromString('--allow-natives-syntax');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the only way to call a V8 intrinsic
    const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
    // dist/ is another copy of the same code, as two versions in one dependency tree are.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const otherCopy = require(join(__dirname, '..', '..', 'dist', 'config.js')) as { defaultConfig(): object };
    const changed = new IPCModule().config;
    changed.silent = true;
    const configs = [otherCopy.defaultConfig(), new IPCModule().config, changed, otherCopy.defaultConfig(), new IPCModule().config];
    for (const config of configs) expect(hasFastProperties(config)).toBe(true);
  });

  it("accepts the README's `interfaces` spelling as the same object, without a new key", () => {
    const config = new IPCModule().config;
    expect(config.interfaces).toBe(config.interface);
    config.interfaces = { ...config.interface, localAddress: '127.0.0.1' };
    expect(config.interface.localAddress).toBe('127.0.0.1');
    expect(Object.keys(config)).not.toContain('interfaces');
  });

  it('computes the retry budget from maxRetries and stopRetrying', () => {
    const config = new IPCModule().config;
    expect(retryBudget(config)).toBe(Infinity);
    config.maxRetries = false;
    expect(retryBudget(config)).toBe(Infinity);
    config.maxRetries = 3;
    expect(retryBudget(config)).toBe(3);
    config.stopRetrying = 1;
    expect(retryBudget(config)).toBe(1);
    config.stopRetrying = 0;
    expect(retryBudget(config)).toBe(0);
    config.stopRetrying = true;
    expect(retryBudget(config)).toBe(0);
    config.stopRetrying = false;
    config.maxRetries = 0;
    expect(retryBudget(config)).toBe(0);
  });
});

describe('toSocketPath', () => {
  it('leaves paths alone off Windows', () => {
    expect(toSocketPath('/tmp/app.world', 'linux')).toBe('/tmp/app.world');
    expect(toSocketPath('/tmp/app.world', 'darwin')).toBe('/tmp/app.world');
  });

  it('maps a Unix path to a named pipe on Windows', () => {
    expect(toSocketPath('/tmp/app.world', 'win32')).toBe('\\\\.\\pipe\\tmp-app.world');
    expect(toSocketPath('relative/dir/sock', 'win32')).toBe('\\\\.\\pipe\\relative-dir-sock');
  });

  it('keeps a path that already is a pipe', () => {
    expect(toSocketPath('\\\\.\\pipe\\mine', 'win32')).toBe('\\\\.\\pipe\\mine');
  });
});

describe('ipc.serve / ipc.serveNet', () => {
  let ipc: IPCModule;
  beforeEach(() => {
    ipc = freshIpc();
    ipc.config.id = 'me';
  });

  const server = (): Server => ipc.server;

  it('serve() defaults the path to socketRoot + appspace + id and listens only on start()', () => {
    ipc.serve();
    expect(server()).toEqual(jasmine.any(Server));
    expect(server().path).toBe('/tmp/app.me');
    expect(server().port).toBe(false);
    expect(server().server).toBe(false);
  });

  it('serve(null) and serve(null, callback) default the path as node-ipc did (no TypeError)', () => {
    const cb = jasmine.createSpy('cb');
    ipc.serve(null);
    expect(server().path).toBe('/tmp/app.me');
    ipc.serve(null as unknown as string, cb);
    expect(server().path).toBe('/tmp/app.me');
    expect(server().listenerCount('start')).toBe(1);
  });

  it('serve(callback) and serve(path, callback) run the callback on start', async () => {
    const dir = tempDir();
    const cb = jasmine.createSpy('cb');
    ipc.serve(join(dir, 'a.sock'), cb);
    expect(server().path).toBe(join(dir, 'a.sock'));
    await started(ipc.server);
    expect(cb).toHaveBeenCalledTimes(1);
    server().stop();
    ipc.config.socketRoot = `${dir}/`;
    const cb2 = jasmine.createSpy('cb2');
    ipc.serve(cb2);
    expect(server().path).toBe(`${dir}/app.me`);
    await started(ipc.server);
    expect(cb2).toHaveBeenCalledTimes(1);
  });

  const cases: Array<[string, unknown[], { path: string; port: number; udp?: 'udp4' | 'udp6'; cb: boolean }]> = [
    ['()', [], { path: '127.0.0.1', port: 8000, cb: false }],
    ["('udp4')", ['udp4'], { path: '127.0.0.1', port: 8000, udp: 'udp4', cb: false }],
    ['(callback)', ['CB'], { path: '127.0.0.1', port: 8000, cb: true }],
    ["('udp4', callback)", ['udp4', 'CB'], { path: '127.0.0.1', port: 8000, udp: 'udp4', cb: true }],
    ['(port)', [3435], { path: '127.0.0.1', port: 3435, cb: false }],
    ["(port, 'udp6', callback)", [8001, 'udp6', 'CB'], { path: '127.0.0.1', port: 8001, udp: 'udp6', cb: true }],
    ['(host, port, callback)', ['example.test', 3435, 'CB'], { path: 'example.test', port: 3435, cb: true }],
    ["(host, port, 'udp4', callback)", ['example.test', 3435, 'udp4', 'CB'], { path: 'example.test', port: 3435, udp: 'udp4', cb: true }],
    ["(host, port, 'UDP6')", ['::1', 1, 'UDP6'], { path: '::1', port: 1, udp: 'udp6', cb: false }],
    ['(host)', ['example.test'], { path: 'example.test', port: 8000, cb: false }],
    ['(port 0 for an OS-chosen port)', [0], { path: '127.0.0.1', port: 0, cb: false }],
  ];
  for (const [name, args, expected] of cases) {
    it(`serveNet${name}`, () => {
      const cb = jasmine.createSpy('cb');
      (ipc.serveNet as (...a: unknown[]) => void)(...args.map((a) => (a === 'CB' ? cb : a)));
      expect(server().path).toBe(expected.path);
      expect(server().port).toBe(expected.port);
      expect(server().udp4).toBe(expected.udp === 'udp4');
      expect(server().udp6).toBe(expected.udp === 'udp6');
      server().publish('start');
      expect(cb).toHaveBeenCalledTimes(expected.cb ? 1 : 0);
    });
  }

  it('throws a TypeError naming the argument for wrong types', () => {
    expect(() => ipc.serve(5 as never)).toThrowError(TypeError, /"path"/);
    expect(() => ipc.serve('/x', 'no' as never)).toThrowError(TypeError, /"callback"/);
    expect(() => ipc.serveNet('h', 70000)).toThrowError(TypeError, /"port"/);
    expect(() => (ipc.serveNet as (...a: unknown[]) => void)('h', 1, 2)).toThrowError(TypeError, /"UDPType"/);
    // A string there was taken as a UDP type by node-ipc and ignored: a warning, not a throw (arguments.spec.ts).
    expect(() => (ipc.serveNet as (...a: unknown[]) => void)('h', '80', 'udp4')).toThrowError(TypeError, /"port"/);
    expect(() => (ipc.serveNet as (...a: unknown[]) => void)({}, 1)).toThrowError(TypeError, /"host"/);
  });

  it('publishes ERR_IPC_NO_ADDRESS for a server without a path', async () => {
    ipc.serve();
    server().path = '';
    const error = nextEvent(server(), 'error');
    server().start();
    expect((await error)[0].code).toBe('ERR_IPC_NO_ADDRESS');
  });
});

describe('ipc.connectTo / ipc.connectToNet', () => {
  let ipc: IPCModule;
  beforeEach(() => {
    ipc = freshIpc((config) => { config.maxRetries = 0; });
  });

  it('registers the client at ipc.of[id] before the callback runs, with the default path', () => {
    let seen: unknown;
    ipc.connectTo('world', () => { seen = ipc.of.world; });
    expect(seen).toEqual(jasmine.any(Client));
    expect(ipc.of.world!.path).toBe('/tmp/app.world');
    expect(ipc.of.world!.port).toBeUndefined(); // node-ipc 9 and 10 never set it for a socket path
    expect(ipc.of.world!.id).toBe('world');
  });

  it('connectTo(id, path) uses the path', () => {
    ipc.connectTo('world', '/tmp/elsewhere.sock');
    expect(ipc.of.world!.path).toBe('/tmp/elsewhere.sock');
  });

  const cases: Array<[string, unknown[], { host: string; port: number; cb: boolean }]> = [
    ['(id)', [], { host: '127.0.0.1', port: 8000, cb: false }],
    ['(id, callback)', ['CB'], { host: '127.0.0.1', port: 8000, cb: true }],
    ['(id, port)', [3435], { host: '127.0.0.1', port: 3435, cb: false }],
    ['(id, port, callback)', [3435, 'CB'], { host: '127.0.0.1', port: 3435, cb: true }],
    ['(id, host)', ['example.test'], { host: 'example.test', port: 8000, cb: false }],
    ['(id, host, callback)', ['example.test', 'CB'], { host: 'example.test', port: 8000, cb: true }],
    ['(id, host, port, callback)', ['example.test', 3435, 'CB'], { host: 'example.test', port: 3435, cb: true }],
  ];
  for (const [name, args, expected] of cases) {
    it(`connectToNet${name}`, () => {
      ipc.config.networkHost = '127.0.0.1';
      const cb = jasmine.createSpy('cb');
      (ipc.connectToNet as (...a: unknown[]) => void)('w', ...args.map((a) => (a === 'CB' ? cb : a)));
      expect(ipc.of.w!.path).toBe(expected.host);
      expect(ipc.of.w!.port).toBe(expected.port);
      expect(cb).toHaveBeenCalledTimes(expected.cb ? 1 : 0);
      if (expected.cb) expect(cb).toHaveBeenCalledWith(ipc);
    });
  }

  it('throws a TypeError naming the argument for wrong types', () => {
    // A number or '' went on in node-ipc: warnings, not throws (spec/hardening/arguments.spec.ts).
    expect(() => ipc.connectTo(Symbol('id') as never)).toThrowError(TypeError, /"id" argument must be a non-empty string/);
    expect(() => ipc.connectTo('a', 7 as never)).toThrowError(TypeError, /"path"/);
    expect(() => ipc.connectToNet('a', 'h', -1)).toThrowError(TypeError, /"port"/);
    expect(() => ipc.connectToNet('a', 'h', 1, 'x' as never)).toThrowError(TypeError, /"callback"/);
  });

  it('disconnect of an unknown id does nothing', () => {
    expect(() => ipc.disconnect('nobody')).not.toThrow();
  });

  it('a client whose server is absent publishes error, disconnect and destroy (maxRetries 0)', async () => {
    const dir = tempDir();
    const events: string[] = [];
    ipc.connectTo('ghost', join(dir, 'none.sock'), () => {
      ipc.of.ghost!.on('*', (type: string) => events.push(type));
    });
    const [err] = await nextEvent(ipc.of.ghost!, 'error');
    expect(err.code).toBe('ENOENT');
    await nextEvent(ipc.of.ghost!, 'destroy');
    expect(events).toEqual(['error', 'disconnect', 'destroy']);
  });
});

describe('ipc.log', () => {
  it('joins its arguments, inspecting objects with logDepth and logInColor', () => {
    const ipc = new IPCModule();
    const lines: string[] = [];
    ipc.config.logger = (line) => lines.push(line);
    ipc.config.logInColor = false;
    ipc.config.logDepth = 1;
    ipc.log('a', 1, { deep: { deeper: { deepest: 1 } } }, null);
    expect(lines).toEqual(['a 1 { deep: { deeper: [Object] } } null']);
  });

  it('does nothing, not even inspecting, when silent', () => {
    const ipc = new IPCModule();
    const logger = jasmine.createSpy('logger');
    ipc.config.logger = logger;
    ipc.config.silent = true;
    const trap = { [Symbol.for('nodejs.util.inspect.custom')]: jasmine.createSpy('inspect') };
    ipc.log('x', trap);
    expect(logger).not.toHaveBeenCalled();
    expect(trap[Symbol.for('nodejs.util.inspect.custom')]).not.toHaveBeenCalled();
  });

  it('logs the library events of a verbose instance through config.logger', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const ipc = freshIpc((config) => { config.silent = false; config.logger = (line) => lines.push(line); config.logInColor = false; });
    ipc.serve(join(dir, 'v.sock'));
    const server = await started(ipc.server);
    ipc.connectTo('v', server.path);
    const got = nextEvent(server, 'hi');
    ipc.of.v!.emit('hi', { a: 1 });
    await got;
    expect(lines.some((l) => l.includes('starting server'))).toBe(true);
    expect(lines.some((l) => l.includes('received event of') && l.includes('hi'))).toBe(true);
  });
});

describe('instances', () => {
  it('new IPCModule() and new ipc.IPC() are independent, with their own config, of and server', () => {
    const a = new IPCModule();
    const b = new a.IPC();
    expect(b).toEqual(jasmine.any(IPC));
    expect(a).toEqual(jasmine.any(IPC));
    a.config.id = 'a';
    b.config.id = 'b';
    expect(a.config).not.toBe(b.config);
    expect(a.of).not.toBe(b.of);
    expect(a.config.id).toBe('a');
  });

  it('methods work detached and ignore assignment (node-ipc v10 accessors)', () => {
    const ipc = freshIpc((config) => { config.maxRetries = 0; });
    const { connectTo, serve } = ipc;
    const originalServe = ipc.serve;
    (ipc as unknown as { serve: unknown }).serve = 'broken';
    expect(ipc.serve).toBe(originalServe);
    serve('/tmp/detached.sock');
    expect(ipc.server.path).toBe('/tmp/detached.sock');
    connectTo('d', '/tmp/none-here.sock');
    expect(ipc.of.d).toBeDefined();
    expect(Object.keys(ipc)).toEqual(jasmine.arrayWithExactContents(['config', 'of', 'server']));
  });
});
