import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

const LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) \[(\d+)\] (\w+) (.*)$/;

interface LogLine {
  time: string;
  pid: string;
  kind: string;
  text: string;
}

async function readLog(path: string): Promise<LogLine[]> {
  const text = await Deno.readTextFile(path);
  assert(text.endsWith("\n"), "whole lines");
  return text.trimEnd().split("\n").map((line) => {
    const m = LINE.exec(line);
    assert(m !== null, `a timestamped line: ${line}`);
    return { time: m[1]!, pid: m[2]!, kind: m[3]!, text: m[4]! };
  });
}

Deno.test("--log-file appends timestamped debug lines, with or without --verbose", async () => {
  await using ctx = await createTestContext();
  const path = join(ctx.work, "debug.log");
  // Without --verbose: the file gets the steps, stderr does not.
  const create = await ctx.run(["create", "app", "--log-file", "debug.log"]);
  assertOk(create);
  assert(!create.stderr.includes("Creating app"), create.stderr);
  const first = await readLog(path);
  assertEquals(first[0]?.kind, "start");
  assertEquals(first[0]?.text, "gestvenv create app --log-file debug.log");
  assert(first.some((l) => l.kind === "step" && l.text.startsWith("Creating app with ")));
  assert(first.some((l) => l.kind === "span" && /^virtualenv app \d+\.\d ms$/.test(l.text)));
  assert(first.some((l) => l.kind === "span" && /^registry \d+\.\d ms$/.test(l.text)));
  assertEquals(first.at(-1)?.kind, "end");
  assert(/^exit 0 after \d+\.\d ms$/.test(first.at(-1)!.text), first.at(-1)!.text);
  const times = first.map((l) => Date.parse(l.time));
  assert(times.every((t, i) => i === 0 || t >= times[i - 1]!), "in time order");

  // A second command appends (global flag before the command works too), with --verbose: the
  // steps go to stderr as well.
  const install = await ctx.run([
    "--log-file",
    path,
    "install",
    "demo-pkg",
    "--env",
    "app",
    "--verbose",
  ]);
  assertOk(install);
  assertStringIncludes(install.stderr, "Resolving for");
  const both = await readLog(path);
  assertEquals(both.slice(0, first.length), first, "the first command's lines are kept");
  const second = both.slice(first.length);
  assertEquals(second[0]?.text, `gestvenv --log-file ${path} install demo-pkg --env app --verbose`);
  assert(second.some((l) => l.kind === "step" && l.text.startsWith("Resolving for")));
  for (const phase of ["resolve", "download", "unpack", "link"]) {
    assert(second.some((l) => l.kind === "span" && l.text.startsWith(`${phase} `)), phase);
  }
  assert(second.some((l) => /^download demo_pkg-[\d.]+-py3-none-any\.whl \d/.test(l.text)));
  const counters = second.find((l) => l.kind === "counters")!.text;
  assertStringIncludes(counters, "cache_misses=2");
  assert(/bytes_downloaded=[1-9]/.test(counters), counters);
  assertEquals(new Set(second.map((l) => l.pid)).size, 1, JSON.stringify(second));

  // A failure: its error, hint and stack are in the file, whatever stderr shows.
  const failed = await ctx.run(["install", "no-such-pkg", "--env", "app", "--log-file", path]);
  assertEquals(failed.code, 4);
  const third = (await readLog(path)).slice(both.length);
  assertStringIncludes(third.find((l) => l.kind === "error")!.text, "no-such-pkg");
  assert(third.some((l) => l.kind === "hint"));
  assert(third.some((l) => l.kind === "stack"));
  assertEquals(third.at(-1)?.text.startsWith("exit 4 after "), true);

  // Read commands can be logged too.
  assertOk(await ctx.run(["list", "--log-file", path]));
  assertEquals((await readLog(path)).at(-1)?.kind, "end");
});

Deno.test("--log-file that cannot be opened is a usage error that changes nothing", async () => {
  await using ctx = await createTestContext([]);
  const r = await ctx.run(["create", "app", "--log-file", join(ctx.work, "no", "such", "dir.log")]);
  assertEquals(r.code, 2);
  assertStringIncludes(r.stderr, "Cannot open the log file");
  assertEquals(await Deno.stat(ctx.envPath("app")).catch(() => null), null);
});

Deno.test("--log-file given to profile logs the profiled command's steps, spans and counters", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const path = join(ctx.work, "profile.log");
  const r = await ctx.run(["profile", "--log-file", path, "install", "app", "demo-pkg"]);
  assertOk(r);
  const lines = await readLog(path);
  assertEquals(lines[0]?.text, `gestvenv profile --log-file ${path} install app demo-pkg`);
  assert(lines.some((l) => l.kind === "step" && l.text.startsWith("Resolving for")));
  for (const phase of ["resolve", "download", "unpack", "link", "registry"]) {
    assert(lines.some((l) => l.kind === "span" && l.text.startsWith(`${phase} `)), phase);
  }
  const counters = lines.find((l) => l.kind === "counters")!.text;
  assertStringIncludes(counters, "cache_misses=2");
  assert(/index_requests=[1-9]/.test(counters), counters);
  // One start and one end: the profiled command adds its events, not a second log.
  assertEquals(lines.filter((l) => l.kind === "start").length, 1);
  assertEquals(lines.filter((l) => l.kind === "end").length, 1);
  assertEquals(lines.at(-1)?.kind, "end");
});
