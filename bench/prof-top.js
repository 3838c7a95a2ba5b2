#!/usr/bin/env node
'use strict';
/**
 * Top frames by self time of `.cpuprofile` files (from `node bench/run.js --cpu-prof DIR`):
 *   node bench/prof-top.js DIR/node-ipc-ts.tput-unix.*.cpuprofile [--top 15]
 */
const { readFileSync } = require('node:fs');
const { basename } = require('node:path');

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt === -1 ? 15 : Number(args.splice(topAt, 2)[1]);
for (const file of args) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const self = new Map();
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    dt.set(id, (dt.get(id) || 0) + (prof.timeDeltas[i] || 0));
  }
  let total = 0;
  for (const [id, us] of dt) {
    const { callFrame: f } = byId.get(id);
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) || 0) + us);
    total += us;
  }
  process.stdout.write(`\n${basename(file)} (${(total / 1000).toFixed(0)} ms sampled)\n`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}\n`);
  }
}
