/**
 * `benchmark` and `compare` (issue 11 §5): real runs against the local index, in throwaway homes
 * that are removed (also after a failure, and after a double Ctrl-C by the next run), with nothing
 * added to the user's registry, environments_path or cache (offline: a copy of it is read);
 * the cold runs of cache-vs-nocache proven to download; credentials in --index-url never shown;
 * the JSON shape, positive medians, ratios, an unavailable backend as a row without figures,
 * `--export` (atomic, with the machine and the version), and usage errors.
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  type TestContext,
} from "../helpers/test_context.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function data(result: CliResult, command: string): Json {
  assertOk(result);
  const envelope = JSON.parse(result.stdout);
  assertEquals(envelope.command, command);
  assertEquals(envelope.status, "success");
  return envelope.data;
}

/** Entries of a directory (empty when it does not exist). */
async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

Deno.test("benchmark install --iterations 2: the shape, positive medians, no temp dirs, the user's home untouched", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "mine"]));
  const registryBefore = await Deno.readTextFile(join(ctx.home, "environments.json"));
  const tmp = join(ctx.work, "tmp");
  await Deno.mkdir(tmp);
  const result = await ctx.run(
    ["benchmark", "install", "--iterations", "2", "--packages", "demo-pkg", "--format", "json"],
    { env: { TMPDIR: tmp } },
  );
  const d = data(result, "benchmark install");
  assertEquals(d.kind, "install");
  assertEquals(d.operation, "install");
  assertEquals(d.iterations, 2);
  assertEquals(d.requirements, ["demo-pkg"]);
  assertEquals(d.rows.length, 1);
  const row = d.rows[0];
  assertEquals(row.backend, "native");
  assertEquals(row.available, true);
  assertEquals(row.timing.iterations, 2);
  assertEquals(row.timing.times_ms.length, 2);
  assert(row.timing.median_ms > 0, "a positive median");
  assert(row.timing.min_ms <= row.timing.median_ms && row.timing.median_ms <= row.timing.max_ms);
  // Progress on stderr: the warm-up and both timed runs.
  assertStringIncludes(result.stderr, "warm-up");
  assertStringIncludes(result.stderr, "run 2/2");
  // The throwaway home is gone; the user's registry is byte-identical, no environment was added.
  assertEquals(await entries(tmp), []);
  assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), registryBefore);
  assertEquals(await entries(join(ctx.home, "environments")), ["mine"]);
  // The user's cache got nothing from the benchmark: demo-pkg was never installed here.
  const cached = await ctx.run(["cache", "list", "--format", "json"]);
  assertOk(cached);
  assert(!cached.stdout.includes("demo_pkg") && !cached.stdout.includes("demo-pkg"));
});

Deno.test("benchmark: a failing run removes the throwaway home and says which command failed", async () => {
  await using ctx = await createTestContext();
  const tmp = join(ctx.work, "tmp");
  await Deno.mkdir(tmp);
  const result = await ctx.run(
    ["benchmark", "install", "--iterations", "1", "--packages", "no-such-project"],
    { env: { TMPDIR: tmp } },
  );
  assertEquals(result.code, 1);
  assertStringIncludes(result.stderr, "A benchmarked command failed");
  assertStringIncludes(result.stderr, "no-such-project");
  assertEquals(await entries(tmp), []);
  assertEquals(await entries(join(ctx.home, "environments")), []);
});

Deno.test("compare backends native pip: both rows, a ratio, --export; uv measured only when installed", async () => {
  await using ctx = await createTestContext();
  const uv = Deno.env.get("GESTVENV_TEST_UV");
  const out = join(ctx.work, "comparison.json");
  const result = await ctx.run(
    [
      "compare",
      "backends",
      "native",
      "pip",
      "uv",
      "--packages",
      "demo-pkg",
      "--iterations",
      "1",
      "--format",
      "json",
      "--export",
      out,
    ],
    { env: uv === undefined ? { PATH: "/usr/bin:/bin" + pythonDir() } : { GESTVENV_UV: uv } },
  );
  const d = data(result, "compare backends");
  assertEquals(d.rows.map((r: Json) => r.backend), ["native", "pip", "uv"]);
  const [native, pip, uvRow] = d.rows;
  assertEquals(native.ratio_to_first, 1);
  assert(native.timing.median_ms > 0 && pip.timing.median_ms > 0);
  assert(pip.ratio_to_first > 0);
  assertEquals(
    pip.ratio_to_first,
    Math.round((pip.timing.median_ms / native.timing.median_ms) * 100) / 100,
  );
  if (uv === undefined) {
    assertEquals(uvRow.available, false);
    assertEquals(uvRow.timing, null);
    assertEquals(uvRow.ratio_to_first, null);
    assertStringIncludes(uvRow.unavailable_reason, "not available");
  } else {
    assert(uvRow.timing.median_ms > 0);
  }
  const exported = JSON.parse(await Deno.readTextFile(out));
  assertEquals(Object.keys(exported), [
    "format",
    "command",
    "created_at",
    "gestvenv",
    "machine",
    "result",
  ]);
  assertEquals(exported.command, "compare backends");
  assertEquals(exported.result, d);
  assert(typeof exported.gestvenv.version === "string");
  assert(exported.machine.cpus > 0);
  assertEquals(await entries(ctx.work), ["comparison.json"]);
});

/** `:DIR` of the first python3 on PATH, so a test can drop uv from PATH but keep python3. */
function pythonDir(): string {
  const out = new Deno.Command("sh", { args: ["-c", "command -v python3"] }).outputSync();
  const path = new TextDecoder().decode(out.stdout).trim();
  return path === "" ? "" : `:${path.slice(0, path.lastIndexOf("/"))}`;
}

Deno.test("compare cache-vs-nocache: the cold runs start from an empty cache (they download), the warm ones do not; ratios", async () => {
  await using ctx = await createTestContext();
  // How many wheel downloads one install of demo-pkg makes with an empty cache.
  const wheels = () => ctx.index.requests.filter((r) => r.endsWith(".whl")).length;
  assertOk(await ctx.run(["create", "probe", "--packages", "demo-pkg"]));
  const perInstall = wheels();
  assert(perInstall > 0, "an install from an empty cache downloads");
  const before = wheels();
  const result = await ctx.run([
    "compare",
    "cache-vs-nocache",
    "--packages",
    "demo-pkg",
    "--iterations",
    "2",
    "--format",
    "json",
  ]);
  const d = data(result, "compare cache-vs-nocache");
  assertEquals(d.rows.map((r: Json) => r.label), [
    "install (native backend, warm cache)",
    "install (native backend, cold cache)",
  ]);
  // The warm case downloads once (its warm-up run fills its cache) and never again; the cold
  // case downloads at its warm-up and at each of the 2 timed runs: 4 installs' worth in all.
  assertEquals(wheels() - before, 4 * perInstall);
  const [warm, cold] = d.rows;
  assertEquals(warm.cache, "warm");
  assertEquals(cold.cache, "cold");
  assertEquals(warm.ratio_to_first, 1);
  assertEquals(
    cold.ratio_to_first,
    Math.round((cold.timing.median_ms / warm.timing.median_ms) * 100) / 100,
  );
  assertEquals(cold.timing.iterations, 2);
});

Deno.test("benchmark: usage errors (no packages, bad iterations, cold cache offline) run nothing", async () => {
  await using ctx = await createTestContext();
  const noPackages = await ctx.run(["benchmark", "install"]);
  assertEquals(noPackages.code, 2);
  assertStringIncludes(noPackages.stderr, "needs packages to install");
  const badIterations = await ctx.run(["benchmark", "create", "--iterations", "0"]);
  assertEquals(badIterations.code, 2);
  assertStringIncludes(badIterations.stderr, "--iterations");
  const offline = await ctx.run(["benchmark", "cache", "--packages", "demo-pkg", "--offline"]);
  assertEquals(offline.code, 2);
  assertStringIncludes(offline.stderr, "offline");
  const dry = await ctx.run(["benchmark", "create", "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "nothing was run");
  // Nothing was created in the user's home (the interpreter probe may be cached, as any command does).
  const home = await entries(ctx.home);
  assert(!home.includes("environments") && !home.includes("environments.json"), home.join(" "));
});

/**
 * Starts `benchmark create --iterations 1000` as its own process with TMPDIR=`tmp`, and returns
 * once its first timed run started (the throwaway home exists and is in use): the child, its
 * stderr reader and what it printed so far.
 */
async function startLongBenchmark(ctx: TestContext, tmp: string) {
  const { PERMISSION_FLAGS } = await import("../../commands/_self.ts");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSION_FLAGS,
      new URL("../../main.ts", import.meta.url).pathname,
      "benchmark",
      "create",
      "--iterations",
      "1000",
    ],
    env: { ...ctx.env, TMPDIR: tmp },
    clearEnv: true,
    cwd: ctx.work,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const seen = { text: "" };
  await readUntil(stderr, seen, "run 1/1000");
  return { child, stderr, seen };
}

/** Reads `stderr` into `seen.text` until it includes `marker` (or the stream ends). */
async function readUntil(
  stderr: ReadableStreamDefaultReader<string>,
  seen: { text: string },
  marker: string,
): Promise<void> {
  while (!seen.text.includes(marker)) {
    const { value, done } = await stderr.read();
    if (done) return;
    seen.text += value;
  }
}

Deno.test("benchmark: Ctrl-C stops the running process and removes the throwaway home (exit 130)", async () => {
  await using ctx = await createTestContext();
  const tmp = join(ctx.work, "tmp");
  await Deno.mkdir(tmp);
  // Wait until a timed run has happened: the throwaway home exists and is in use.
  const { child, stderr } = await startLongBenchmark(ctx, tmp);
  assertEquals((await entries(tmp)).length, 1);
  child.kill("SIGINT");
  const rest = (async () => {
    for (;;) {
      const { done } = await stderr.read();
      if (done) return;
    }
  })();
  const status = await child.status;
  await rest;
  assertEquals(status.code, 130);
  assertEquals(await entries(tmp), []);
});

/** Every path under `dir` with its size and mtime (what a write would change). */
async function treeState(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      const st = await Deno.lstat(p);
      out.push(`${p.slice(dir.length)} ${e.isFile ? st.size : "-"} ${st.mtime?.getTime()}`);
      if (e.isDirectory) await walk(p);
    }
  };
  await walk(dir).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  return out.sort();
}

Deno.test("benchmark: the user's environments_path and cache_path are not inherited; offline reads a linked copy of the cache", async () => {
  await using ctx = await createTestContext();
  const userEnvs = join(ctx.work, "user-envs");
  const userCache = join(ctx.work, "user-cache");
  assertOk(await ctx.run(["config", "set", "environments_path", userEnvs]));
  assertOk(await ctx.run(["config", "set", "cache_path", userCache]));
  const tmp = join(ctx.work, "tmp");
  await Deno.mkdir(tmp);
  // Twice: the second would meet the first one's environments if they went to the user's folder.
  for (let i = 0; i < 2; i++) {
    const run = await ctx.run(["benchmark", "create", "--iterations", "1"], {
      env: { TMPDIR: tmp },
    });
    assertOk(run);
  }
  assertEquals(await entries(userEnvs), []);
  // Only this process's interpreter probe (as any command caches it): no package artifact.
  assertEquals((await entries(userCache)).filter((e) => !e.startsWith("interpreter")), []);
  assertEquals(await entries(tmp), []);
  const orphans = await ctx.run(["cleanup", "--orphaned", "--dry-run"]);
  assertOk(orphans);
  assert(!orphans.stderr.includes("bench-"), orphans.stderr);

  // Offline: the user's cache (filled by a real install) is read through links, never written.
  assertOk(await ctx.run(["create", "mine", "--packages", "demo-pkg"]));
  const cacheBefore = await treeState(userCache);
  assert(cacheBefore.length > 0, "the user's cache was filled");
  const offline = await ctx.run(
    ["benchmark", "install", "--packages", "demo-pkg", "--iterations", "1", "--offline"],
    { env: { TMPDIR: tmp } },
  );
  assertOk(offline);
  assertStringIncludes(offline.stderr, "Linking your cache");
  assertEquals(await treeState(userCache), cacheBefore);
  assertEquals(await entries(userEnvs), ["mine"]);
  assertEquals(await entries(tmp), []);
});

Deno.test("benchmark --index-url with credentials: never printed, exported, logged or on the children's argv", async () => {
  await using ctx = await createTestContext();
  const url = new URL(ctx.index.url);
  url.username = "alice";
  url.password = "s3cr3t";
  const exported = join(ctx.work, "exp.json");
  const ok = await ctx.run([
    "benchmark",
    "install",
    "--packages",
    "demo-pkg",
    "--iterations",
    "1",
    "--index-url",
    url.href,
    "--export",
    exported,
    "--format",
    "json",
  ]);
  const d = data(ok, "benchmark install");
  assertEquals(
    d.index_url,
    ctx.index.url.replace(/\/$/, "") === d.index_url ? d.index_url : ctx.index.url,
  );
  assert(!ok.stdout.includes("s3cr3t") && !ok.stderr.includes("s3cr3t"));
  assert(!(await Deno.readTextFile(exported)).includes("s3cr3t"));

  // A failing run (nothing listens on port 9): the index was used, and its error says no secret.
  const failed = await ctx.run([
    "benchmark",
    "install",
    "--packages",
    "demo-pkg",
    "--iterations",
    "1",
    "--index-url",
    "http://alice:s3cr3t@127.0.0.1:9/simple",
  ]);
  assertEquals(failed.code, 1);
  assertStringIncludes(failed.stderr, "A benchmarked command failed");
  assertStringIncludes(failed.stderr, "127.0.0.1:9");
  assert(!failed.stderr.includes("s3cr3t"), failed.stderr);
  assert(!failed.stderr.includes("--index-url http"), "the URL is not on the children's argv");
  const log = await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"));
  assert(!log.includes("s3cr3t"), log);
});

Deno.test("benchmark: a work directory left by a run that died (double Ctrl-C) is removed by the next benchmark", async () => {
  await using ctx = await createTestContext();
  const tmp = join(ctx.work, "tmp");
  await Deno.mkdir(tmp);
  const { child, stderr, seen } = await startLongBenchmark(ctx, tmp);
  const [work] = await entries(tmp);
  assert(work !== undefined && work.startsWith(`gestvenv-benchmark-${child.pid}-`), work);
  // "Stop at once": the second signal kills the process before its clean-up can finish.
  child.kill("SIGINT");
  await readUntil(stderr, seen, "interrupt again");
  child.kill("SIGINT");
  await child.status;
  await stderr.cancel();
  assertEquals(await entries(tmp), [work]);

  // Stale directories made by hand: a dead run's (its lock is free), and one without a lock
  // file (not a benchmark of this version: left alone).
  const dead = join(tmp, "gestvenv-benchmark-99999-abc");
  await Deno.mkdir(join(dead, "home-0"), { recursive: true });
  await Deno.writeTextFile(join(dead, "work.lock"), "");
  const foreign = join(tmp, "gestvenv-benchmark-99998-def");
  await Deno.mkdir(foreign);
  // A live run's: its lock is held (here by this test process).
  const { withFileLock } = await import("../../lib/fs/mod.ts");
  const live = join(tmp, "gestvenv-benchmark-99997-ghi");
  await Deno.mkdir(live);
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => locked = resolve);
  const holding = withFileLock(join(live, "work.lock"), async () => {
    locked();
    await held;
  });
  await isLocked;

  assertOk(await ctx.run(["benchmark", "create", "--iterations", "1"], { env: { TMPDIR: tmp } }));
  release();
  await holding;
  assertEquals(await entries(tmp), [
    "gestvenv-benchmark-99997-ghi",
    "gestvenv-benchmark-99998-def",
  ]);
});
