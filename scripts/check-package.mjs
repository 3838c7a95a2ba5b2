#!/usr/bin/env node
/**
 * Packaging check (run after `npm run build`):
 * 1. the tarball (`npm pack --dry-run`) holds only package.json, README.md, the license,
 *    dist/ JavaScript, declarations and source maps, the one-line stubs of node-ipc 9.x's
 *    deep paths (dao/, entities/) for resolvers that ignore "exports", and the `node-ipc-ts`
 *    command's bin/ wrapper: no specs, examples or certificates;
 * 2. every source map in it either embeds its sources (`sourcesContent`) or points only at
 *    files the tarball holds;
 * 3. `attw --pack` (Are the Types Wrong?) finds no problem for node10, node16 CJS/ESM and
 *    bundler resolution; 4. `publint --strict` reports no error or warning.
 * Exits non-zero on the first failing step, after printing why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const problems = [];

// 1. Tarball contents.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const packJson = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const files = JSON.parse(packJson)[0].files.map((file) => file.path);
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/i,
  /^licen[cs]e(\.md|\.txt)?$/i,
  /^dist\/(?:[\w-]+\/)*[\w.-]+\.(?:js|mjs|cjs|d\.ts|d\.mts|d\.cts|js\.map|mjs\.map|cjs\.map)$/,
  /^(?:dao|entities)\/\w+\.(?:js|d\.ts)$/,
  /^bin\/node-ipc-ts\.js$/,
];
for (const file of files) {
  if (!ALLOWED.some((pattern) => pattern.test(file))) problems.push(`tarball holds an unexpected file: ${file}`);
}
// node-ipc 9.x's deep paths: built modules plus stubs at the 9.x paths (see package.json "exports").
const DEEP = ['dao/socketServer', 'dao/client', 'entities/EventParser'];
const REQUIRED = ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/index.mjs', 'dist/index.d.mts', 'bin/node-ipc-ts.js', 'dist/cli/main.js'];
for (const path of DEEP) REQUIRED.push(`dist/${path}.js`, `dist/${path}.d.ts`, `${path}.js`, `${path}.d.ts`);
for (const required of REQUIRED) {
  if (!files.includes(required)) problems.push(`tarball lacks ${required}`);
}

// 2. Source maps must not point at files the tarball leaves out.
const packed = new Set(files);
for (const file of files.filter((name) => name.endsWith('.map'))) {
  const map = JSON.parse(readFileSync(join(root, file), 'utf8'));
  const sources = map.sources ?? [];
  const contents = map.sourcesContent ?? [];
  sources.forEach((source, i) => {
    if (typeof contents[i] === 'string') return;
    const target = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
    if (!packed.has(target)) problems.push(`${file} points at ${target}, which the tarball leaves out (and embeds no sourcesContent)`);
  });
}
console.log(`tarball: ${files.length} files checked`);

// 3. Are the Types Wrong? (exits non-zero on any problem in the strict profile)
function run(label, command, args) {
  if (!existsSync(command)) {
    problems.push(`${label}: ${command} is not installed (npm ci)`);
    return;
  }
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').filter((line) => !/^npm warn/.test(line)).join('\n').trim();
  if (result.status !== 0) problems.push(`${label} failed (exit ${result.status}):\n${output}`);
  else console.log(`${label}: ok`);
  return output;
}
run('attw --pack', bin('attw'), ['--pack', '.', '--format', 'ascii', '--profile', 'strict']);

// 4. publint: --strict turns warnings into errors; suggestions are printed but allowed.
const lint = run('publint --strict', bin('publint'), ['--strict', '.']);
if (lint !== undefined && /\bwarning|\berror/i.test(lint) && !problems.some((p) => p.startsWith('publint'))) {
  problems.push(`publint reported:\n${lint}`);
}

if (problems.length > 0) {
  console.error(`package check: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('package check: ok');
