import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

interface Profile {
  command: string;
  exit_code: number;
  wall_ms: number;
  phases: Array<{ phase: string; ms: number; share: number; spans: number }>;
  unaccounted_ms: number;
  counters: { cache_misses: number; bytes_downloaded: number; index_requests: number };
  spans?: Array<{ phase: string; detail: string | null; start_ms: number; ms: number }>;
}

Deno.test("profile install shows resolve, download and link with times within the wall time", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const r = await ctx.run([
    "profile",
    "--detailed",
    "--format",
    "json",
    "install",
    "app",
    "demo-pkg",
  ]);
  assertOk(r);
  const profile = JSON.parse(r.stdout).data as Profile;
  assertEquals(profile.command, "gestvenv install app demo-pkg");
  assertEquals(profile.exit_code, 0);
  const ms = new Map(profile.phases.map((p) => [p.phase, p.ms]));
  for (const phase of ["startup", "resolve", "download", "unpack", "link", "registry"]) {
    assert((ms.get(phase) ?? 0) > 0, `${phase}: ${JSON.stringify(profile.phases)}`);
  }
  const sum = profile.phases.reduce((a, p) => a + p.ms, 0);
  assert(sum <= profile.wall_ms + 0.5, `${sum} ms of phases within ${profile.wall_ms} ms`);
  assert(Math.abs(sum + profile.unaccounted_ms - profile.wall_ms) < 1);
  assertEquals(profile.counters.cache_misses, 2);
  assert(profile.counters.bytes_downloaded > 0);
  assert(profile.counters.index_requests > 0);
  // --detailed: each span, with what it worked on.
  const downloads = profile.spans!.filter((s) => s.phase === "download").map((s) => s.detail);
  assertEquals(downloads.length, 2);
  assert(downloads.some((d) => d?.startsWith("demo_pkg-")), String(downloads));
  assert(profile.spans!.every((s) => s.ms >= 0 && s.start_ms >= 0));
  // The profiled command did its work and said so as usual (its messages on stderr).
  assertStringIncludes(r.stderr, "demo-pkg");
  const listed = await ctx.exec(`${ctx.envPath("app")}/bin/python`, ["-c", "import demo_pkg"]);
  assertOk(listed);
  // ... and logged it, as a changing command does (with the command line as typed).
  const log = await ctx.run(["logs", "--format", "json", "--last", "1"]);
  const [line] = JSON.parse(log.stdout).data.operations;
  assertEquals(line.command, "install");
  assertEquals(line.command_line, "gestvenv profile --detailed --format json install app demo-pkg");
  assertEquals(line.cache.misses, 2);
});

Deno.test("profile's table form, a failing command's exit code, and misuse", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const table = await ctx.run(["profile", "install", "app", "demo-pkg", "--verbose"]);
  assertOk(table);
  assertStringIncludes(
    table.stdout,
    "Profile of `gestvenv install app demo-pkg --verbose`: exit 0",
  );
  assertStringIncludes(table.stdout, "(outside any phase)");
  assert(/│ link +│ \d+\.\d/.test(table.stdout), table.stdout);
  assertStringIncludes(table.stdout, "cache: 0 hits, 2 misses;");
  assertStringIncludes(table.stderr, "Resolving for", "--verbose is the profiled command's");

  const failed = await ctx.run(["profile", "install", "app", "no-such-pkg"]);
  assertEquals(failed.code, 4, "the profiled command's exit code");
  assertStringIncludes(failed.stdout, "exit 4");
  assertStringIncludes(failed.stderr, "no-such-pkg");

  assertEquals((await ctx.run(["profile"])).code, 2);
  const itself = await ctx.run(["profile", "profile", "list"]);
  assertEquals(itself.code, 2);
  assertStringIncludes(itself.stderr, "cannot profile itself");
  assertEquals((await ctx.run(["profile", "run", "--format", "pylock", "list"])).code, 2);
});

Deno.test("profile shows the profiled command line with its secrets hidden", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const url = ctx.index.url.replace("http://", "http://user:s3cr3t@");
  const r = await ctx.run([
    "profile",
    "--format",
    "json",
    "install",
    "app",
    "demo-pkg",
    "--index-url",
    url,
  ]);
  assertOk(r);
  assert(!r.stdout.includes("s3cr3t"), r.stdout);
  const profile = JSON.parse(r.stdout).data as Profile;
  assertEquals(profile.command, `gestvenv install app demo-pkg --index-url ${ctx.index.url}`);
  // The table's title, with a secret flag (cache publish -p is its password).
  const table = await ctx.run([
    "profile",
    "cache",
    "publish",
    "--to",
    "http://127.0.0.1:9/",
    "-p",
    "pypi-SHORTFLAG",
  ]);
  // The cache has the install's wheels; nothing listens on port 9: a network error.
  assertEquals(table.code, 5, table.stderr);
  assert(!table.stdout.includes("SHORTFLAG"), table.stdout);
  assertStringIncludes(
    table.stdout,
    "Profile of `gestvenv cache publish --to http://127.0.0.1:9/ -p ***`: exit 5",
  );
});
