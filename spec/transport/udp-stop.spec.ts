/**
 * A UDP server stopped right after emit() still sends what it emitted: dgram sends a tick
 * later (after an address lookup), so closing at once used to drop the datagram.
 */
import type { Server } from '../../src/server';
import { freshIpc, nextEvent, started } from '../helpers/support';

async function udpServer(): Promise<Server> {
  const ipc = freshIpc();
  ipc.serveNet('127.0.0.1', 0, 'udp4');
  return started(ipc.server);
}

describe('udp server stop', () => {
  it('sends a datagram emitted just before stop(), then closes', async () => {
    const sender = await udpServer();
    const receiver = await udpServer();
    const received = nextEvent(receiver, 'app.last');
    const closed = new Promise<void>((resolve) => (sender.server as NodeJS.EventEmitter).once('close', () => resolve()));
    sender.emit({ address: '127.0.0.1', port: receiver.port as number }, 'app.last', { n: 1 });
    sender.stop();
    expect((await received)[0]).toEqual({ n: 1 });
    await closed;
  });

  it('delivers nothing received after stop()', async () => {
    const sender = await udpServer();
    const receiver = await udpServer();
    const seen: unknown[] = [];
    receiver.on('app.late', (data: unknown) => seen.push(data));
    const closed = new Promise<void>((resolve) => (receiver.server as NodeJS.EventEmitter).once('close', () => resolve()));
    const echoed = nextEvent(sender, 'app.reply');
    receiver.on('app.ping', (_data: unknown, peer: { address: string; port: number }) => {
      receiver.emit(peer, 'app.reply', 1);
      receiver.stop();
    });
    sender.emit({ address: '127.0.0.1', port: receiver.port as number }, 'app.ping', 0);
    sender.emit({ address: '127.0.0.1', port: receiver.port as number }, 'app.late', 2);
    await echoed;
    await closed;
    expect(seen).toEqual([]);
  });
});
