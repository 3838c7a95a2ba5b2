#!/usr/bin/env node
'use strict';
// The `node-ipc-ts` command: docs/CLI.md. The code is src/cli/, compiled to dist/cli/.
const { main } = require('../dist/cli/main.js');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Every command closes what it opened; should anything still hold the event loop, the
  // exit code is not left waiting for it.
  setTimeout(() => process.exit(code), 2000).unref();
});
