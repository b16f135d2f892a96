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
      .replace(/^\d+ checks: \d+ ok, .*$/m, (line) => line.replace(/\d+ ok/, "[N] ok"))
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
  const unused = await unusedCache();
  assert(unused > 0, "the deleted environment's unpacked wheels are unused");

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
  assertEquals(await unusedCache(), unused, "the dry run removed nothing from the cache");

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

interface OptimizeJson {
  steps: Array<{ kind: string; environment?: string }>;
  done: Array<{ kind: string; result: string }>;
  not_done: string[];
  left_alone: string[];
  cache?: { size_before: number; size_after: number; freed_bytes: number; target_bytes: number };
}

async function optimize(ctx: TestContext, args: string[]): Promise<OptimizeJson> {
  const result = await ctx.run(["optimize", ...args, "--format", "json"]);
  assertOk(result, `optimize ${args.join(" ")}`);
  return JSON.parse(result.stdout).data as OptimizeJson;
}

async function cachedProjects(ctx: TestContext): Promise<string[]> {
  const list = await ctx.run(["cache", "list", "--format", "json"]);
  assertOk(list);
  const projects = JSON.parse(list.stdout).data as Array<{ project: string }>;
  return [...new Set(projects.map((p) => p.project))].sort();
}

Deno.test("optimize cache --target-size trims what no environment uses, least recently used first, to the target; environments still import", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  assertOk(await ctx.run(["create", "gone", "--packages", "other-pkg third_pkg"]));
  assertOk(await ctx.run(["delete", "gone", "--force"]));
  const all = ["demo-dep", "demo-pkg", "other-pkg", "third-pkg"];
  assertEquals(await cachedProjects(ctx), all);
  assertEquals((await ctx.run(["optimize", "cache"])).code, 2, "a size is needed");
  assertEquals((await ctx.run(["optimize", "nothing", "--target-size", "1KB"])).code, 2);

  const dry = await optimize(ctx, ["cache", "--target-size", "1KB", "--dry-run"]);
  assertEquals(dry.steps.map((s) => s.kind), ["trim-cache"]);
  assertEquals(await cachedProjects(ctx), all, "a dry run removes nothing");
  const before = dry.cache!.size_before;

  const target = before - 1;
  const trimmed = await optimize(ctx, ["cache", "--target-size", String(target), "--auto"]);
  assert(trimmed.cache!.freed_bytes > 0);
  assert(trimmed.cache!.size_after <= target, JSON.stringify(trimmed.cache));
  const left = await cachedProjects(ctx);
  assert(left.includes("demo-pkg") && left.includes("demo-dep"), "what web's lock names stays");

  // Down to nothing that is unused: only web's artifacts are left; the trim says it stays over.
  const floor = await ctx.run(["optimize", "cache", "--target-size", "1KB", "--yes"]);
  assertOk(floor);
  assertStringIncludes(floor.stderr, "stays over");
  assertEquals(await cachedProjects(ctx), ["demo-dep", "demo-pkg"]);
  assertOk(
    await ctx.exec(join(ctx.envPath("web"), "bin", "python"), ["-c", "import demo_pkg, demo_dep"]),
  );
  await ctx.index.close();
  assertOk(
    await ctx.run(["create", "again", "--packages", "demo-pkg", "--offline"]),
    "from the cache alone",
  );
});

Deno.test("optimize relinks distributions installed as copies to the cache (index stopped), prints what it does not do, and needs --auto or a terminal", async () => {
  await using ctx = await createTestContext();
  for (const name of ["a", "b"]) {
    assertOk(await ctx.run(["create", name, "--packages", "other-pkg", "--link-mode", "copy"]));
  }
  const inits = await Promise.all(
    ["a", "b"].map(async (n) => join(await sitePackages(ctx, n), "other_pkg", "__init__.py")),
  );
  for (const f of inits) assertEquals((await Deno.stat(f)).nlink, 1);
  const dry = await optimize(ctx, ["--dry-run"]);
  assertEquals(dry.steps.map((s) => `${s.kind} ${s.environment}`), ["relink a", "relink b"]);
  for (const f of inits) assertEquals((await Deno.stat(f)).nlink, 1, "a dry run changes nothing");
  const refused = await ctx.run(["optimize"]);
  assertEquals(refused.code, 2);
  assertStringIncludes(refused.stderr, "--auto");
  assertEquals((await ctx.run(["optimize", "--interactive"])).code, 2);

  await ctx.index.close();
  const done = await optimize(ctx, ["--auto"]);
  assertEquals(done.done.map((d) => d.result), [
    "relinked other-pkg==2.0.0",
    "relinked other-pkg==2.0.0",
  ]);
  for (const f of inits) assert((await Deno.stat(f)).nlink! > 1, `${f} is a link now`);
  for (const n of ["a", "b"]) {
    assertOk(await ctx.exec(join(ctx.envPath(n), "bin", "python"), ["-c", "import other_pkg"]));
  }
  const suggest = JSON.parse((await ctx.run(["doctor", "--suggest", "--json"])).stdout).data
    .checks as Array<{ id: string }>;
  assertEquals(suggest.filter((c) => c.id === "suggest.copies"), []);
  const log = (await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"))).trim()
    .split("\n").map((l) => JSON.parse(l));
  const entry = log.findLast((e) => e.command === "optimize");
  assertEquals(entry.environments, ["a", "b"]);
  const nothing = await ctx.run(["optimize", "--auto"]);
  assertOk(nothing);
  assertStringIncludes(nothing.stderr, "Nothing to optimize");
});

Deno.test("optimize never overwrites a copied file the user edited: that distribution is left alone and named, the unchanged copies are relinked", async () => {
  await using ctx = await createTestContext();
  for (const name of ["a", "b"]) {
    assertOk(await ctx.run(["create", name, "--packages", "other-pkg", "--link-mode", "copy"]));
  }
  const edited = join(await sitePackages(ctx, "a"), "other_pkg", "__init__.py");
  const pristine = join(await sitePackages(ctx, "b"), "other_pkg", "__init__.py");
  await Deno.writeTextFile(edited, "# my local debug edit\n", { append: true });
  const dry = await optimize(ctx, ["--dry-run"]);
  assertEquals(dry.steps.map((s) => `${s.kind} ${s.environment}`), ["relink b"]);
  assertEquals(dry.left_alone.length, 1);
  assertStringIncludes(dry.left_alone[0]!, "a: other-pkg==2.0.0 has a file that differs");
  assertStringIncludes(dry.left_alone[0]!, "gestvenv doctor a --full");
  const run = await ctx.run(["optimize", "--auto"]);
  assertOk(run);
  assertStringIncludes(run.stderr, "other_pkg/__init__.py");
  assertStringIncludes(await Deno.readTextFile(edited), "# my local debug edit");
  assertEquals((await Deno.stat(edited)).nlink, 1);
  assert((await Deno.stat(pristine)).nlink! > 1, "the unchanged copy is linked now");
  // The edited one is never counted as a copy again, nor relinked on later runs.
  const again = await optimize(ctx, ["--auto"]);
  assertEquals(again.steps, []);
  assertStringIncludes(await Deno.readTextFile(edited), "# my local debug edit");
});

Deno.test("optimize does not relink clones (link_mode = clone): said and skipped, every run; doctor --suggest does not call them copies", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a", "--packages", "other-pkg", "--link-mode", "copy"]));
  assertOk(await ctx.run(["create", "b", "--packages", "other-pkg", "--link-mode", "copy"]));
  const file = join(await sitePackages(ctx, "a"), "other_pkg", "__init__.py");
  const inode = (await Deno.stat(file)).ino;
  await Deno.writeTextFile(join(ctx.home, "config.toml"), 'link_mode = "clone"\n');
  for (let i = 0; i < 2; i++) {
    const result = await optimize(ctx, ["--auto"]);
    assertEquals(result.steps, []);
    assertStringIncludes(result.not_done.join("\n"), "a: 1 copied distribution(s) stay copies");
    assertStringIncludes(result.not_done.join("\n"), "link_mode = clone");
    assertEquals((await Deno.stat(file)).ino, inode, "not reinstalled");
  }
  const suggest = JSON.parse((await ctx.run(["doctor", "--suggest", "--json"])).stdout).data
    .checks as Array<{ id: string }>;
  assertEquals(suggest.filter((c) => c.id === "suggest.copies"), [], "clones look like copies");
});

const shm = await Deno.stat("/dev/shm").catch(() => undefined);
Deno.test({
  name:
    "optimize: environments on another filesystem than the cache are not relinked (said, skipped, every run)",
  ignore: shm === undefined || shm.dev === (await Deno.stat(Deno.env.get("TMPDIR") ?? "/tmp")).dev,
  fn: async () => {
    await using ctx = await createTestContext();
    // Deno asks for --allow-all to write under /dev: this test runs the CLI with -A.
    const main = new URL("../../main.ts", import.meta.url).pathname;
    const g = (args: string[]) =>
      ctx.exec(Deno.execPath(), ["run", "--quiet", "-A", main, ...args]);
    const envs = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "gestvenv-test-" });
    try {
      assertOk(await ctx.run(["config", "set", "environments_path", envs]));
      assertOk(await g(["create", "x", "--packages", "other-pkg"]));
      const lib = join(envs, "x", "lib");
      const py = (await Array.fromAsync(Deno.readDir(lib))).find((e) =>
        e.name.startsWith("python")
      )!.name;
      const file = join(lib, py, "site-packages", "other_pkg", "__init__.py");
      const inode = (await Deno.stat(file)).ino;
      for (let i = 0; i < 2; i++) {
        const run = await g(["optimize", "--auto", "--format", "json"]);
        assertOk(run);
        const result = JSON.parse(run.stdout).data as OptimizeJson;
        assertEquals(result.steps, []);
        assertStringIncludes(result.not_done.join("\n"), "different filesystems");
        assertEquals((await Deno.stat(file)).ino, inode, "not reinstalled");
      }
    } finally {
      await Deno.remove(envs, { recursive: true });
    }
  },
});

Deno.test("health-check and doctor on a damaged registry: an error (exit 1), the file left as it is; doctor --fix rebuilds it", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a"]));
  const file = join(ctx.home, "environments.json");
  const damaged = '{"version":1,"environments":{"a":';
  await Deno.writeTextFile(file, damaged);
  const corrupt = async () =>
    (await Array.fromAsync(Deno.readDir(ctx.home))).filter((e) => e.name.includes(".corrupt-"));
  const health = await ctx.run(["health-check", "--format", "json"]);
  assertEquals(health.code, 1, health.stderr);
  const data = JSON.parse(health.stdout).data;
  assertEquals(data.healthy, false);
  const finding = (data.checks as Array<{ id: string; severity: string; fix: { command: string } }>)
    .find((c) => c.id === "registry.damaged")!;
  assertEquals(finding.severity, "error");
  assertStringIncludes(finding.fix.command, "gestvenv cleanup --orphaned");
  assertEquals(await Deno.readTextFile(file), damaged, "health-check never writes");
  assertEquals(await corrupt(), []);
  const doctor = await ctx.run(["doctor", "--format", "json"]);
  assertEquals(doctor.code, 1);
  assertStringIncludes(doctor.stdout, "registry.damaged");
  assertEquals(await Deno.readTextFile(file), damaged, "doctor without --fix never writes");
  assertEquals(await corrupt(), []);
  await ctx.run(["doctor", "--fix"]);
  assertEquals((await corrupt()).length, 1, "doctor --fix moved it aside");
  JSON.parse(await Deno.readTextFile(file));
});

Deno.test("logs.retention_days comes from the user's configuration only: a project file's value is ignored with a warning; whole days, at least 1", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  const rotated = join(ctx.home, "logs", "operations.1.jsonl");
  await Deno.writeTextFile(rotated, "{}\n");
  const then = new Date(Date.now() - 2 * 3_600_000);
  await Deno.utime(rotated, then, then);
  await Deno.writeTextFile(join(ctx.work, ".gestvenv.toml"), '[logs]\nretention_days = "1h"\n');
  const dry = await ctx.run(["cleanup", "--all", "--dry-run", "--format", "json"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "logs.retention_days");
  assertStringIncludes(dry.stderr, "is ignored");
  const rows = JSON.parse(dry.stdout).data.summary as Array<{ kind: string }>;
  assertEquals(rows.filter((r) => r.kind === "logs"), []);
  assertOk(await ctx.run(["cleanup", "--all", "--yes"]));
  assert(await exists(rotated), "a project cannot shorten the home's log retention");

  await Deno.remove(join(ctx.work, ".gestvenv.toml"));
  for (const bad of ["12h", "0", "1.5"]) {
    const set = await ctx.run(["config", "set", "logs.retention_days", bad]);
    assertEquals(set.code, 10, `${bad}: ${set.stderr}`);
    assertStringIncludes(set.stderr, "`logs.retention_days`");
  }
  assertOk(await ctx.run(["config", "set", "logs.retention_days", "2w"]));
  const old = new Date(Date.now() - 20 * 86_400_000);
  await Deno.utime(rotated, old, old);
  const plan = await ctx.run(["cleanup", "--all", "--dry-run"]);
  assertStringIncludes(plan.stdout.replace(/\s+/g, " "), "over 14 days");
});
