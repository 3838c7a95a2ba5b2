'use strict';
// The async API, server side: handle() answers requests, request() asks the client,
// messages() iterates, close() awaits the end. Ordinary node-ipc messages on the wire.
// Run both ends with `npm run example -- async` (after `npm run build`), or each by hand.
const { IPCModule } = require('../..'); // node-ipc-ts: the package root, built into dist/
const { socketRoot, deadline } = require('../settings');

deadline('server');
const ipc = new IPCModule();
ipc.config.id = 'world';
ipc.config.silent = true;
ipc.config.socketRoot = socketRoot();

async function main() {
  ipc.serve();
  const server = ipc.server;
  server.handle('add', ({ a, b }) => a + b);
  server.handle('divide', async ({ n, by }) => {
    if (by === 0) throw Object.assign(new RangeError('division by zero'), { code: 'E_DIV_ZERO' });
    return n / by;
  });
  server.on('connect', async (socket) => {
    // Requests go both ways: ask the client who it is.
    const who = await server.request(socket, 'whoami', undefined, { timeout: 2000 });
    console.log(`server: the client says it is ${JSON.stringify(who)}`);
    server.emit(socket, 'news', { title: 'async API landed' });
  });
  server.start();
  await server.ready();
  console.log(`server listening on ${server.path}`);

  for await (const [entry] of server.messages('log')) {
    console.log(`server log: ${entry.text}`);
    if (entry.last) break; // removes the listener
  }
  await new Promise((resolve) => server.once('socket.disconnected', resolve));
  await server.close();
  console.log('server closed');
}

main().catch((err) => {
  console.log(`server failed: ${err.code} ${err.message}`);
  process.exit(1);
});
