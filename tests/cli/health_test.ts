/**
 * `health-check` (the fast subset of doctor, exit codes for scripts), `cleanup --all` (nothing
 * gestvenv did not create goes) and `optimize` (cache trimmed to a target, environments still
 * import their packages).
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  createTestContext,
  runDenyNet,
  type TestContext,
} from "../helpers/test_context.ts";

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

async function sitePackages(ctx: TestContext, name: string): Promise<string> {
  const lib = join(ctx.envPath(name), "lib");
  for await (const e of Deno.readDir(lib)) {
    if (e.name.startsWith("python")) return join(lib, e.name, "site-packages");
  }
  throw new Error("no site-packages");
}

Deno.test("health-check: silent exit 0 when healthy (no network), warnings exit 1 only with --alert-on-issues, errors exit 1", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "other-pkg"]));
  // Files are not hashed: a damaged file is doctor --full's business.
  await Deno.remove(join(await sitePackages(ctx, "web"), "other_pkg", "__init__.py"));
  const healthy = await runDenyNet(ctx, ["health-check"]);
  assertEquals([healthy.code, healthy.stdout], [0, ""], healthy.stderr);
  const verbose = await ctx.run(["health-check", "--verbose"]);
  assertEquals(verbose.code, 0);
  assertStringIncludes(verbose.stdout, "env.interpreter");
  const json = JSON.parse((await ctx.run(["health-check", "--format", "json"])).stdout).data;
  assertEquals(json.healthy, true);
  assertEquals(
    [...new Set((json.checks as Array<{ id: string }>).map((c) => c.id))].sort(),
    ["cache.disk", "cache.size", "config.file", "env.interpreter", "env.pyvenv_cfg", "registry"],
  );

  await Deno.writeTextFile(join(ctx.home, "config.toml"), 'bakend = "uv"\n');
  const warned = await ctx.run(["health-check"]);
  assertEquals(warned.code, 0, "a warning alone does not fail");
  assertStringIncludes(warned.stdout, "config.unknown_keys");
  assertEquals((await ctx.run(["health-check", "--alert-on-issues"])).code, 1);
  await Deno.remove(join(ctx.home, "config.toml"));

  const python = join(ctx.envPath("web"), "bin", "python");
  await Deno.remove(python);
  await Deno.symlink("/nonexistent/python3", python);
  const broken = await ctx.run(["health-check"]);
  assertEquals(broken.code, 1);
  await assertSnapshot(
    t,
    filterText(broken.stdout, [[ctx.home, "[HOME]"]])
      .replace(/Python \d+\.\d+(\.\d+)?/g, "Python [VERSION]")
      .replace(/ {2,}/g, "  "),
  );
  const brokenJson = await ctx.run(["health-check", "--json"]);
  assertEquals(brokenJson.code, 1);
  assertEquals(JSON.parse(brokenJson.stdout).data.errors, 1);
});

Deno.test("cleanup --all: orphans, unused cache files and expired rotated logs go (asks, --yes, --dry-run); nothing gestvenv did not create does", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  assertOk(await ctx.run(["create", "gone", "--packages", "third_pkg"]));
  assertOk(await ctx.run(["delete", "gone", "--force"]));
  const envs = join(ctx.home, "environments");
  const leftover = join(envs, ".gestvenv-staging-ghost-999999-1700000000000");
  await Deno.mkdir(leftover);
  const logs = join(ctx.home, "logs");
  const old = new Date(Date.now() - 200 * 86_400_000);
  const rotatedOld = join(logs, "operations.1.jsonl");
  const rotatedNew = join(logs, "operations.2.jsonl");
  const notes = join(logs, "notes.txt");
  for (const f of [rotatedOld, rotatedNew, notes]) await Deno.writeTextFile(f, "{}\n");
  await Deno.utime(rotatedOld, old, old);
  await Deno.utime(notes, old, old);
  // Things gestvenv did not create.
  const foreign = join(ctx.home, "mine.txt");
  await Deno.writeTextFile(foreign, "mine");
  const unmarked = join(envs, "unmarked");
  await Deno.mkdir(unmarked);
  await Deno.writeTextFile(join(unmarked, "data.txt"), "mine");

  const unusedCache = async () =>
    JSON.parse(
      (await ctx.run(["cache", "clean", "--unpacked", "--dry-run", "--format", "json"])).stdout,
    ).data.entries.length as number;
  assert((await unusedCache()) > 0, "the deleted environment's unpacked wheels are unused");

  const refused = await ctx.run(["cleanup", "--all"]);
  assertEquals(refused.code, 2, refused.stderr);
  assertStringIncludes(refused.stderr, "--yes");
  assert(await exists(leftover) && await exists(rotatedOld));

  const dry = await ctx.run(["cleanup", "--all", "--dry-run"]);
  assertEquals(dry.code, 0, dry.stderr);
  for (const word of ["registry", "leftover", "cache", "unpacked wheel(s)", "operations.1.jsonl"]) {
    assertStringIncludes(dry.stdout, word);
  }
  assert(!dry.stdout.includes("operations.2.jsonl") && !dry.stdout.includes("notes.txt"));
  assert(await exists(leftover) && await exists(rotatedOld));

  // logs.retention_days decides which rotated logs are expired.
  assertOk(await ctx.run(["config", "set", "logs.retention_days", "300"]));
  const kept = await ctx.run(["cleanup", "--all", "--dry-run", "--format", "json"]);
  assertEquals(
    (JSON.parse(kept.stdout).data.summary as Array<{ kind: string }>).filter((r) =>
      r.kind === "logs"
    ),
    [],
  );
  const badKey = await ctx.run(["config", "set", "logs.retention_days", "soon"]);
  assertEquals(badKey.code === 0, false, "the key is validated");
  assertOk(await ctx.run(["config", "unset", "logs.retention_days"]));

  const done = await ctx.run(["cleanup", "--all", "--yes"]);
  assertEquals(done.code, 0, done.stdout + done.stderr);
  assertStringIncludes(done.stderr, "freed");
  assert(!(await exists(leftover)), "staging leftover removed");
  assert(!(await exists(rotatedOld)), "expired rotated log removed");
  assertEquals(await unusedCache(), 0);
  for (const survivor of [rotatedNew, notes, foreign, join(unmarked, "data.txt")]) {
    assert(await exists(survivor), `${survivor} must survive`);
  }
  assert(await exists(join(logs, "operations.jsonl")), "the current log stays");
  assertOk(
    await ctx.exec(join(ctx.envPath("web"), "bin", "python"), ["-c", "import demo_pkg, demo_dep"]),
  );
  const again = await ctx.run(["cleanup", "--all", "--yes"]);
  assertOk(again);
  assertStringIncludes(again.stderr, "Nothing to clean up");
});
