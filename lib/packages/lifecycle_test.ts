import { join } from "node:path";
import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { assertOk, createTestContext } from "../../tests/helpers/test_context.ts";
import { treeDigest } from "../../tests/helpers/tree_digest.ts";
import { resolveSettings } from "../config/mod.ts";
import type { EnvironmentContext, LifecycleEvent } from "../environments/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { SILENT_REPORTER } from "../events/mod.ts";
import { resolveHome } from "../paths/mod.ts";
import { installPackages } from "./manage_packages.ts";

Deno.test("lifecycle: pre-install sees the verified plan and may refuse it; post-install follows", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  const home = resolveHome((name) => name === "GESTVENV_HOME" ? cli.home : undefined);
  const events: LifecycleEvent[] = [];
  const context = (refuse: boolean): EnvironmentContext => ({
    home,
    settings: resolveSettings(home, { index_url: cli.index.url }, { env: () => undefined }),
    creatorVersion: "test",
    reporter: SILENT_REPORTER,
    lifecycle: (event) => {
      events.push(event);
      if (refuse && event.event === "pre-install") {
        return Promise.reject(new OperationError("refused by the test", "TEST_REFUSED"));
      }
      return Promise.resolve();
    },
  });

  const before = await treeDigest(cli.envPath("app"));
  await assertRejects(
    () => installPackages(context(true), "app", { requirements: ["demo-pkg"] }),
    OperationError,
    "refused by the test",
  );
  assertEquals(await treeDigest(cli.envPath("app")), before, "nothing in the environment changed");
  assertEquals(events.map((e) => e.event), ["pre-install"]);
  const planned = events[0]!.changes!.map((c) => [c.name, c.before, c.after]).sort();
  assertEquals(planned, [["demo-dep", null, "2.0.0"], ["demo-pkg", null, "1.1.0"]]);
  for (const change of events[0]!.changes!) {
    await Deno.stat(change.artifact!); // the verified file is in the cache already
  }

  events.length = 0;
  await installPackages(context(false), "app", { requirements: ["demo-pkg"] });
  assertEquals(events.map((e) => e.event), ["pre-install", "post-install"]);
  assertEquals(events[1]!.environment, "app");
  assertEquals(events[1]!.path, cli.envPath("app"));
  const run = await cli.exec(join(cli.envPath("app"), "bin", "python"), ["-c", "import demo_pkg"]);
  assertEquals(run.code, 0, run.stderr);
});
