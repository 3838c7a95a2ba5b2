'use strict';
// TCP: the client sends "hello" as raw bytes and waits for "goodbye".
// Run both ends with `npm run example -- TCPSocket/rawBuffer` (after `npm run build`), or each by hand.
const ipc = require('../../..'); // node-ipc-ts: the package root, built into dist/
const { port, deadline } = require('../../settings');

deadline('client');
ipc.config.id = 'hello';
ipc.config.silent = true;
ipc.config.rawBuffer = true;
ipc.config.encoding = 'ascii';
ipc.config.retry = 200;
ipc.config.maxRetries = 10;
ipc.config.networkPort = port();

const EXPECTED = 'goodbye';
let received = '';

ipc.connectToNet('world', () => {
  const world = ipc.of.world;
  world.on('connect', () => {
    console.log('client connected to world, sends "hello"');
    world.emit('hello');
  });
  world.on('data', (bytes) => {
    console.log(`client got data ${JSON.stringify(bytes.toString('ascii'))}`, bytes);
    received += bytes.toString('ascii');
    if (received.length >= EXPECTED.length) ipc.disconnect('world');
  });
  world.on('error', (err) => console.log(`client error ${err.code}: ${err.message}`));
  world.on('destroy', () => console.log(`client done, received ${JSON.stringify(received)}`));
});
