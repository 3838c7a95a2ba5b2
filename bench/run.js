#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: every subject side by side, in ONE run, each trial in its own server and
 * client child processes. Within a lane the subjects alternate (A B C D, D C B A, ...) so a
 * burst of load from elsewhere on the machine hits them all alike; medians are reported
 * with min and max, and every figure beside its ratio to `net-baseline` of the same run.
 *
 *   node bench/run.js [--quick | --tiny] [--samples N] [--lanes a,b] [--subjects a,b]
 *                     [--timeout S] [--out FILE.json] [--cpu-prof DIR] [--scale N]
 *                     [--summary] [--svg FILE.svg] [--from RESULTS.json]
 *                     [--parser raw|fast|guarded|assured]
 *
 * Writes bench/results/bench-<time>.{json,md} (or --out) and prints the markdown table, then the
 * summary (lane x subject: time ratio and sender CPU per message); `--summary` prints only the
 * summary, `--svg` also draws it as a bar chart, `--from` re-renders an earlier run's results.
 * Exits 1 when any trial lost, added or reordered a message (a timeout is reported, not fatal).
 */
const { fork } = require('node:child_process');
const { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const { join, dirname } = require('node:path');
const { LANES } = require('./lanes');
const childProcess = require('./subjects/child-process');
const netBytes = require('./subjects/net-bytes');
const { summaryMarkdown, summarySvg } = require('./summary');

const SUBJECTS = ['net-baseline', 'net-buffer', 'net-bytes', 'node-ipc-ts', 'node-ipc-ts-adv', 'achrinza-10', 'achrinza-9', 'node-ipc-14', 'ws', 'cp-json', 'cp-advanced'];
const KNOWN = [...SUBJECTS, 'before']; // `before`: BENCH_BEFORE_DIST=<other dist/> for before/after figures

function version(dir) {
  try {
    return JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', dir, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}
const LABELS = {
  before: 'node-ipc-ts before', 'net-baseline': 'net-baseline', 'net-buffer': 'net-baseline (Buffer reader, before 2026-12)', 'node-ipc-ts': 'node-ipc-ts',
  'node-ipc-ts-adv': 'node-ipc-ts advanced', 'net-bytes': 'net-bytes (bare node:net, binary frames)',
  'achrinza-10': '@achrinza/node-ipc 10.1.11', 'achrinza-9': '@achrinza/node-ipc 9.2.9',
  'node-ipc-14': `node-ipc ${version('node-ipc-14')} guarded`, ws: `ws ${version('ws')}`,
  'cp-json': 'child_process json', 'cp-advanced': 'child_process advanced',
};
/** Subjects whose client is forked by their server (the child_process channel). */
const FORKED = new Set(['cp-json', 'cp-advanced']);
/** Whether a subject has the lane at all (else "n/a"). */
function supports(subject, lane) {
  // serialization 'advanced' has no raw mode.
  if (subject === 'node-ipc-ts-adv') return !lane.raw;
  if (subject === 'net-bytes') return netBytes.supports(lane);
  return FORKED.has(subject) ? childProcess.supports(lane) : true;
}
const CHILD = join(__dirname, 'child.js');

function parseArgs(argv) {
  const args = { size: 'full', samples: 0, lanes: null, subjects: SUBJECTS, timeout: 0, out: null, cpuProf: null, scale: 1, summaryOnly: false, svg: null, from: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.size = 'quick';
    else if (a === '--tiny') args.size = 'tiny';
    else if (a === '--samples') args.samples = Number(argv[++i]);
    else if (a === '--lanes') args.lanes = argv[++i].split(',');
    else if (a === '--subjects') args.subjects = argv[++i].split(',');
    else if (a === '--timeout') args.timeout = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--cpu-prof') args.cpuProf = argv[++i];
    else if (a === '--scale') args.scale = Number(argv[++i]);
    else if (a === '--summary') args.summaryOnly = true;
    else if (a === '--svg') args.svg = argv[++i];
    else if (a === '--from') args.from = argv[++i];
    // node-ipc-ts runs with `config.parser = NAME` (`before` keeps the default); children inherit it through the environment.
    else if (a === '--parser') process.env.BENCH_PARSER = argv[++i];
    else throw new Error(`Unknown option ${a}`);
  }
  if (!(args.scale > 0)) throw new Error('--scale takes a positive number');
  // Medians of at least 5 samples unless asked otherwise (tiny: 1, it only checks the harness).
  if (!args.samples) args.samples = args.size === 'tiny' ? 1 : 5;
  // Quick: 30 s, as the warm lanes send 220,000 messages even there, and the old packages need seconds over TCP.
  if (!args.timeout) args.timeout = args.size === 'full' ? 60 : 30;
  for (const s of args.subjects) if (!KNOWN.includes(s)) throw new Error(`Unknown subject ${s}`);
  return args;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function nextMessage(child, key, what) {
  return new Promise((resolve, reject) => {
    const onMessage = (msg) => {
      if (msg.failed) return done(reject, new Error(`${what} failed: ${msg.failed}`));
      if (key in msg) done(resolve, msg);
    };
    const onExit = (code, signal) => done(reject, new Error(`${what} exited (${signal || code}) before reporting`));
    const done = (fn, value) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      fn(value);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    if (child.connected) child.send({ cmd: 'exit' });
    else child.kill('SIGKILL');
  });
}

/** One trial: fresh server and client processes. Resolves {server, client} or {timeout}. */
async function trial(subject, lane, params, args) {
  const dir = mkdtempSync(join(os.tmpdir(), 'ipc-bench-'));
  const opts = { params, path: join(dir, 's.sock'), port: lane.transport === 'tcp' ? await freePort() : undefined };
  const stamp = Date.now();
  // --expose-gc: the warm lanes force a GC between warm-up and timed part (a no-op elsewhere).
  const execArgv = (role) => ['--expose-gc', ...(args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProf}`, `--cpu-prof-name=${subject}.${lane.name}.${role}.${stamp}.cpuprofile`] : [])];
  const argvOf = (role, o) => [role, subject, lane.name, JSON.stringify(o)];
  const spawn = (role, o) => fork(CHILD, argvOf(role, o), { execArgv: execArgv(role), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const children = [];
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ timeout: true }), args.timeout * 1000);
  });
  const work = (async () => {
    const server = spawn('server', opts);
    children.push(server);
    const { address } = await nextMessage(server, 'ready', `${subject} server`);
    let clientReport;
    if (FORKED.has(subject)) {
      // The client must be the server's own child: the server forks it and relays its report.
      server.send({ cmd: 'fork-client', argv: argvOf('client', { ...opts, address }), execArgv: execArgv('client') });
      clientReport = (await nextMessage(server, 'clientReport', `${subject} client`)).clientReport;
    } else {
      const client = spawn('client', { ...opts, address });
      children.push(client);
      clientReport = (await nextMessage(client, 'report', `${subject} client`)).report;
    }
    server.send({ cmd: 'report' });
    const serverReport = (await nextMessage(server, 'report', `${subject} server`)).report;
    return { server: serverReport, client: clientReport };
  })();
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(v) {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The figures of one lane and subject: metric -> {median, min, max, samples}. */
function summarize(samples, lane, na) {
  if (na) return { na: true, samples: 0, timeouts: 0, metrics: {} };
  const ok = samples.filter((s) => !s.timeout && !s.error);
  const out = { samples: samples.length, timeouts: samples.filter((s) => s.timeout).length, metrics: {} };
  if (ok.length === 0) return out;
  const source = lane.kind === 'broadcast' ? 'server' : 'client';
  const laneKeys = [...new Set([lane.ratio, ...lane.metrics.map(([k]) => k)])];
  const keys = [...laneKeys.map((k) => [k, (s) => s[source][k]]), ['serverCpuMs', (s) => s.server.cpuMs], ['clientCpuMs', (s) => s.client.cpuMs], ['serverRssMiB', (s) => s.server.rssMiB], ['clientRssMiB', (s) => s.client.rssMiB]];
  for (const [key, get] of keys) {
    const values = ok.map(get);
    out.metrics[key] = { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
  }
  return out;
}

function markdown(results, args) {
  const subjects = args.subjects;
  const lines = [];
  lines.push(`| lane | metric | ${subjects.map((s) => LABELS[s]).join(' | ')} |`);
  lines.push(`|---|---|${subjects.map(() => '---:').join('|')}|`);
  for (const lr of results.lanes) {
    const lane = LANES.find((l) => l.name === lr.name);
    const rows = [...lane.metrics, ['serverCpuMs', 'server CPU ms', false], ['clientCpuMs', 'client CPU ms', false], ['serverRssMiB', 'server peak RSS MiB', false], ['clientRssMiB', 'client peak RSS MiB', false]];
    for (const [key, label, higher] of rows) {
      const base = lr.subjects['net-baseline'] && lr.subjects['net-baseline'].metrics[key];
      const cells = subjects.map((s) => {
        const sum = lr.subjects[s];
        if (!sum) return '';
        if (sum.na) return 'n/a';
        if (sum.timeouts > 0 && !sum.metrics[key]) return `timeout (> ${args.timeout} s)`;
        const m = sum.metrics[key];
        if (!m) return 'failed';
        let cell = `${fmt(m.median)}`;
        if (m.values.length > 1) cell += ` (${fmt(m.min)}–${fmt(m.max)})`;
        if (base && s !== 'net-baseline') cell += ` **${(m.median / base.median).toFixed(2)}x**`;
        if (sum.timeouts > 0) cell += ` [${sum.timeouts} timeout]`;
        return cell;
      });
      lines.push(`| ${lr.name} | ${label} ${higher ? '↑' : '↓'} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

/**
 * `--scale N`: N times the messages of the small-message lanes (not the large ones). A trial
 * runs in a fresh process, so its first tens of thousands of messages run while the JIT warms
 * up; a larger scale shows the steady state, where the library's own per-message cost shows.
 */
function scaled(params, scale, lane) {
  if (scale === 1 || params.size) return params;
  const out = { ...params, count: Math.round(params.count * scale) };
  // The warm lanes' warm-up is part of their method (20,000 messages): not scaled.
  if (params.warmup && !lane.warm) out.warmup = Math.round(params.warmup * scale);
  return out;
}

async function run(argv) {
  const args = parseArgs(argv);
  if (args.cpuProf) mkdirSync(args.cpuProf, { recursive: true });
  const lanes = LANES.filter((l) => l.sizes[args.size] && (!args.lanes || args.lanes.includes(l.name)));
  const started = new Date();
  const results = {
    started: started.toISOString(), size: args.size, scale: args.scale, parser: process.env.BENCH_PARSER || null, samplesPerSubject: args.samples, timeoutS: args.timeout,
    node: process.version, cpus: os.cpus().length, cpuModel: (os.cpus()[0] || {}).model, loadavg: os.loadavg(),
    subjects: args.subjects, labels: Object.fromEntries(args.subjects.map((s) => [s, LABELS[s]])), lanes: [], failures: [],
  };
  for (const lane of lanes) {
    const params = scaled(lane.sizes[args.size], args.scale, lane);
    const raw = Object.fromEntries(args.subjects.map((s) => [s, []]));
    const gaveUp = new Set();
    for (let r = 0; r < args.samples; r++) {
      const order = r % 2 === 0 ? args.subjects : [...args.subjects].reverse();
      for (const subject of order) {
        // A subject that stalled once is not given another minute per sample.
        if (gaveUp.has(subject) || !supports(subject, lane)) continue;
        let sample;
        try {
          sample = await trial(subject, lane, params, args);
        } catch (err) {
          sample = { error: String(err.message || err) };
        }
        if (sample.timeout) gaveUp.add(subject);
        const errors = sample.error ? [sample.error] : sample.timeout ? [] : [...sample.server.errors, ...sample.client.errors];
        if (errors.length > 0) {
          sample.error = sample.error || 'verification failed';
          results.failures.push({ lane: lane.name, subject, errors });
          process.stderr.write(`FAIL ${lane.name} ${subject}: ${errors.join('; ')}\n`);
        }
        raw[subject].push(sample);
        process.stderr.write(`${lane.name} #${r + 1} ${subject}: ${sample.timeout ? 'timeout' : sample.error ? 'error' : 'ok'}\n`);
      }
    }
    results.lanes.push({
      name: lane.name, title: lane.title, params,
      subjects: Object.fromEntries(args.subjects.map((s) => [s, summarize(raw[s], lane, !supports(s, lane))])),
    });
  }
  results.seconds = (Date.now() - started.getTime()) / 1000;
  results.loadavgEnd = os.loadavg();
  results.markdown = markdown(results, args);
  results.summary = summaryMarkdown(results);
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const out = args.out || join(__dirname, 'results', `bench-${stamp}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(out.replace(/\.json$/, '') + '.md', `${head(results)}\n\n${results.markdown}\n\n${results.summary}\n`);
  if (args.svg) writeFileSync(args.svg, summarySvg(results));
  return { results, out, args };
}

function head(results) {
  const scale = results.scale === 1 ? '' : ` x${results.scale} messages`;
  return `node ${results.node}, ${results.cpus} x ${results.cpuModel}, ${results.size} run${scale}, ${results.samplesPerSubject} samples per subject, ${results.seconds.toFixed(0)} s\n`
    + 'median (min–max) **ratio to net-baseline**; ↑ higher is better, ↓ lower is better';
}

/** `--from RESULTS.json`: the summary (and `--svg`) of an earlier run, without running anything. */
function rerender(argv) {
  const args = parseArgs(argv);
  const results = JSON.parse(readFileSync(args.from, 'utf8'));
  if (!results.labels) results.labels = Object.fromEntries(results.subjects.map((s) => [s, LABELS[s] || s]));
  results.summary = summaryMarkdown(results);
  if (args.svg) writeFileSync(args.svg, summarySvg(results));
  return { results, out: args.from, args, rerendered: true };
}

module.exports = { run, SUBJECTS };

if (require.main === module) {
  const argv = process.argv.slice(2);
  (argv.includes('--from') ? Promise.resolve().then(() => rerender(argv)) : run(argv)).then(({ results, out, args, rerendered }) => {
    if (!args.summaryOnly && !rerendered) process.stdout.write(`\n${head(results)}\n\n${results.markdown}\n`);
    process.stdout.write(`\n${results.summary}\n\nresults: ${out}\n`);
    if (args.svg) process.stdout.write(`chart: ${args.svg}\n`);
    if (results.failures.length > 0) {
      process.stdout.write(`\n${results.failures.length} trial(s) FAILED verification\n`);
      process.exitCode = 1;
    }
  }, (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  });
}
