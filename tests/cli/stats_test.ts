import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertSnapshot } from "../helpers/snapshot.ts";
import { assertOk, createTestContext } from "../helpers/test_context.ts";
import { sizeText } from "../../commands/stats.ts";

/** A fixed log: old lines without figures, newer ones with them, failures, four days. */
function fixtureLog(): string {
  const line = (
    time: string,
    command: string,
    duration: number,
    exit: number,
    extra: Record<string, unknown> = {},
    changes: Array<[string, string, string]> = [],
  ) =>
    JSON.stringify({
      time,
      command,
      command_line: `gestvenv ${command}`,
      environments: [...new Set(changes.map(([env]) => env))],
      changes: changes.map(([environment, name, after]) => ({
        environment,
        name,
        before: null,
        after,
      })),
      duration_ms: duration,
      exit_code: exit,
      error: exit === 0 ? null : { code: "package_not_found", message: "no such package" },
      version: "0.1.0",
      ...extra,
    });
  const figures = (hits: number, misses: number, saved: number, downloaded: number) => ({
    cache: { hits, misses, bytes_saved: saved },
    bytes_downloaded: downloaded,
    index_requests: misses * 2,
    phases_ms: { startup: 5, resolve: 40, download: downloaded > 0 ? 100 : 0, link: 20 },
  });
  return [
    line("2026-10-15T10:00:00.000Z", "create", 90, 0), // before the period
    line("2026-11-02T09:00:00.000Z", "create", 80, 0),
    line("2026-11-02T09:01:00.000Z", "install", 400, 0, {}, [["web", "flask", "3.0.0"]]),
    line("2026-11-03T12:00:00.000Z", "create", 120, 0),
    line("2026-11-03T12:05:00.000Z", "install", 300, 0, figures(0, 3, 0, 3 * 1024 * 1024), [
      ["api", "flask", "3.0.0"],
      ["api", "requests", "2.32.0"],
    ]),
    line("2026-11-03T12:06:00.000Z", "install", 50, 4, figures(0, 0, 0, 0)),
    "not json",
    line("2026-11-05T08:00:00.000Z", "install", 150, 0, figures(3, 1, 3 * 1024 * 1024, 512), [
      ["ci", "Flask", "3.0.0"],
      ["ci", "pytest", "8.0.0"],
    ]),
    line("2026-11-05T08:30:00.000Z", "cache clean", 30, 0),
    line("2026-11-05T09:00:00.000Z", "uninstall", 60, 0),
  ].join("\n") + "\n";
}

Deno.test("stats reads a fixed log: by command, cache, packages, trend, dashboard", async (t) => {
  await using ctx = await createTestContext([]);
  await Deno.mkdir(join(ctx.home, "logs"), { recursive: true });
  await Deno.writeTextFile(join(ctx.home, "logs", "operations.jsonl"), fixtureLog());
  const period = ["--period", "2026-11-01"];

  const json = await ctx.run(["stats", ...period, "--trend", "--format", "json"]);
  assertOk(json);
  const data = JSON.parse(json.stdout).data;
  assertEquals(data.operations.total, 8, "the October line is outside the period");
  assertEquals(data.operations.failed, 1);
  assertEquals(data.operations.by_command[0], {
    command: "install",
    count: 4,
    failures: 1,
    median_ms: 225,
    p90_ms: 400,
  });
  assertEquals(data.cache, {
    measured_operations: 3,
    unmeasured_operations: 5,
    hits: 3,
    misses: 4,
    hit_rate: 3 / 7,
    bytes_downloaded: 3 * 1024 * 1024 + 512,
    bytes_saved: 3 * 1024 * 1024,
  });
  assertEquals(data.packages.slice(0, 2), [
    { name: "flask", installs: 3, environments: 3 },
    { name: "pytest", installs: 1, environments: 1 },
  ]);
  assertEquals(data.trend.map((d: { day: string; operations: number }) => [d.day, d.operations]), [
    ["2026-11-02", 2],
    ["2026-11-03", 3],
    ["2026-11-05", 3],
  ]);
  assertEquals(data.environments, { count: 0, largest: [] });
  assertEquals(data.phases_ms, { startup: 15, resolve: 120, download: 200, link: 60 });
  assertStringIncludes(json.stderr, "Skipped 1 unreadable line");

  const table = await ctx.run(["stats", ...period, "--trend", "--detailed"]);
  assertOk(table);
  await assertSnapshot(t, table.stdout);
  const dashboard = await ctx.run(["stats", "dashboard", ...period]);
  assertOk(dashboard);
  assert(!dashboard.stdout.includes("\x1b["), "NO_COLOR: no escape codes");
  await assertSnapshot(t, dashboard.stdout);

  // Nothing in the period: figures say unknown rather than zero.
  const empty = await ctx.run(["stats", "--period", "2027-01-01"]);
  assertOk(empty);
  assertStringIncludes(empty.stdout, "Cache: unknown");
  assertEquals((await ctx.run(["stats", "--period", "someday"])).code, 2);
  assertEquals((await ctx.run(["stats", "graphs"])).code, 2);
});

Deno.test("stats measures environments on disk and counts backends from the registry", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "small"]));
  assertOk(await ctx.run(["create", "big"]));
  assertOk(await ctx.run(["install", "demo-pkg", "--env", "big"]));
  assertOk(await ctx.run(["create", "second"]));
  assertOk(await ctx.run(["install", "demo-pkg", "--env", "second"]));
  const r = await ctx.run(["stats", "--format", "json"]);
  assertOk(r);
  const data = JSON.parse(r.stdout).data;
  assertEquals(data.environments.count, 3);
  const sizes = new Map<string, { bytes: number; complete: boolean }>(
    data.environments.largest.map((e: { name: string }) => [e.name, e]),
  );
  assert(sizes.get("big")!.bytes > sizes.get("small")!.bytes, JSON.stringify(data.environments));
  assert([...sizes.values()].every((e) => e.complete));
  assertEquals(data.backends, [{ backend: "native", environments: 3 }]);
  assertEquals(data.packages[0], { name: "demo-dep", installs: 2, environments: 2 });
  // The second install came from the cache: the real log's figures.
  assertEquals([data.cache.hits, data.cache.misses], [2, 2]);
  assertEquals(data.cache.bytes_saved, data.cache.bytes_downloaded);
  assertEquals(data.operations.by_command.map((c: { command: string }) => c.command), [
    "create",
    "install",
  ]);
  const dashboard = await ctx.run(["stats", "dashboard"]);
  assertOk(dashboard);
  assertStringIncludes(dashboard.stdout, "cache    [##########----------]  50.0% hits");
});

Deno.test("stats ignores absurd figures, removals and far-future lines of a hostile log", async () => {
  await using ctx = await createTestContext([]);
  await Deno.mkdir(join(ctx.home, "logs"), { recursive: true });
  const hostile = (fields: Record<string, unknown>) =>
    JSON.stringify({
      time: "2026-11-05T10:00:00.000Z",
      command: "install",
      command_line: "gestvenv install",
      environments: [],
      changes: [],
      duration_ms: 10,
      exit_code: 0,
      error: null,
      version: "0.1.0",
      ...fields,
    });
  const farFuture = new Date(8.64e15).toISOString();
  const soon = new Date(Date.now() + 3_600_000).toISOString(); // a clock an hour ahead
  const lines = [
    hostile({ command: "__proto__", duration_ms: 1e308 }),
    hostile({ command: "resolve", duration_ms: -5 }),
    hostile({ command: "exit", exit_code: 1.5 }),
    hostile({ command: "exit", exit_code: -1 }),
    // Valid lines with absurd optional figures: the figures are dropped, the line counts.
    hostile({
      cache: { hits: 1e308, misses: 1e308, bytes_saved: 1e308 },
      bytes_downloaded: 1e308,
      phases_ms: { resolve: 1e308, download: 1e308, link: 7 },
    }),
    hostile({
      phases_ms: { resolve: 1e308 },
      changes: [
        { environment: "web", name: "toString", before: "1.0" }, // no `after`: a removal
        { environment: "web", name: "constructor", before: "1.0", after: 2 },
        { environment: "web", name: "kept", before: null, after: "1.0" },
      ],
    }),
    hostile({ time: farFuture, command: "future" }),
    hostile({ time: soon, command: "soon" }),
  ];
  await Deno.writeTextFile(
    join(ctx.home, "logs", "operations.jsonl"),
    fixtureLog() + lines.join("\n") + "\n",
  );
  const json = await ctx.run([
    "stats",
    "--period",
    "2026-11-01",
    "--trend",
    "--detailed",
    "--format",
    "json",
  ]);
  assertOk(json);
  assertStringIncludes(json.stderr, "Skipped 5 unreadable lines"); // "not json" + 4 absurd
  assertStringIncludes(json.stderr, "Left out 1 operation of the log dated more than a day");
  const data = JSON.parse(json.stdout).data;
  const commands = data.operations.by_command.map((c: { command: string }) => c.command);
  for (const bad of ["__proto__", "resolve", "exit", "future"]) {
    assert(!commands.includes(bad), `${bad} in ${commands}`);
  }
  assert(commands.includes("soon"), commands);
  assertEquals(data.operations.total, 8 + 3);
  // The cache figures of the fixture only; phases: the fixture's plus the one sane `link`.
  assertEquals([data.cache.hits, data.cache.misses, data.cache.measured_operations], [3, 4, 3]);
  assertEquals(data.phases_ms, { startup: 15, resolve: 120, download: 200, link: 67 });
  const names = data.packages.map((p: { name: string }) => p.name);
  assert(!names.includes("toString") && !names.includes("constructor"), names);
  assert(names.includes("kept"), names);
  // A line an hour ahead counts today, not tomorrow; nothing lands in year 275760.
  const days = data.trend.map((d: { day: string }) => d.day);
  assertEquals(days.at(-1), new Date().toISOString().slice(0, 10));
  assert(days.every((d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d)), days);

  const table = await ctx.run(["stats", "--period", "2026-11-01", "--trend", "--detailed"]);
  assertOk(table);
  for (const junk of ["Infinity", "NaN", "e+308", "275760", "-5"]) {
    assert(!table.stdout.includes(junk), `${junk} in\n${table.stdout}`);
  }
});

Deno.test("a cut-short environment size reads as a lower bound in the table and the dashboard", () => {
  assertEquals(sizeText({ bytes: 2048, complete: true, exists: true }), "2.0 KiB");
  assertEquals(sizeText({ bytes: 2048, complete: false, exists: true }), "≥ 2.0 KiB");
  assertEquals(sizeText({ bytes: 0, complete: false, exists: false }), "missing");
});
