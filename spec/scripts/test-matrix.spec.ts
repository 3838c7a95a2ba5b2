/**
 * The runtime matrix runner (scripts/test-matrix.js) is plain JS run by CI; these specs cover
 * only its pure parts (reading jasmine's summary, the verdict, the lines it prints). They never
 * start a nested matrix.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface Summary {
  specs: number;
  failures: number;
  pending: number;
  seconds: number | null;
  incomplete: string | null;
}
interface Exit { code: number | null; signal: string | null; timedOut?: boolean }
interface Result { label: string; version: string; summary: Summary | null; ms: number; ok: boolean; reason: string; bestEffort?: boolean }
interface MatrixRunner {
  parseJasmineSummary(text: string): Summary | null;
  verdict(exit: Exit, summary: Summary | null): { ok: boolean; reason: string };
  formatLine(result: Result): string;
  formatTotal(results: Result[]): string;
  failureExcerpt(output: string, maxLines: number): string;
  markdownTable(last: { date: string; platform: string; results: Result[] }): string;
  NODE_VERSIONS: string[];
}

// build/spec/scripts/ -> repo root
const runner = createRequire(__filename)(join(__dirname, '..', '..', '..', 'scripts', 'test-matrix.js')) as MatrixRunner;

const PASSING = 'Randomized with seed 1\nStarted\n.....\n\n\n781 specs, 0 failures\nFinished in 33.992 seconds\nRandomized with seed 1 (jasmine --random=true --seed=1)\n';

describe('test-matrix runner', () => {
  describe('parseJasmineSummary', () => {
    it('reads specs, failures and the duration of a clean run', () => {
      expect(runner.parseJasmineSummary(PASSING)).toEqual({ specs: 781, failures: 0, pending: 0, seconds: 33.992, incomplete: null });
    });

    it('counts failures and pending specs, singular or plural', () => {
      expect(runner.parseJasmineSummary('1 spec, 1 failure, 1 pending spec\nFinished in 0.1 seconds\n'))
        .toEqual({ specs: 1, failures: 1, pending: 1, seconds: 0.1, incomplete: null });
      expect(runner.parseJasmineSummary('90 specs, 3 failures, 2 pending specs\n'))
        .toEqual({ specs: 90, failures: 3, pending: 2, seconds: null, incomplete: null });
    });

    it('reports an incomplete run and ignores colour codes', () => {
      // Jasmine's own words, assembled so that no focused-spec call appears in this file.
      const focused = ['f', 'it() or f', 'describe() was found'].join('');
      const text = `\x1b[32m5 specs, 0 failures\x1b[0m\nFinished in 1 second\nIncomplete: ${focused}\n`;
      expect(runner.parseJasmineSummary(text)).toEqual({ specs: 5, failures: 0, pending: 0, seconds: 1, incomplete: focused });
    });

    it('takes the last summary-shaped line, not one printed by a spec', () => {
      expect(runner.parseJasmineSummary('2 specs, 0 failures\n...\n7 specs, 1 failure\n')?.specs).toBe(7);
    });

    it('returns null when the run died before its summary', () => {
      expect(runner.parseJasmineSummary('Started\n....\nSegmentation fault\n')).toBeNull();
      expect(runner.parseJasmineSummary('')).toBeNull();
    });
  });

  describe('verdict', () => {
    const clean = (): Summary => ({ specs: 10, failures: 0, pending: 1, seconds: 1, incomplete: null });
    const exit0: Exit = { code: 0, signal: null };

    it('passes a clean run with pending specs', () => {
      expect(runner.verdict(exit0, clean())).toEqual({ ok: true, reason: 'ok' });
    });

    it('fails on failures, no summary, no specs, an incomplete run, a non-zero exit or a timeout', () => {
      expect(runner.verdict({ code: 3, signal: null }, { ...clean(), failures: 2 })).toEqual({ ok: false, reason: '2 failing' });
      expect(runner.verdict({ code: null, signal: 'SIGSEGV' }, null)).toEqual({ ok: false, reason: 'no jasmine summary (exit SIGSEGV)' });
      expect(runner.verdict(exit0, { ...clean(), specs: 0 }).ok).toBe(false);
      expect(runner.verdict({ code: 2, signal: null }, { ...clean(), incomplete: 'No specs found' }).reason).toContain('incomplete');
      expect(runner.verdict({ code: 1, signal: null }, clean())).toEqual({ ok: false, reason: 'exit 1' });
      expect(runner.verdict({ code: null, signal: 'SIGKILL', timedOut: true }, null)).toEqual({ ok: false, reason: 'timed out' });
    });
  });

  describe('output lines', () => {
    it('prints version, counts, time and status on one line per runtime', () => {
      const line = runner.formatLine({ label: 'node', version: '18.0.0', summary: runner.parseJasmineSummary(PASSING), ms: 35400, ok: true, reason: 'ok' });
      expect(line).toMatch(/^node 18\.0\.0 +781 specs, 0 failures, 0 pending +35\.4s {2}ok$/);
    });

    it('marks a best-effort line and leaves it out of the total', () => {
      const failed: Result = { label: 'bun', version: '1.4.5', summary: null, ms: 0, ok: false, reason: 'no jasmine summary (exit 1)', bestEffort: true };
      expect(runner.formatLine(failed)).toContain('FAIL (no jasmine summary (exit 1)) [best-effort, not counted]');
      const passed: Result = { label: 'node', version: '22.23.3', summary: null, ms: 1, ok: true, reason: 'ok' };
      const broken: Result = { ...passed, version: '24.21.0', ok: false, reason: '1 failing' };
      expect(runner.formatTotal([passed, failed])).toBe('matrix: 1 passed, 0 failed');
      expect(runner.formatTotal([passed, broken, failed])).toBe('matrix: 1 passed, 1 failed');
    });

    it('excerpts from the Failures section, without progress dots', () => {
      const log = 'Started\n..F..\n\nFailures:\n1) a spec\n  Message:\n    Expected 1 to be 2.\n\n5 specs, 1 failure\n';
      const excerpt = runner.failureExcerpt(log, 3);
      expect(excerpt).toBe('Failures:\n1) a spec\n  Message:');
    });
  });

  it('renders the README table from a results file, Bun marked best-effort', () => {
    const table = runner.markdownTable({
      date: '2026-11-25T08:00:00.000Z',
      platform: 'linux-x64',
      results: [
        { label: 'node', version: '18.0.0', summary: { specs: 9, failures: 0, pending: 1, seconds: 1, incomplete: null }, ms: 1500, ok: true, reason: 'ok' },
        { label: 'bun', version: '1.4.5', summary: null, ms: 0, ok: false, reason: 'no jasmine summary (exit 1)', bestEffort: true },
      ],
    });
    expect(table.split('\n')).toEqual([
      '| Runtime | Specs | Failures | Pending | Time | Result |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      '| Node.js 18.0.0 | 9 | 0 | 1 | 1.5 s | pass |',
      '| Bun 1.4.5 (interop + examples, best-effort) | ? | ? | ? | 0.0 s | fail: no jasmine summary (exit 1) |',
      '',
      'Last matrix run: 2026-11-25, linux-x64.',
    ]);
  });

  it('covers every release line engines.node promises, floor included', () => {
    const majors = new Set(runner.NODE_VERSIONS.map((v) => v.split('.')[0]));
    expect([...majors]).toEqual(['18', '20', '22', '24']);
    expect(runner.NODE_VERSIONS).toContain('18.0.0');
  });
});
