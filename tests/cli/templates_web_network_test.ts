/**
 * The web templates end to end against the real PyPI, only with `GESTVENV_TEST_NETWORK=1`:
 * `create-from-template` renders the project and creates its environment (the project editable,
 * its `dev` group) from https://pypi.org/simple (`PIP_CONFIG_FILE=/dev/null`, no index setting),
 * then the generated project's **own** test suite runs inside it (`gestvenv run NAME python -m
 * pytest -q`, in the project directory) and passes. The time of each step is printed.
 *
 * The hermetic checks of the same templates are in `templates_web_test.ts`.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";
import { assertOk, type CliResult, createTestContext } from "../helpers/test_context.ts";

interface Case {
  template: string;
  name: string;
  flags: string[];
  /** A command the README tells people to run (a migration), and the file it must create. */
  migrate?: { command: string[]; creates: string };
}

const CASES: Case[] = [
  { template: "fastapi", name: "net-fastapi", flags: [] },
  {
    template: "flask",
    name: "net-flask",
    flags: [],
    migrate: { command: ["flask", "db", "upgrade"], creates: "instance/app.db" },
  },
  {
    template: "django",
    name: "net-django",
    flags: [],
    migrate: { command: ["python", "manage.py", "migrate"], creates: "db.sqlite3" },
  },
  { template: "web", name: "net-web-fastapi", flags: ["--framework", "fastapi"] },
  { template: "web", name: "net-web-flask", flags: ["--framework", "flask"] },
  {
    template: "web",
    name: "net-web-django",
    flags: ["--framework", "django"],
    migrate: { command: ["python", "manage.py", "migrate"], creates: "db.sqlite3" },
  },
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** `gestvenv ARGS...` with the test's environment, in `cwd` (ctx.run always runs in ctx.work). */
async function runIn(cwd: string, env: Record<string, string>, args: string[]): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSION_FLAGS, MAIN, ...args],
    env,
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

for (const c of CASES) {
  Deno.test({
    name: `network: ${[c.template, ...c.flags].join(" ")} from PyPI, its own tests pass`,
    ignore: Deno.env.get("GESTVENV_TEST_NETWORK") !== "1",
    async fn() {
      await using ctx = await createTestContext([]);
      // The real PyPI: no local index, no machine pip configuration (PIP_CONFIG_FILE=/dev/null).
      delete ctx.env["PIP_INDEX_URL"];
      assertEquals(ctx.env["PIP_CONFIG_FILE"], "/dev/null");

      const started = performance.now();
      const created = await ctx.run(["create-from-template", c.template, c.name, ...c.flags]);
      assertOk(created, `create-from-template ${c.template}`);
      const createdIn = performance.now() - started;
      const project = join(ctx.work, c.name);
      const record = (await ctx.registry()).environments[c.name];
      assert(record !== undefined, "the environment is registered");
      const installed = record.packages.map((p) => p.name.toLowerCase().replace(/_/g, "-"));
      assert(installed.includes("pytest"), `the dev group is installed: ${installed}`);

      // The generated project's own suite, inside its environment, from the project directory.
      const testsStarted = performance.now();
      const pytest = await runIn(project, ctx.env, [
        "run",
        c.name,
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
      ]);
      const testedIn = performance.now() - testsStarted;
      assertOk(pytest, `${c.name}: its own tests`);
      const summary = pytest.stdout.trim().split("\n").at(-1) ?? "";
      assertMatch(summary, /^\d+ passed/);
      assert(!/failed|error/.test(summary), pytest.stdout);
      if (c.migrate !== undefined) {
        // What the README says to run: the migrations apply to a new database in the project.
        const migrated = await runIn(project, ctx.env, ["run", c.name, ...c.migrate.command]);
        assertOk(migrated, `${c.name}: ${c.migrate.command.join(" ")}`);
        const db = await Deno.stat(join(project, c.migrate.creates));
        assert(db.isFile && db.size > 0, `${c.migrate.creates} is empty`);
        const tables = await runIn(project, ctx.env, [
          "run",
          c.name,
          "python",
          "-c",
          "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); " +
          "print(sorted(r[0] for r in db.execute(\"select name from sqlite_master where type='table'\")))",
          c.migrate.creates,
        ]);
        assertOk(tables);
        assertMatch(tables.stdout, /'items(_item)?'/);
      }
      await Deno.stderr.write(
        new TextEncoder().encode(
          `${[c.template, ...c.flags].join(" ")}: create-from-template ${seconds(createdIn)}, ` +
            `tests ${seconds(testedIn)} (${summary})\n`,
        ),
      );
    },
  });
}
