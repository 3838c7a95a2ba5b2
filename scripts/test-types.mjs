#!/usr/bin/env node
/**
 * Type tests: compiles every consumer project under spec/types/ (one folder each, its own
 * tsconfig.json) with `tsc --noEmit` against the BUILT package (run `npm run build` first).
 * Each fixture resolves `node-ipc-ts` through a `node_modules/node-ipc-ts` symlink to the
 * repository root, so resolution goes through package.json `exports`/`types` as a user's
 * would. Negative cases are `// @ts-expect-error` lines: an unused one fails the compile.
 * A fixture may compile another's source (`"files": ["../interop-star/index.ts"]`), so every
 * link is made before any compile starts. Fixtures run in parallel (two at a time); exits
 * non-zero when any fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = join(root, 'spec', 'types');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

if (!existsSync(join(root, 'dist', 'index.d.ts')) || !existsSync(join(root, 'dist', 'index.d.mts'))) {
  console.error('test-types: dist/ has no declarations; run `npm run build` first');
  process.exit(1);
}

const fixtures = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(fixturesDir, entry.name, 'tsconfig.json')))
  .map((entry) => join(fixturesDir, entry.name))
  .sort()
  // The slow ones (they check declaration files too) start first.
  .sort((a, b) => Number(checksLibs(b)) - Number(checksLibs(a)));

function checksLibs(dir) {
  return /"skipLibCheck"\s*:\s*false/.test(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
}

function linkPackage(dir) {
  const modules = join(dir, 'node_modules');
  const link = join(modules, 'node-ipc-ts');
  const target = relative(modules, root) || '.';
  mkdirSync(modules, { recursive: true });
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // not there yet
  }
  symlinkSync(target, link, 'junction');
}

function compile(dir) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [tsc, '-p', dir, '--noEmit', '--pretty', 'false'], { cwd: dir });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('close', (code) => done({ dir, code, output, ms: Date.now() - started }));
  });
}

const started = Date.now();
fixtures.forEach(linkPackage);
const queue = fixtures.slice();
const results = [];
async function worker() {
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    results.push(await compile(dir));
  }
}
await Promise.all([worker(), worker()]);

let failed = 0;
for (const result of results.sort((a, b) => a.dir.localeCompare(b.dir))) {
  const name = relative(root, result.dir);
  if (result.code === 0) {
    console.log(`ok   ${name} (${result.ms} ms)`);
  } else {
    failed++;
    console.log(`FAIL ${name} (exit ${result.code})\n${result.output.trim()}`);
  }
}
console.log(`${results.length} type fixtures, ${failed} failed, ${Date.now() - started} ms`);
if (fixtures.length === 0 || failed > 0) process.exit(1);
