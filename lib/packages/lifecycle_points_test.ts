/**
 * Every lifecycle point lib emits (issue 12 §4), seen by a recording listener: create and clone
 * (`pre-create` before anything is made, `post-create` after registration), uninstall (install
 * events with `after: null`), sync (`post-sync`), delete (`pre-delete` before anything goes). The
 * refusals prove nothing changed.
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { assertOk, createTestContext, type TestContext } from "../../tests/helpers/test_context.ts";
import { treeDigest } from "../../tests/helpers/tree_digest.ts";
import { resolveSettings } from "../config/mod.ts";
import {
  deleteEnvironment,
  type EnvironmentContext,
  type LifecycleEvent,
  type LifecycleEventName,
} from "../environments/mod.ts";
import { OperationError } from "../errors/mod.ts";
import { SILENT_REPORTER } from "../events/mod.ts";
import { resolveHome } from "../paths/mod.ts";
import { cloneEnvironment } from "./clone_environment.ts";
import { createEnvironment } from "./create_environment.ts";
import { installPackages, uninstallPackages } from "./manage_packages.ts";
import { syncEnvironment } from "./sync_lock.ts";

/** A context whose listener records every event and refuses `refuse`. */
function recording(
  cli: TestContext,
  events: LifecycleEvent[],
  refuse?: LifecycleEventName,
): EnvironmentContext {
  const home = resolveHome((name) => name === "GESTVENV_HOME" ? cli.home : undefined);
  return {
    home,
    settings: resolveSettings(home, { index_url: cli.index.url }, { env: () => undefined }),
    creatorVersion: "test",
    reporter: SILENT_REPORTER,
    lifecycle: (event) => {
      events.push(structuredClone(event));
      if (event.event === refuse) {
        return Promise.reject(new OperationError(`refused ${event.event}`, "TEST_REFUSED"));
      }
      return Promise.resolve();
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("lifecycle points: create with packages, clone, refused create", async () => {
  await using cli = await createTestContext();
  const events: LifecycleEvent[] = [];

  await createEnvironment(recording(cli, events), "app", { packages: ["demo-dep==1.0.0"] });
  assertEquals(events.map((e) => e.event), [
    "pre-create",
    "pre-install",
    "post-install",
    "post-create",
  ]);
  assertEquals(events[0]!.path, cli.envPath("app"), "pre-create names the final path");
  assertEquals(await exists(cli.envPath("app")), true);
  assertEquals(events[3]!.environment, "app");

  events.length = 0;
  await cloneEnvironment(recording(cli, events), "app", "copy");
  assertEquals(events.map((e) => e.event)[0], "pre-create");
  assertEquals(events.at(-1)!.event, "post-create");
  assertEquals(events.at(-1)!.environment, "copy");

  // A refused pre-create: no directory, no registry entry, no journal entry.
  events.length = 0;
  const homeBefore = await treeDigest(cli.home);
  await assertRejects(
    () => createEnvironment(recording(cli, events, "pre-create"), "nope"),
    OperationError,
    "refused pre-create",
  );
  assertEquals(events.map((e) => e.event), ["pre-create"]);
  assertEquals(await exists(cli.envPath("nope")), false);
  assertEquals((await cli.registry()).environments["nope"], undefined);
  const after = (await treeDigest(cli.home)).filter((l) => !l.includes("locks/"));
  assertEquals(after, homeBefore.filter((l) => !l.includes("locks/")), "the home is unchanged");
});

Deno.test("lifecycle points: uninstall, sync and delete", async () => {
  await using cli = await createTestContext();
  assertOk(await cli.run(["create", "app"]));
  const events: LifecycleEvent[] = [];
  await installPackages(recording(cli, events), "app", { requirements: ["demo-pkg"] });

  // Uninstall: pre-install / post-install with removals only; a refusal changes nothing.
  events.length = 0;
  const before = await treeDigest(cli.envPath("app"));
  await assertRejects(
    () => uninstallPackages(recording(cli, events, "pre-install"), "app", ["demo-pkg"]),
    OperationError,
  );
  assertEquals(await treeDigest(cli.envPath("app")), before, "a refused uninstall changed nothing");
  assertEquals(events[0]!.changes!.map((c) => [c.name, c.before, c.after]), [
    ["demo-pkg", "1.1.0", null],
  ]);
  events.length = 0;
  await uninstallPackages(recording(cli, events), "app", ["demo-pkg"]);
  assertEquals(events.map((e) => e.event), ["pre-install", "post-install"]);
  assertEquals(events[1]!.changes![0]!.after, null);

  // Sync back to the lock: post-sync after the install events, with the plan's changes.
  const lock = join(cli.work, "pylock.toml");
  await Deno.copyFile(join(cli.envPath("app"), "pylock.toml"), lock);
  await installPackages(recording(cli, []), "app", { requirements: ["other-pkg"] });
  events.length = 0;
  await syncEnvironment(recording(cli, events), "app", { lockFile: lock });
  assertEquals(events.map((e) => e.event), ["pre-install", "post-install", "post-sync"]);
  assertEquals(events[2]!.changes!.map((c) => [c.name, c.after]), [["other-pkg", null]]);

  // Delete: a refused pre-delete leaves the environment and its entry; then it goes.
  events.length = 0;
  const kept = await treeDigest(cli.envPath("app"));
  await assertRejects(
    () => deleteEnvironment(recording(cli, events, "pre-delete"), "app"),
    OperationError,
    "refused pre-delete",
  );
  assertEquals(await treeDigest(cli.envPath("app")), kept);
  assert((await cli.registry()).environments["app"] !== undefined);
  events.length = 0;
  await deleteEnvironment(recording(cli, events), "app");
  assertEquals(events.map((e) => [e.event, e.environment, e.path]), [
    ["pre-delete", "app", cli.envPath("app")],
  ]);
  assertEquals(await exists(cli.envPath("app")), false);
});
