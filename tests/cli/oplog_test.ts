import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { join } from "node:path";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

interface Line {
  time: string;
  command: string;
  command_line: string;
  environments: string[];
  changes: Array<{
    environment: string;
    name: string;
    before: string | null;
    after: string | null;
    file?: string;
    sha256?: string;
    index?: string;
  }>;
  duration_ms: number;
  exit_code: number;
  error: { code: string; message: string } | null;
  version: string;
  cache?: { hits: number; misses: number; bytes_saved: number };
  bytes_downloaded?: number;
  index_requests?: number;
  phases_ms?: Record<string, number>;
}

async function logLines(ctx: TestContext): Promise<Line[]> {
  const text = await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"));
  assert(text.endsWith("\n"), "every line is whole");
  return text.trimEnd().split("\n").map((l) => JSON.parse(l) as Line);
}

function sha256Hex(bytes: Uint8Array): Promise<string> {
  return crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>).then((d) =>
    Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("")
  );
}

Deno.test("a scripted session logs exactly one line per changing command, with what changed", async () => {
  await using ctx = await createTestContext();
  const secretUrl = ctx.index.url.replace("http://", "http://ada:s3cret@");
  assertOk(await ctx.run(["create", "app"]));
  assertOk(await ctx.run(["list"]), "reads are not logged");
  assertOk(
    await ctx.run(["install", "demo-pkg==1.0.0", "--env", "app", "--index-url", secretUrl]),
  );
  assertOk(await ctx.run(["install", "demo-pkg==1.0.0", "--env", "app", "--dry-run"]));
  assertOk(await ctx.run(["uninstall", "demo-pkg", "--env", "app"]));
  const failed = await ctx.run(["install", "no-such-pkg", "--env", "app"]);
  assertEquals(failed.code, 4);

  const lines = await logLines(ctx);
  assertEquals(lines.map((l) => [l.command, l.exit_code]), [
    ["create", 0],
    ["install", 0],
    ["uninstall", 0],
    ["install", 4],
  ], "one line per changing command; dry runs and reads are not logged");
  for (const l of lines) {
    assert(!Number.isNaN(Date.parse(l.time)) && l.time.endsWith("Z"), l.time);
    assert(l.duration_ms >= 0 && Number.isInteger(l.duration_ms));
    assertEquals(l.environments, ["app"]);
  }
  const [create, install, uninstall, failure] = lines as [Line, Line, Line, Line];
  assertEquals(create.command_line, "gestvenv create app");
  assertEquals(create.error, null);
  assert(!install.command_line.includes("s3cret") && !install.command_line.includes("ada"));
  assertStringIncludes(install.command_line, `--index-url ${ctx.index.url}`);
  const origin = new URL(ctx.index.url).origin;
  assertEquals(install.changes.map((c) => [c.environment, c.name, c.before, c.after, c.index]), [
    ["app", "demo-dep", null, "2.0.0", origin],
    ["app", "demo-pkg", null, "1.0.0", origin],
  ]);
  for (const c of install.changes) {
    assert(/^[0-9a-f]{64}$/.test(c.sha256 ?? ""), `sha256 of ${c.name}`);
    assert(c.file?.endsWith(".whl"), c.file);
  }
  assertEquals(uninstall.changes.map((c) => [c.name, c.before, c.after]), [
    ["demo-pkg", "1.0.0", null],
  ]);
  assertEquals(failure.changes, []);
  assertEquals(failure.error?.code, "package_not_found");
  assertStringIncludes(failure.error!.message, "no-such-pkg");
});

Deno.test("the sha256 in the log is the installed wheel's", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  assertOk(await ctx.run(["install", "other-pkg", "--env", "app"]));
  const [, install] = await logLines(ctx) as [Line, Line];
  const change = install.changes[0]!;
  const url = `${new URL(ctx.index.url).origin}/files/${change.file}`;
  const listing = await (await fetch(`${ctx.index.url}/other-pkg/`)).text();
  const href = /href="([^"#]+)#?[^"]*"/.exec(listing)?.[1];
  const fileUrl = href === undefined ? url : new URL(href, `${ctx.index.url}/other-pkg/`).href;
  const bytes = new Uint8Array(await (await fetch(fileUrl)).arrayBuffer());
  assertEquals(change.sha256, await sha256Hex(bytes));
});

Deno.test("logs filters by --since, --last, --env and --level; audit lists the installs", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a"]));
  assertOk(await ctx.run(["create", "b"]));
  assertOk(await ctx.run(["install", "other-pkg", "--env", "a"]));
  assertOk(await ctx.run(["install", "third_pkg", "--env", "b"]));
  assertEquals((await ctx.run(["install", "no-such-pkg", "--env", "b"])).code, 4);
  // An old line, as an earlier run would have left it.
  const old = {
    time: "2020-01-01T00:00:00.000Z",
    command: "create",
    command_line: "gestvenv create ancient",
    environments: ["ancient"],
    changes: [],
    duration_ms: 5,
    exit_code: 0,
    error: null,
    version: "0.0.1",
  };
  const path = join(ctx.home, "logs", "operations.jsonl");
  await Deno.writeTextFile(path, JSON.stringify(old) + "\n" + await Deno.readTextFile(path));

  const json = async (args: string[]) => {
    const r = await ctx.run([...args, "--format", "json"]);
    assertOk(r);
    return JSON.parse(r.stdout).data;
  };
  const commands = (data: { operations: Line[] }) => data.operations.map((o) => o.command_line);
  assertEquals((await json(["logs"])).operations.length, 6);
  assertEquals(commands(await json(["logs", "--since", "2021-01-01"])).length, 5);
  assertEquals(commands(await json(["logs", "--since", "1d"])).length, 5);
  assertEquals(commands(await json(["logs", "show", "--since", "2019-12-31"])).length, 6);
  assertEquals(commands(await json(["logs", "--last", "2"])), [
    "gestvenv install third_pkg --env b",
    "gestvenv install no-such-pkg --env b",
  ]);
  assertEquals(commands(await json(["logs", "a"])), [
    "gestvenv create a",
    "gestvenv install other-pkg --env a",
  ]);
  assertEquals(commands(await json(["logs", "--env", "a", "--last", "1"])), [
    "gestvenv install other-pkg --env a",
  ]);
  assertEquals(commands(await json(["logs", "--level", "error"])), [
    "gestvenv install no-such-pkg --env b",
  ]);
  const bad = await ctx.run(["logs", "--since", "last tuesday"]);
  assertEquals(bad.code, 2);
  assertStringIncludes(bad.stderr, "neither a date nor a duration");

  const table = await ctx.run(["logs", "b"]);
  assertOk(table);
  assertStringIncludes(table.stdout, "install third_pkg --env b");
  assertStringIncludes(table.stdout, "+third_pkg==0.3.0");
  assertStringIncludes(table.stdout, "package_not_found");

  const audit = await json(["audit", "installations"]);
  assertEquals(
    audit.installations.map((
      i: { environment: string; name: string; version: string; sha256: string | null },
    ) => [i.environment, i.name, i.version, i.sha256?.length]),
    [["a", "other-pkg", "2.0.0", 64], ["b", "third_pkg", "0.3.0", 64]],
  );
  const onlyB = await json(["audit", "installations", "--env", "b"]);
  assertEquals(onlyB.installations.map((i: { name: string }) => i.name), ["third_pkg"]);
  const auditTable = await ctx.run(["audit", "installations"]);
  assertOk(auditTable);
  assertStringIncludes(auditTable.stdout, "other-pkg");
  assertStringIncludes(auditTable.stdout, new URL(ctx.index.url).origin);
  assertEquals((await ctx.run(["audit", "installations", "everything"])).code, 2);

  // export: JSON array or JSON lines by extension.
  assertOk(await ctx.run(["logs", "export", join(ctx.work, "ops.json"), "--since", "2021-01-01"]));
  const exported = JSON.parse(await Deno.readTextFile(join(ctx.work, "ops.json")));
  assertEquals(exported.length, 5);
  assertOk(await ctx.run(["logs", "export", "ops.jsonl", "--env", "a"]));
  const jsonl = (await Deno.readTextFile(join(ctx.work, "ops.jsonl"))).trimEnd().split("\n");
  assertEquals(jsonl.map((l) => JSON.parse(l).command_line), [
    "gestvenv create a",
    "gestvenv install other-pkg --env a",
  ]);
  assertOk(await ctx.run(["logs", "export", "dry.json", "--dry-run"]));
  assertEquals(await Deno.stat(join(ctx.work, "dry.json")).catch(() => null), null);
});

Deno.test("a corrupt or truncated line is skipped by logs and audit", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a"]));
  const path = join(ctx.home, "logs", "operations.jsonl");
  await Deno.writeTextFile(path, 'not json\n{"time":"2026-01-01T00:00:00Z","comm\n[1,2]\n', {
    append: true,
  });
  assertOk(await ctx.run(["create", "b"]));
  const r = await ctx.run(["logs", "--format", "json"]);
  assertOk(r);
  assertEquals(
    JSON.parse(r.stdout).data.operations.map((o: Line) => o.command_line),
    ["gestvenv create a", "gestvenv create b"],
  );
  assertStringIncludes(r.stderr, "Skipped 3 unreadable lines");
  assertOk(await ctx.run(["audit", "installations"]));
});

Deno.test("two commands installing at once each leave one whole line", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a"]));
  assertOk(await ctx.run(["create", "b"]));
  const [one, two] = await Promise.all([
    ctx.run(["install", "demo-pkg", "--env", "a"]),
    ctx.run(["install", "other-pkg", "--env", "b"]),
  ]);
  assertOk(one);
  assertOk(two);
  const lines = await logLines(ctx);
  assertEquals(lines.length, 4);
  assertEquals(
    lines.slice(2).map((l) => l.command_line).sort(),
    ["gestvenv install demo-pkg --env a", "gestvenv install other-pkg --env b"],
  );
});

Deno.test("an unwritable log does not fail the command; --verbose says why", async () => {
  await using ctx = await createTestContext();
  await Deno.mkdir(join(ctx.home, "logs", "operations.jsonl"), { recursive: true });
  const quiet = await ctx.run(["create", "a"]);
  assertOk(quiet);
  assert(!quiet.stderr.includes("operation log"), quiet.stderr);
  const verbose = await ctx.run(["create", "b", "--verbose"]);
  assertOk(verbose);
  assertStringIncludes(verbose.stderr, "Could not write the operation log");
  assertEquals((await ctx.registry()).environments["b"]?.name, "b");
  assertOk(await ctx.run(["logs"]), "reading around a directory works too");
});

Deno.test("logs --follow prints operations as they are logged, filtered", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "b"]));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "-A",
      new URL("../../main.ts", import.meta.url).pathname,
      "logs",
      "--follow",
      "--format",
      "json",
      "--env",
      "b",
    ],
    env: ctx.env,
    clearEnv: true,
    cwd: ctx.work,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const nextLine = async () => {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`logs --follow ended: ${text}`);
      text += value;
    }
    const at = text.indexOf("\n");
    const line = text.slice(0, at);
    text = text.slice(at + 1);
    return JSON.parse(line).command_line;
  };
  try {
    // What was logged already comes first; then it follows.
    assertEquals(await nextLine(), "gestvenv create b");
    assertOk(await ctx.run(["create", "other"]));
    assertOk(await ctx.run(["install", "other-pkg", "--env", "b"]));
    assertEquals(await nextLine(), "gestvenv install other-pkg --env b", "`other` is filtered out");
  } finally {
    child.kill("SIGTERM");
    await reader.cancel().catch(() => {});
    await child.status;
  }
});

Deno.test("a log that reached 5 MiB is rotated; logs reads across the files", async () => {
  await using ctx = await createTestContext([]);
  const logs = join(ctx.home, "logs");
  await Deno.mkdir(logs, { recursive: true });
  const line = (n: number) =>
    JSON.stringify({
      time: "2026-01-01T00:00:00.000Z",
      command: "create",
      command_line: `gestvenv create old${n} ${"x".repeat(200)}`,
      environments: [`old${n}`],
      changes: [],
      duration_ms: 1,
      exit_code: 0,
      error: null,
      version: "0.1.0",
    }) + "\n";
  const count = Math.floor(5 * 1024 * 1024 / line(0).length);
  await Deno.writeTextFile(
    join(logs, "operations.jsonl"),
    Array.from({ length: count }, (_, n) => line(n)).join(""),
  );
  assertOk(await ctx.run(["create", "fresh"]));
  const current = (await Deno.readTextFile(join(logs, "operations.jsonl"))).trimEnd().split("\n");
  assertEquals(current.map((l) => JSON.parse(l).command_line), ["gestvenv create fresh"]);
  const rotated = await Deno.readTextFile(join(logs, "operations.1.jsonl"));
  assertEquals(rotated.trimEnd().split("\n").length, count);
  const all = await ctx.run(["logs", "--format", "json"]);
  assertOk(all);
  const operations = JSON.parse(all.stdout).data.operations;
  assertEquals(operations.length, count + 1);
  assertEquals(operations.at(-1).command_line, "gestvenv create fresh");
});

Deno.test("the log line carries cache hits and misses, bytes downloaded and time per phase", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a"]));
  assertOk(await ctx.run(["create", "b"]));
  assertOk(await ctx.run(["install", "demo-pkg", "--env", "a"]));
  assertOk(await ctx.run(["install", "demo-pkg", "--env", "b"]));
  const [createA, , first, second] = await logLines(ctx) as [Line, Line, Line, Line];
  // The first install fetched both wheels (demo-pkg and demo-dep) over HTTP.
  assertEquals(first.cache?.hits, 0);
  assertEquals(first.cache?.misses, 2);
  assert((first.bytes_downloaded ?? 0) > 0, `bytes of the first: ${first.bytes_downloaded}`);
  assert((first.index_requests ?? 0) > 0);
  // The second, in another environment, is served by the cache: nothing downloaded.
  assertEquals(second.cache?.hits, 2);
  assertEquals(second.cache?.misses, 0);
  assertEquals(second.bytes_downloaded, 0);
  assertEquals(second.cache?.bytes_saved, first.bytes_downloaded, "the same wheels' bytes");
  for (const line of [first, second]) {
    const phases = line.phases_ms ?? {};
    for (const phase of ["startup", "resolve", "unpack", "link", "registry"]) {
      assert((phases[phase] ?? -1) >= 0, `${phase} in ${JSON.stringify(phases)}`);
    }
    const sum = Object.values(phases).reduce((a, b) => a + b, 0);
    assert(sum <= line.duration_ms + 1, `${sum} ms of phases within ${line.duration_ms} ms`);
  }
  assert((first.phases_ms?.download ?? 0) > 0, "the first downloaded");
  assertEquals(second.phases_ms?.download, undefined, "the second did not");
  assert((createA.phases_ms?.virtualenv ?? 0) > 0, JSON.stringify(createA.phases_ms));

  // Older lines (without the figures) and hostile ones still read.
  const path = join(ctx.home, "logs", "operations.jsonl");
  const hostile = JSON.stringify({ ...createA, phases_ms: { link: "x", resolve: 3 }, cache: [] })
    .replace('"phases_ms":{', '"phases_ms":{"__proto__":{"polluted":1},"constructor":2,');
  await Deno.writeTextFile(path, hostile + "\n", { append: true });
  const r = await ctx.run(["logs", "--format", "json", "--last", "1"]);
  assertOk(r);
  const [read] = JSON.parse(r.stdout).data.operations as Line[];
  assertEquals(read?.phases_ms, { resolve: 3 });
  assertEquals(read?.cache, undefined);
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("what a creation installs is logged and audited: create --packages, clone, import", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "made", "--packages", "demo-pkg==1.0.0"]));
  assertOk(await ctx.run(["clone", "made", "copied", "--packages-only"]));
  assertOk(await ctx.run(["export", "made", "made.lock.toml", "--format", "pylock"]));
  assertOk(await ctx.run(["import", "made.lock.toml", "imported"]));
  assertOk(await ctx.run(["create", "ghost", "--packages", "demo-pkg", "--dry-run"]));
  const lines = await logLines(ctx);
  assertEquals(lines.map((l) => l.command), ["create", "clone", "export", "import"]);
  const origin = new URL(ctx.index.url).origin;
  for (const [line, environment] of [[lines[0], "made"], [lines[3], "imported"]] as const) {
    assertEquals(
      line!.changes.map((c) => [c.environment, c.name, c.before, c.after, c.index]),
      [
        [environment, "demo-dep", null, "2.0.0", origin],
        [environment, "demo-pkg", null, "1.0.0", origin],
      ],
    );
    for (const c of line!.changes) assert(/^[0-9a-f]{64}$/.test(c.sha256 ?? ""), c.name);
  }
  // A clone lists what it has; a copy or relink installs no file from an index of its own.
  assertEquals(
    lines[1]!.changes.map((c) => [c.environment, c.name, c.after]),
    [["copied", "demo-dep", "2.0.0"], ["copied", "demo-pkg", "1.0.0"]],
  );
  const audit = await ctx.run(["audit", "installations", "--format", "json"]);
  assertOk(audit);
  const installs = JSON.parse(audit.stdout).data.installations as Array<
    { environment: string; name: string; version: string }
  >;
  for (const environment of ["made", "imported"]) {
    assert(
      installs.some((i) =>
        i.environment === environment && i.name === "demo-pkg" && i.version === "1.0.0"
      ),
      `${environment} in ${JSON.stringify(installs)}`,
    );
  }
  assert(!installs.some((i) => i.environment === "ghost"), "a dry run installs nothing");
});

Deno.test("read-only doctor and repair --list runs are not logged; fixing runs are", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "app"]));
  const before = (await logLines(ctx)).length;
  const diag = join(ctx.work, "diag.json");
  for (
    const args of [
      ["doctor"],
      ["doctor", "app", "--suggest"],
      ["doctor", "--export", diag],
      ["repair", "app", "--list"],
      ["repair", "--list", "--format", "json"],
    ]
  ) {
    const r = await ctx.run(args);
    assert(r.code === 0 || r.code === 1, `${args.join(" ")}: ${r.stderr}`);
  }
  await Deno.stat(diag); // The export was written all the same.
  assertEquals((await logLines(ctx)).length, before, "nothing changed, nothing logged");
  assertOk(await ctx.run(["doctor", "--fix"]));
  assertOk(await ctx.run(["repair", "app"]));
  const after = await logLines(ctx);
  assertEquals(after.slice(before).map((l) => l.command), ["doctor", "repair"]);
});
