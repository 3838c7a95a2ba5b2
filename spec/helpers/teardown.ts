/**
 * Cleanup registry: register a step on the line after creating a resource (undici style);
 * a global afterEach runs the steps in reverse order, so clients close before servers.
 */
export class Teardown {
  readonly #steps: Array<() => unknown> = [];

  add(step: () => unknown): void {
    this.#steps.push(step);
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
    if (failures.length > 0) throw failures[0];
  }
}

export const teardown = new Teardown();

afterEach(async () => {
  await teardown.run();
});
