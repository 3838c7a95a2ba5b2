/**
 * Typed lines from stdin. On a terminal (stdin and stdout both TTYs, human output) it is an
 * interactive prompt: line editing and history, and printed events appear above the line
 * being typed instead of cutting through it. Elsewhere (a pipe, a file) plain lines.
 */
import { clearLine, createInterface, cursorTo } from 'node:readline';
import type { Output } from './output';

/** What the command does with the lines. */
export interface LineHandlers {
  /** One line, without its newline. */
  line(text: string): void;
  /** stdin ended (end of a pipe, Ctrl-D on a terminal). */
  end(): void;
  /** Ctrl-C on the prompt (a terminal in raw mode does not raise SIGINT itself). */
  interrupt(): void;
}

/** The reader; `close()` stops reading and lets the process exit, without calling `end`. */
export interface LineReader {
  close(): void;
}

/** Starts reading stdin. */
export function readLines(output: Output, prompt: string, handlers: LineHandlers): LineReader {
  const input = process.stdin;
  const stdout = process.stdout;
  const interactive = input.isTTY === true && stdout.isTTY === true && !output.json;
  const rl = createInterface({ input, output: interactive ? stdout : undefined, terminal: interactive, prompt, historySize: interactive ? 100 : 0 });
  let open = true;
  if (interactive) {
    output.setGuard({
      before() {
        clearLine(stdout, 0);
        cursorTo(stdout, 0);
      },
      after() {
        if (open) rl.prompt(true);
      },
    });
    rl.prompt();
  }
  rl.on('line', (text) => {
    handlers.line(text);
    if (interactive && open) rl.prompt();
  });
  rl.on('close', () => {
    if (!open) return;
    open = false;
    output.setGuard(undefined);
    handlers.end();
  });
  rl.on('SIGINT', () => handlers.interrupt());
  return {
    close() {
      if (!open) return;
      open = false;
      output.setGuard(undefined);
      if (interactive) {
        // Lines printed while closing go where the prompt was, not after it.
        clearLine(stdout, 0);
        cursorTo(stdout, 0);
      }
      rl.close();
      input.destroy();
    },
  };
}
