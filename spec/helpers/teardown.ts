/**
 * Cleanup registry: register a step on the line after creating a resource (undici style);
 * a global afterEach runs the steps in reverse order, so clients close before servers, then
 * the checks (verdicts on what happened during the spec and its cleanup, such as undeclared
 * `error` events).
 */
export class Teardown {
  readonly #steps: Array<() => unknown> = [];
  readonly #checks: Array<() => unknown> = [];

  add(step: () => unknown): void {
    this.#steps.push(step);
  }

  /** Runs `check` once after every step of this spec; a check that throws fails the spec. */
  check(check: () => unknown): void {
    if (!this.#checks.includes(check)) this.#checks.push(check);
  }

  async run(): Promise<void> {
    const failures: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        failures.push(err);
      }
    }
    for (const check of this.#checks.splice(0)) {
      try {
        await check();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

export const teardown = new Teardown();

afterEach(async () => {
  await teardown.run();
});
