import { assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { DryRunViolationError } from "../errors/mod.ts";
import { resolveHome } from "../paths/mod.ts";
import { resolveSettings } from "../config/mod.ts";
import { SILENT_REPORTER } from "../events/mod.ts";
import { changeRegistry, type EnvironmentContext } from "./context.ts";
import { writeJournal } from "./journal.ts";

Deno.test("in a dry run, the registry and the journal refuse every change", async () => {
  const root = await Deno.makeTempDir();
  try {
    const home = resolveHome((name) => name === "GESTVENV_HOME" ? root : undefined);
    const ctx: EnvironmentContext = {
      home,
      settings: resolveSettings(home, {}, { env: () => undefined }),
      creatorVersion: "test",
      reporter: SILENT_REPORTER,
      dryRun: true,
    };
    await assertRejects(
      () => changeRegistry(ctx, (r) => r.environments.clear()),
      DryRunViolationError,
      "change the registry",
    );
    await assertRejects(
      () => writeJournal(ctx, { op: "delete", name: "x", path: "/x", trash_path: null }),
      DryRunViolationError,
    );
    assertEquals((await Array.fromAsync(Deno.readDir(root))).map((e) => e.name), []);
    assertEquals(join(root, "environments.json"), home.registryFile);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
