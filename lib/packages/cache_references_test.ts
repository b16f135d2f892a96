import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { assertOk, createTestContext } from "../../tests/helpers/test_context.ts";
import { type GestvenvConfig, resolveSettings } from "../config/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { SILENT_REPORTER } from "../events/mod.ts";
import { resolveHome } from "../paths/mod.ts";
import { autoCleanupAfterOperation, environmentCacheReferences } from "./cache_references.ts";

const DAY = 86_400_000;

Deno.test("environments' references and the automatic cleanup after an operation", async (t) => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app", "--packages", "demo-pkg"]));
  assertOk(await cli.run(["create", "tmp", "--packages", "other-pkg"]));
  assertOk(await cli.run(["delete", "tmp", "--force"]));
  assertOk(await cli.run(["create", "bare"]));
  await Deno.remove(join(cli.envPath("bare"), "pylock.toml")).catch(() => {});
  const home = resolveHome((name) => name === "GESTVENV_HOME" ? cli.home : undefined);
  const context = (config: GestvenvConfig, dryRun = false): EnvironmentContext => ({
    home,
    settings: resolveSettings(home, config, { env: () => undefined }),
    creatorVersion: "test",
    reporter: SILENT_REPORTER,
    dryRun,
  });
  const projects = () => {
    const db = new DatabaseSync(join(home.cacheDir, "index-v1.sqlite"));
    try {
      return db.prepare("SELECT project FROM artifacts ORDER BY project").all()
        .map((r) => String((r as Record<string, unknown>).project));
    } finally {
      db.close();
    }
  };

  await t.step("references: the sha256 of every locked file", async () => {
    const refs = await environmentCacheReferences(home.registryFile);
    assertEquals(refs.environments, 2);
    assertEquals(refs.unlocked, ["bare"]);
    assertEquals(refs.references.sha256s.size, 2, "demo-pkg and demo-dep");
  });

  const db = new DatabaseSync(join(home.cacheDir, "index-v1.sqlite"));
  db.prepare("UPDATE artifacts SET last_used = ?").run(Date.now() - 40 * DAY);
  db.close();

  await t.step("off, without limits, or in a dry run: nothing", async () => {
    assertEquals(await autoCleanupAfterOperation(context({ "cache.max_age": 30 })), undefined);
    assertEquals(
      await autoCleanupAfterOperation(context({ "cache.auto_cleanup": true })),
      undefined,
    );
    assertEquals(
      await autoCleanupAfterOperation(
        context({ "cache.auto_cleanup": true, "cache.max_age": 30 }, true),
      ),
      undefined,
    );
    assertEquals(projects(), ["demo-dep", "demo-pkg", "other-pkg"]);
  });

  await t.step(
    "on with cache.max_age: old unused artifacts go, what `app` uses stays",
    async () => {
      const report = await autoCleanupAfterOperation(
        context({ "cache.auto_cleanup": true, "cache.max_age": 30 }),
      );
      assert(report?.complete, "finished within its budget");
      assertEquals(projects(), ["demo-dep", "demo-pkg"]);
      const run = await cli.exec(join(cli.envPath("app"), "bin", "python"), [
        "-c",
        "import demo_pkg",
      ]);
      assertEquals(run.code, 0, run.stderr);
    },
  );
});
