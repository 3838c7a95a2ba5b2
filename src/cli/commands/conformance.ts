/**
 * `node-ipc-ts conformance`: checks an implementation of the wire protocol against the named
 * cases of docs/PROTOCOL.md §11 and prints one line per case and a summary.
 *
 *   conformance --server <target> [--raw-server <target>] [--delimiter-server <target>]
 *   conformance --server -- <command ...>     the kit starts the server, once per mode group
 *   conformance --client -- <command ...>     the kit listens and starts the client
 *
 * Exit 0 when nothing failed unexpectedly, 1 when a case failed (or passed though listed in
 * `--expect-fail`), 2 for a bad command line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, type Case } from '../conformance/cases';
import { runPlan, type CaseReport, type StopFlag, type Tally } from '../conformance/runner';
import type { Address } from '../conformance/session';
import { ExitCode, type Command, type Context } from '../context';
import { localPath } from '../endpoint';
import { usageError } from '../exit-codes';
import { caseLine, summaryLine } from '../output';
import { parseTarget } from '../target';

/** The cases named by `--case` / `--expect-fail`, checked to exist. */
function caseNames(flag: string, names: readonly string[] | undefined): Set<string> | undefined {
  if (names === undefined) return undefined;
  const unknown = names.filter((name) => !CASES.some((c) => c.name === name));
  if (unknown.length > 0) throw usageError(`--${flag}: no case named ${unknown.map((n) => JSON.stringify(n)).join(', ')} (the cases: ${CASES.map((c) => c.name).join(', ')})`);
  return new Set(names);
}

/** A `--server` target as an address the kit dials with plain sockets. */
function addressOf(context: Context, flag: string, text: string): Address {
  const target = parseTarget(text, false);
  if (target.kind === 'path' || target.kind === 'id') return { path: localPath(context.options, target) };
  if (target.kind === 'tcp') return { host: target.host, port: target.port };
  throw usageError(`${flag} ${text}: the kit speaks plain streams; give a socket path, an id or host:port (not ${target.kind}://)`);
}

/** Reads the role and what to run against from the command line. */
function planOf(context: Context): { role: 'server' | 'client'; addresses?: Partial<Record<'json' | 'raw' | 'delimiter', Address>>; command?: string[] } {
  const { options } = context;
  if (options.server === options.client) throw usageError('conformance needs exactly one of --server (the implementation under test is a server) and --client');
  const role = options.server ? 'server' : 'client';
  const command = context.rest === undefined ? undefined : [...context.rest];
  const before = context.positionals.slice(0, context.positionals.length - (command?.length ?? 0));
  if (command !== undefined && command.length === 0) throw usageError(`--${role} -- needs a command after --`);
  if (role === 'client' && command === undefined) throw usageError('--client needs the command that starts the client: --client -- <command ...>');
  if ((options.rawServer !== undefined || options.delimiterServer !== undefined) && (role === 'client' || command !== undefined)) {
    throw usageError('--raw-server and --delimiter-server go with --server <target> (with a command the kit starts each mode itself)');
  }
  if (command !== undefined) {
    if (before.length > 0) throw usageError(`unexpected ${JSON.stringify(before[0])} before --: give either --server <target> or --server -- <command ...>`);
    return { role, command };
  }
  if (before.length !== 1) throw usageError(`--server needs one target: conformance --server <target> (got ${before.length === 0 ? 'none' : before.map((b) => JSON.stringify(b)).join(' ')})`);
  const addresses: Partial<Record<'json' | 'raw' | 'delimiter', Address>> = { json: addressOf(context, '--server', before[0] as string) };
  if (options.rawServer !== undefined) addresses.raw = addressOf(context, '--raw-server', options.rawServer);
  if (options.delimiterServer !== undefined) addresses.delimiter = addressOf(context, '--delimiter-server', options.delimiterServer);
  return { role, addresses };
}

/** `node-ipc-ts conformance`: see the file comment and docs/CLI.md "conformance". */
export const conformance: Command = async (context) => {
  const { options, output } = context;
  const { role, addresses, command } = planOf(context);
  if (options.timeout === 0) throw usageError('--timeout must be at least 1 ms here: the kit never waits for ever');
  const only = caseNames('case', options.cases);
  const expectFail = caseNames('expect-fail', options.expectFail) ?? new Set<string>();
  const cases: Case[] = CASES.filter((c) => only === undefined || only.has(c.name));
  const dir = mkdtempSync(join(tmpdir(), 'node-ipc-conformance-'));
  const stop: StopFlag = { stopped: false };
  context.onStop(() => {
    stop.stopped = true;
    void stop.session?.close();
  });
  const report = (line: CaseReport): void => {
    if (output.json) output.event({ event: 'case', ...line });
    else output.plain(caseLine(line));
  };
  let tally: Tally;
  try {
    tally = await runPlan({ role, addresses, command, dir, timeout: options.timeout, cases, expectFail }, report, process.stderr, stop);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const counted = options.expectFail !== undefined;
  if (output.json) output.event({ event: 'summary', ...tally });
  else output.plain(summaryLine(tally, counted));
  return tally.failed > 0 || stop.stopped ? ExitCode.caseFailed : ExitCode.ok;
};
