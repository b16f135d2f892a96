/**
 * `system-info` (issue 11 §3): the JSON report's keys and types, the test's own python among the
 * interpreters, credentials removed from index URLs, the table's shape (snapshot, volatile values
 * filtered), probes that time out instead of hanging, and no network at all (`--deny-net`).
 *
 * @module
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  type CliResult,
  createTestContext,
  runDenyNet,
  type TestContext,
} from "../helpers/test_context.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

function parse(result: CliResult): Json {
  assertOk(result);
  const envelope = JSON.parse(result.stdout);
  assertEquals(envelope.command, "system-info");
  assertEquals(envelope.status, "success");
  return envelope.data;
}

/** The canonical path of the first `python3` on PATH (what the tests use). */
async function testPython(ctx: TestContext): Promise<string> {
  const out = await ctx.exec("python3", [
    "-c",
    "import os, sys; print(os.path.realpath(sys.executable))",
  ]);
  assertOk(out);
  return out.stdout.trim();
}

const SECRET_URL = "https://alice:s3cr3t-token@index.example.invalid/simple";

Deno.test("system-info --format json: every section, typed, and the test python is listed", async () => {
  await using ctx = await createTestContext([]);
  // Warm the interpreter probe cache, so the interpreter probe answers well within its 2 s.
  assertOk(await ctx.run(["pyversions", "--format", "json"]));
  assertOk(await ctx.run(["create", "one"]));
  const data = parse(await ctx.run(["system-info", "--format", "json", "--timeout", "60"]));

  assertEquals(Object.keys(data), [
    "gestvenv",
    "runtime",
    "system",
    "paths",
    "disk",
    "sizes",
    "environments",
    "interpreters",
    "backends",
    "index",
  ]);
  assertMatch(data.gestvenv.version, /^\d+\.\d+\.\d+/);
  assertEquals(data.gestvenv.mode, "deno run");
  assertEquals(data.gestvenv.executable, Deno.execPath());
  assertMatch(data.gestvenv.source, /^file:\/\//);
  assertEquals(data.runtime, {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  });
  assertEquals(data.system.os, Deno.build.os);
  assertEquals(data.system.arch, Deno.build.arch);
  assertEquals(typeof data.system.cpus, "number");
  assert(data.system.cpus >= 1);
  assert(data.system.memory.total_bytes > 0);
  assert(data.system.memory.available_bytes <= data.system.memory.total_bytes);
  assertEquals(data.system.libc.status, "ok");
  assert(["glibc", "musl", "unknown"].includes(data.system.libc.value.family));
  if (Deno.build.os === "linux" && data.system.libc.value.family === "glibc") {
    assertMatch(data.system.libc.value.version, /^\d+\.\d+/);
  }
  assertEquals(data.paths, { home: ctx.home, cache: `${ctx.home}/cache` });
  for (const where of ["home", "cache"]) {
    const disk = data.disk[where];
    assertEquals(disk.status, "ok", JSON.stringify(disk));
    assert(disk.value.free_bytes > 0 && disk.value.free_bytes <= disk.value.total_bytes);
  }
  // The home holds the registry, the environment and the cache: its size is theirs, in bytes.
  assertEquals(data.sizes.home_bytes.status, "ok");
  assertEquals(data.sizes.cache_bytes.status, "ok");
  const registryBytes = (await Deno.stat(`${ctx.home}/environments.json`)).size;
  assert(data.sizes.home_bytes.value >= registryBytes + data.sizes.cache_bytes.value);
  assertEquals(data.environments, { status: "ok", value: 1 });

  assertEquals(data.interpreters.status, "ok", JSON.stringify(data.interpreters));
  const python = await testPython(ctx);
  const found = data.interpreters.value.find((i: Json) => i.real_path === python);
  assert(found !== undefined, `${python} not in ${JSON.stringify(data.interpreters.value)}`);
  assertEquals(found.implementation, "CPython");
  assertMatch(found.version, /^3\.\d+\.\d+/);

  assertEquals(data.backends.status, "ok");
  assertEquals(data.backends.value.map((b: Json) => b.name), ["native", "pip", "uv"]);
  assertEquals(data.backends.value[0].version, data.gestvenv.version);
  assertEquals(data.backends.value[0].default, true);
  assertEquals(data.index.status, "ok");
  assertEquals(data.index.value.offline, false);
});

Deno.test("system-info: credentials in index URLs never appear, in JSON or in the table", async () => {
  await using ctx = await createTestContext([]);
  await Deno.mkdir(ctx.home, { recursive: true });
  await Deno.writeTextFile(
    `${ctx.home}/config.toml`,
    `extra_index_urls = ["https://bob:hunter2@mirror.example.invalid/simple"]\n`,
  );
  const env = { GESTVENV_INDEX_URL: SECRET_URL };
  const json = await ctx.run(["system-info", "--format", "json"], { env });
  const data = parse(json);
  assertEquals(data.index.value.index_url, "https://index.example.invalid/simple");
  assertEquals(data.index.value.index_url_source, "env");
  assertEquals(data.index.value.extra_index_urls, ["https://mirror.example.invalid/simple"]);
  const table = await ctx.run(["system-info"], { env });
  assertOk(table);
  assertStringIncludes(table.stdout, "https://index.example.invalid/simple (from env)");
  for (const out of [json, table]) {
    for (const secret of ["s3cr3t", "alice", "hunter2", "bob"]) {
      assert(!out.stdout.includes(secret), `${secret} printed:\n${out.stdout}`);
      assert(!out.stderr.includes(secret), `${secret} printed:\n${out.stderr}`);
    }
  }
});

/** The table with what differs between machines and runs replaced by placeholders. */
function filterTable(ctx: TestContext, text: string): string {
  const lines = filterText(text, [[ctx.home, "<HOME>"]]).split("\n");
  const out: string[] = [];
  let section = "";
  const stable = new Set(["index", "storage"]);
  for (const line of lines) {
    if (line !== "" && !line.startsWith(" ")) {
      section = line;
      out.push(line);
      continue;
    }
    const match = /^( {2}\S+(?: \S+)*?)( {2,})(.*)$/.exec(line);
    if (match === null) {
      out.push(line);
      continue;
    }
    const [, key, , value] = match;
    if (section === "interpreters") continue; // one line per interpreter of this machine
    if (stable.has(section) && !/(size|disk)$/.test(key!.trim())) {
      out.push(`${key!.trim()}: ${value}`);
    } else out.push(`${section === "backends" ? key!.trim() : key!.trim()}: <${key!.trim()}>`);
  }
  return out.join("\n");
}

Deno.test("system-info: the table is grouped by section (snapshot, volatile values filtered)", async (t) => {
  await using ctx = await createTestContext([]);
  // A loaded machine (CI, parallel tests) may need more than the default 2 s per probe; the
  // snapshot is about the table's shape, not about timing.
  const result = await ctx.run(["system-info", "--timeout", "60"], {
    env: { GESTVENV_INDEX_URL: SECRET_URL },
  });
  assertOk(result);
  assertStringIncludes(result.stdout, "\ninterpreters\n  CPython 3.");
  await assertSnapshot(t, filterTable(ctx, result.stdout));
});

Deno.test("system-info: a probe that does not answer in 2 s is reported as timed out, not waited for", async () => {
  await using ctx = await createTestContext([]);
  const env = { GESTVENV_FAILPOINT: "system-info.probe:sleep:30000" };
  const started = performance.now();
  const data = parse(await ctx.run(["system-info", "--format", "json"], { env }));
  const elapsed = performance.now() - started;
  assert(elapsed < 20000, `took ${elapsed} ms`);
  for (
    const probe of [
      data.system.libc,
      data.disk.home,
      data.disk.cache,
      data.sizes.home_bytes,
      data.sizes.cache_bytes,
      data.environments,
      data.interpreters,
      data.backends,
    ]
  ) {
    assertEquals(probe, { status: "timed out", value: null, timeout_ms: 2000 });
  }
  // What needs no probe is still there.
  assertEquals(data.runtime.deno, Deno.version.deno);
  const table = await ctx.run(["system-info"], { env });
  assertOk(table);
  assertMatch(table.stdout, /\n {2}libc +timed out \(2 s\)\n/);
  assertMatch(table.stdout, /\n {2}interpreters +timed out \(2 s\)\n/);
  // --timeout changes the bound; a value that is not seconds is a usage error.
  const shorter = parse(
    await ctx.run(["system-info", "--timeout", "0.5", "--format", "json"], { env }),
  );
  assertEquals(shorter.system.libc, { status: "timed out", value: null, timeout_ms: 500 });
  for (const bad of ["0", "-1", "soon", "7200"]) {
    const refused = await ctx.run(["system-info", "--timeout", bad]);
    assertEquals(refused.code, 2, bad);
    assertStringIncludes(refused.stderr, "is not a number of seconds");
  }
});

Deno.test("system-info and docs use no network (--deny-net)", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["pyversions"]));
  const env = { GESTVENV_INDEX_URL: ctx.index.url };
  const before = ctx.index.requests.length;
  const info = await runDenyNet(ctx, ["system-info", "--format", "json"], env);
  const data = parse(info);
  assertEquals(data.interpreters.status, "ok");
  assertEquals(data.backends.status, "ok");
  assert(!/NotCapable|--allow-net/.test(info.stderr), info.stderr);
  const docs = await runDenyNet(ctx, ["docs", "offline"], env);
  assertOk(docs);
  assertStringIncludes(docs.stdout, "## Offline mode");
  const list = await runDenyNet(ctx, ["docs", "--format", "json"], env);
  assertOk(list);
  assertEquals(ctx.index.requests.length, before);
});
