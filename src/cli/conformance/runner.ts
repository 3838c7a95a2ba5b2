/**
 * Runs the cases of a plan, group by group (docs/PROTOCOL.md §11.1): one session per mode
 * group, the cases one after the other (a client under test has one connection, and a
 * server under load would make timings, not the protocol, decide), each bounded in time, and
 * reports each result as it is known.
 */
import type { Case } from './cases';
import { MODES } from './cases';
import type { Mode } from './launch';
import { ClientSession, ServerSession, type Address, type Session } from './session';
import { Mismatch } from './wire';

/** What to run and against what. */
export interface Plan {
  /** The role of the implementation under test. */
  readonly role: 'server' | 'client';
  /** `--server <target>` forms: the server of each group (a group without one is skipped). */
  readonly addresses?: Partial<Record<Mode, Address>>;
  /** `-- <command>` forms: the command, started per group. */
  readonly command?: readonly string[];
  /** A directory for the sockets of the command forms, removed by the caller. */
  readonly dir: string;
  /** Milliseconds each wait may take. */
  readonly timeout: number;
  readonly cases: readonly Case[];
  readonly expectFail: ReadonlySet<string>;
}

/** A case's result: `xfail` failed as `--expect-fail` said, `xpass` passed though listed there. */
export type Result = 'pass' | 'fail' | 'skip' | 'xfail' | 'xpass';

/** One line of the report. */
export interface CaseReport {
  readonly result: Result;
  readonly name: string;
  readonly section: string;
  readonly detail?: string;
}

/** The counts of the summary line. `failed` includes `xpass`. */
export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  expectedFailures: number;
}

/** Set `stopped` to end the run after the running case (Ctrl-C); `session` is what to close at once. */
export interface StopFlag {
  stopped: boolean;
  session?: Session;
}

/** A whole case, all its waits together, ends within this many per-case timeouts. */
const CASE_LIMIT_TIMEOUTS = 6;

const SKIP_WHY: Readonly<Record<Mode, string>> = {
  json: 'no --server given',
  raw: 'no --raw-server given (the same implementation as a server in raw mode)',
  delimiter: 'no --delimiter-server given (the same implementation as a server with delimiter \\r\\n)',
};

/** Runs `plan`, calling `report` for each case in order, and resolves with the counts. */
export async function runPlan(plan: Plan, report: (line: CaseReport) => void, stderr: NodeJS.WritableStream, stop: StopFlag): Promise<Tally> {
  const tally: Tally = { passed: 0, failed: 0, skipped: 0, expectedFailures: 0 };
  const record = (c: Case, outcome: 'pass' | 'fail' | 'skip', detail?: string): void => {
    let result: Result = outcome;
    if (outcome !== 'skip' && plan.expectFail.has(c.name)) result = outcome === 'fail' ? 'xfail' : 'xpass';
    if (result === 'xpass') detail = `passed${detail === undefined ? '' : ` (${detail})`}, but --expect-fail lists it`;
    if (result === 'pass') tally.passed++;
    else if (result === 'skip') tally.skipped++;
    else if (result === 'xfail') tally.expectedFailures++;
    else tally.failed++;
    report(detail === undefined ? { result, name: c.name, section: c.section } : { result, name: c.name, section: c.section, detail });
  };
  for (const mode of MODES) {
    const cases: Case[] = [];
    for (const c of plan.cases.filter((x) => x.mode === mode)) {
      if (c.role !== undefined && c.role !== plan.role) record(c, 'skip', `only for a peer in the ${c.role} role`);
      else cases.push(c);
    }
    if (cases.length === 0 || stop.stopped) continue;
    const session = sessionOf(plan, mode, stderr);
    if (session === undefined) {
      for (const c of cases) record(c, 'skip', SKIP_WHY[mode]);
      continue;
    }
    stop.session = session;
    try {
      await session.ready();
    } catch (err) {
      for (const c of cases) record(c, 'fail', `the ${plan.role} under test was not ready (${mode} mode): ${messageOf(err)}`);
      await session.close();
      continue;
    }
    try {
      for (const c of cases) {
        if (stop.stopped) break;
        const outcome = await runCase(c, session, plan.timeout);
        record(c, outcome.failed ? 'fail' : 'pass', outcome.detail);
      }
    } finally {
      stop.session = undefined;
      await session.close();
    }
  }
  return tally;
}

function sessionOf(plan: Plan, mode: Mode, stderr: NodeJS.WritableStream): Session | undefined {
  if (plan.role === 'client') return new ClientSession(plan.dir, mode, plan.timeout, plan.command ?? [], stderr);
  if (plan.command !== undefined) return new ServerSession({ path: `${plan.dir}/${mode}.sock` }, mode, plan.timeout, plan.command, stderr);
  const address = plan.addresses?.[mode];
  return address === undefined ? undefined : new ServerSession(address, mode, plan.timeout, undefined, stderr);
}

async function runCase(c: Case, session: Session, timeout: number): Promise<{ failed: boolean; detail?: string }> {
  session.patience = c.patience ?? 1;
  const limit = timeout * session.patience * CASE_LIMIT_TIMEOUTS;
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Mismatch(`the case did not finish within ${limit} ms`)), limit);
  });
  // When the guard wins, the case's own waits still end (its connections are closed below),
  // and the race has already taken its rejection.
  const running = c.run(session);
  let failed = true;
  try {
    const note = await Promise.race([running, guard]);
    failed = false;
    return note === undefined ? { failed } : { failed, detail: note };
  } catch (err) {
    return { failed, detail: err instanceof Mismatch ? err.message : `the kit itself failed: ${err instanceof Error && err.stack !== undefined ? err.stack : String(err)}` };
  } finally {
    clearTimeout(timer);
    session.after(failed);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
