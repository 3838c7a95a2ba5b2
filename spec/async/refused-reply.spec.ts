/**
 * A reply the answering side cannot send must not take its host down. Under `assured`, a
 * server whose `allowedEvents` lacks `ipc.reply` cannot answer: the handler's result is
 * refused, then so is the failure reply. Before, the second refusal was thrown out of the
 * socket's read (an uncaught exception); now it is published as `error` with the socket,
 * and the requester, which hears nothing, times out.
 */
import { join } from 'node:path';
import type { IpcError } from '../../src/errors';
import { freshIpc, nextEvent, started, tempDir } from '../helpers/support';

describe('a reply the policy refuses', () => {
  it('is published as ERR_IPC_EVENT_NOT_ALLOWED on the answering side; the host survives and the request times out', async () => {
    const root = tempDir();
    const serverIpc = freshIpc((c) => { c.parser = 'assured'; c.allowedEvents = ['add']; c.socketRoot = `${root}/`; });
    serverIpc.serve(join(root, 's.sock'));
    const server = await started(serverIpc.server);
    let handled = 0;
    server.handle('add', (data: { a: number; b: number }) => {
      handled++;
      return data.a + data.b;
    });
    const clientIpc = freshIpc((c) => { c.parser = 'assured'; c.allowedEvents = ['add', 'ipc.reply']; c.socketRoot = `${root}/`; });
    clientIpc.connectTo('s', server.path);
    const client = clientIpc.of.s as any;
    await client.ready({ timeout: 4000 });
    const refused = nextEvent(server, 'error');
    const answer = client.request('add', { a: 1, b: 2 }, { timeout: 300 }).then(() => null, (err: IpcError) => err);
    const [err, source] = await refused;
    expect((err as IpcError).code).toBe('ERR_IPC_EVENT_NOT_ALLOWED');
    expect(server.sockets).toContain(source);
    expect(handled).toBe(1);
    expect(((await answer) as IpcError | null)?.code).toBe('ERR_IPC_TIMEOUT');
  });
});
