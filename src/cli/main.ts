/**
 * The `node-ipc-ts` command (bin/node-ipc-ts.js runs {@link main}): picks the command, parses
 * and checks its flags, runs it, and turns its outcome into an exit code. Every failure is
 * printed once (stderr; with `--json` also as an `error` event) with the code of docs/CLI.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './args';
import { conformance } from './commands/conformance';
import { connect } from './commands/connect';
import { listen } from './commands/listen';
import { proxy } from './commands/proxy';
import { request } from './commands/request';
import { send } from './commands/send';
import { stopSignals, type Command } from './context';
import { CliError, ExitCode, codeOf, messageOf, type ExitCodeValue } from './exit-codes';
import { COMMAND_HELP, OVERVIEW } from './help';
import { COMMAND_FLAGS, readOptions } from './options';
import { Output } from './output';

const COMMANDS: Readonly<Record<string, Command>> = { listen, connect, send, request, proxy, conformance };

/** The package's version, from its package.json (two levels above dist/cli/). */
function version(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Runs the command line `argv` (without the node binary and script) and resolves with the exit
 * code. Never rejects: every failure becomes its exit code.
 */
export async function main(argv: readonly string[]): Promise<ExitCodeValue> {
  const [name, ...rest] = argv;
  const early = new Output(argv.includes('--json'), process.stdout, process.stderr, process.env);
  if (name === undefined) {
    process.stderr.write(OVERVIEW);
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(OVERVIEW);
    return ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS[name];
  const flags = COMMAND_FLAGS[name];
  if (command === undefined || flags === undefined) {
    early.error(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')}; node-ipc-ts --help)`, 'ERR_USAGE');
    return ExitCode.usage;
  }
  let output = early;
  const signals = stopSignals();
  try {
    const parsed = parseArgs(rest, flags);
    if (parsed.flags.get('help') === true) {
      process.stdout.write(COMMAND_HELP[name] ?? OVERVIEW);
      return ExitCode.ok;
    }
    const options = readOptions(parsed, name);
    output = new Output(options.json, process.stdout, process.stderr, process.env);
    return await command({
      command: name,
      positionals: parsed.positionals,
      rest: parsed.rest,
      options,
      output,
      onStop: signals.onStop,
      interrupt: signals.interrupt,
    });
  } catch (err) {
    if (err instanceof CliError) {
      const hint = err.exitCode === ExitCode.usage ? ` (node-ipc-ts ${name} --help)` : '';
      output.error(`${err.message}${hint}`, err.code, err.details);
      return err.exitCode;
    }
    // A bug of the command line itself: say so with the stack, never exit 0.
    output.error(`unexpected failure: ${err instanceof Error && err.stack !== undefined ? err.stack : messageOf(err)}`, codeOf(err));
    return ExitCode.failure;
  } finally {
    signals.dispose();
  }
}
