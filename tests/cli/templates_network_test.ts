/**
 * Against the real package index (the machine's pip configuration), only with
 * `GESTVENV_TEST_NETWORK=1`: for each built-in template, `create-from-template` renders the
 * project and creates its environment (the template's groups, the project editable, built by its
 * real build backend), then `gestvenv run NAME pytest` runs the generated project's own tests in
 * it: they pass. Prints the time each step took. The hermetic templates_test.ts covers the same
 * paths on the local index.
 */
import { join } from "node:path";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

const NETWORK = Deno.env.get("GESTVENV_TEST_NETWORK") === "1";

/**
 * The templates checked, with extra arguments: this branch's built-ins (the web templates have
 * their own network test).
 */
const TEMPLATES: Array<[string, string[]]> = [
  ["basic", []],
  ["cli", []],
  ["cli", ["--var", "cli_framework=typer"]],
  ["data-science", []],
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

for (const [template, extra] of TEMPLATES) {
  const label = [template, ...extra].join(" ");
  Deno.test({
    name:
      `network: create-from-template ${template}, then the project's own tests pass in its environment`,
    ignore: !NETWORK,
    async fn() {
      await using ctx = await createTestContext([]);
      const env: Record<string, string> = {};
      for (const key of ["PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_NO_CACHE_DIR"]) {
        const value = Deno.env.get(key);
        if (value !== undefined) env[key] = value;
      }
      // Undo the sealed room's index settings: use the machine's pip configuration.
      for (const key of ["PIP_CONFIG_FILE", "PIP_INDEX_URL", "PIP_NO_CACHE_DIR"]) {
        delete ctx.env[key];
      }
      Object.assign(ctx.env, env);
      const name = `net-${template}${extra.length > 0 ? "-2" : ""}`;
      const started = performance.now();
      const created = await ctx.run(["create-from-template", template, name, ...extra]);
      assertOk(created, `create-from-template ${label}`);
      const createdMs = performance.now() - started;
      const dir = join(ctx.work, name);
      const record = (await ctx.registry()).environments[name]!;
      assertEquals((record as unknown as { project: { path: string } }).project.path, dir);
      const testStarted = performance.now();
      const tests = await ctx.run(["run", name, "pytest", "-q", "-p", "no:cacheprovider", dir]);
      assertOk(tests, `gestvenv run ${name} pytest`);
      assertStringIncludes(tests.stdout, "passed");
      const testMs = performance.now() - testStarted;
      Deno.stderr.writeSync(
        new TextEncoder().encode(
          `    ${label}: create-from-template ${
            seconds(createdMs)
          } (${record.packages.length} distributions), ` +
            `gestvenv run pytest ${seconds(testMs)}: ${tests.stdout.trim().split("\n").pop()}\n`,
        ),
      );
    },
  });
}
