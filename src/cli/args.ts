/**
 * Splits a command line into positionals and flags, against the flags one command accepts.
 * Written here rather than with `util.parseArgs`, which Node 18.0 (in `engines`) lacks, and
 * so that every mistake gets a message naming the flag and what it wanted.
 */
import { usageError } from './exit-codes';

/** A flag a command accepts: a switch (`--json`) or one that takes a value (`--timeout 500`). */
export interface FlagSpec {
  /** The name without dashes (`timeout` for `--timeout`). */
  readonly name: string;
  /** `true`: takes a value, as `--name value` or `--name=value`. */
  readonly value: boolean;
  /** A one-letter alias (`h` for `-h`). */
  readonly short?: string;
}

/** What {@link parseArgs} found. */
export interface ParsedArgs {
  /** The arguments that are not flags, in order. */
  readonly positionals: string[];
  /** Each flag given, by name: `true` for a switch, the text for a flag with a value (the last one wins). */
  readonly flags: ReadonlyMap<string, string | true>;
  /** The arguments after `--` (also at the end of `positionals`), or undefined without `--`: a command to run (conformance). */
  readonly rest: string[] | undefined;
}

/**
 * Parses `argv` (without the node binary, script and command). `--` ends the flags; `-` and
 * negative numbers (`-5`) are positionals.
 * @throws CliError (exit 2) for an unknown flag, a missing value, or a value given to a switch.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  let rest: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest = argv.slice(i + 1);
      positionals.push(...rest);
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const name = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1, eq === -1 ? undefined : eq);
    const spec = long ? specs.find((s) => s.name === name) : specs.find((s) => s.short === name);
    if (spec === undefined) throw usageError(unknownFlag(arg.slice(0, eq === -1 ? undefined : eq), specs));
    const shown = long ? `--${spec.name}` : `-${name}`;
    if (!spec.value) {
      if (eq !== -1) throw usageError(`${shown} takes no value (got ${JSON.stringify(arg.slice(eq + 1))})`);
      flags.set(spec.name, true);
      continue;
    }
    if (eq !== -1) {
      flags.set(spec.name, arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('--') && next.length > 2)) throw usageError(`${shown} needs a value`);
    flags.set(spec.name, next);
    i++;
  }
  return { positionals, flags, rest };
}

/** "unknown flag --jsn (did you mean --json?)" */
function unknownFlag(given: string, specs: readonly FlagSpec[]): string {
  const bare = given.replace(/^-+/, '');
  let best: string | undefined;
  let bestDistance = 3;
  for (const spec of specs) {
    const d = distance(bare, spec.name);
    if (d < bestDistance) {
      bestDistance = d;
      best = spec.name;
    }
  }
  return `unknown flag ${given}${best === undefined ? '' : ` (did you mean --${best}?)`}`;
}

/** Levenshtein distance, for the suggestion (flag names are short). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
