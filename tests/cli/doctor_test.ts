/**
 * `doctor` finds each way an environment breaks behind gestvenv's back, by its check id; `doctor
 * --fix` repairs them all from the cache with the index stopped; a second `doctor` is all ok.
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
import { hasScript, inTerminal } from "../helpers/in_terminal.ts";

interface Finding {
  id: string;
  severity: string;
  subject: string;
  message: string;
}

async function doctor(
  ctx: TestContext,
  args: string[],
): Promise<{ code: number; checks: Finding[] }> {
  const result = await ctx.run(["doctor", ...args, "--format", "json"]);
  const doc = JSON.parse(result.stdout) as { data: { checks: Finding[] } };
  return { code: result.code, checks: doc.data.checks };
}

const errors = (checks: Finding[]) =>
  [...new Set(checks.filter((c) => c.severity === "error").map((c) => c.id))].sort();

async function sitePackages(ctx: TestContext, name: string): Promise<string> {
  const lib = join(ctx.envPath(name), "lib");
  for await (const e of Deno.readDir(lib)) {
    if (e.name.startsWith("python")) return join(lib, e.name, "site-packages");
  }
  throw new Error("no site-packages");
}

Deno.test("doctor names each breakage by its check id; doctor --fix repairs all of it offline", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg other-pkg"]));
  assertOk(await ctx.run(["create", "stray"]));
  const healthy = await doctor(ctx, ["--full"]);
  assertEquals(errors(healthy.checks), [], JSON.stringify(healthy.checks, null, 2));
  assertEquals(healthy.code, 0);
  const site = await sitePackages(ctx, "web");
  const env = ctx.envPath("web");

  // A file of a distribution deleted, and a byte of another one changed.
  await Deno.remove(join(site, "demo_pkg", "__init__.py"));
  // A byte changed by a program that writes a new file (an in-place write through a hard link
  // would change the cache's copy too; `cache verify` is what finds that).
  const init = join(site, "other_pkg", "__init__.py");
  const text = await Deno.readTextFile(init);
  await Deno.remove(init);
  await Deno.writeTextFile(init, text.replace(/.$/s, text.endsWith("X") ? "Y" : "X"));
  let found = await doctor(ctx, ["web", "--full"]);
  assertEquals(errors(found.checks), ["env.files"]);
  assertEquals(found.code, 1);
  const files = found.checks.find((c) => c.id === "env.files")!;
  assertStringIncludes(files.message, "demo-pkg 1.1.0: demo_pkg/__init__.py is missing");
  assertStringIncludes(files.message, "other-pkg 2.0.0: other_pkg/__init__.py differs from RECORD");
  // Without --full, files are not hashed.
  assertEquals(errors((await doctor(ctx, ["web"])).checks), []);

  // A dependency uninstalled behind gestvenv's back.
  for await (const e of Deno.readDir(site)) {
    if (/^demo_dep/.test(e.name)) await Deno.remove(join(site, e.name), { recursive: true });
  }
  found = await doctor(ctx, ["web", "--full"]);
  assertEquals(errors(found.checks), ["env.dependencies", "env.files", "env.lock"]);
  assertStringIncludes(
    found.checks.find((c) => c.id === "env.dependencies")!.message,
    "demo-pkg 1.1.0 requires demo-dep, which is not installed.",
  );

  // A console script whose shebang runs another Python.
  const script = join(env, "bin", "demo-cli");
  const lines = (await Deno.readTextFile(script)).split("\n");
  await Deno.writeTextFile(script, ["#!/usr/bin/python3", ...lines.slice(1)].join("\n"));
  found = await doctor(ctx, ["web", "--full"]);
  assertEquals(errors(found.checks), ["env.dependencies", "env.files", "env.lock", "env.shebangs"]);

  // The interpreter link pointing at nothing (the checks that run Python are skipped then).
  await Deno.remove(join(env, "bin", "python"));
  await Deno.symlink("/nonexistent/python3", join(env, "bin", "python"));
  found = await doctor(ctx, ["web", "--full"]);
  assertEquals(errors(found.checks), ["env.files", "env.interpreter", "env.shebangs"]);

  // The registry: an environment gestvenv made that it no longer lists, and a staging leftover.
  const doc = await ctx.registry();
  delete (doc.environments as Record<string, unknown>)["stray"];
  await Deno.writeTextFile(join(ctx.home, "environments.json"), JSON.stringify(doc));
  const leftover = join(ctx.home, "environments", ".gestvenv-staging-ghost-999999-1700000000000");
  await Deno.mkdir(leftover);
  const all = await ctx.run(["doctor", "--full"]);
  assertEquals(all.code, 1);
  found = await doctor(ctx, ["--full"]);
  assertEquals(errors(found.checks), ["env.files", "env.interpreter", "env.shebangs"]);
  const registry = found.checks.filter((c) => c.subject === "registry").map((c) => c.id).sort();
  assertEquals(registry, ["registry.leftover", "registry.unregistered"]);
  await assertSnapshot(
    t,
    filterText(all.stdout, [[ctx.home, "[HOME]"]])
      .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:[PORT]")
      .replace(/Python \d+\.\d+(\.\d+)?/g, "Python [VERSION]")
      .replace(/^\d+ checks: .*$/m, "[SUMMARY]")
      // Which backends this machine has is not the test's business.
      .replace(/^backends\n(?: {2}.*\n)*/m, "")
      .replace(/^cache\n(?: {2}.*\n)*/m, "")
      .replace(/ {2,}/g, "  "),
  );

  // A dry run changes nothing.
  const dry = await ctx.run(["doctor", "--fix", "--dry-run"]);
  assertStringIncludes(dry.stderr, "Would fix env.interpreter (web)");
  assertEquals(errors((await doctor(ctx, ["--full"])).checks).length, 3);

  // Repaired with the index stopped: everything comes from the cache.
  await ctx.index.close();
  const fixed = await ctx.run(["doctor", "--fix", "--full"]);
  assertEquals(fixed.code, 0, fixed.stdout + fixed.stderr);
  assertStringIncludes(fixed.stderr, "Fixed env.interpreter (web)");
  assertStringIncludes(fixed.stderr, "Fixed env.shebangs (web)");
  const after = await doctor(ctx, ["--full"]);
  assertEquals(after.code, 0);
  assertEquals(
    // (The free space of this machine's disk is not the test's business.)
    after.checks.filter((c) =>
      c.severity !== "ok" && c.severity !== "info" && c.id !== "cache.disk" &&
      // (The index was stopped on purpose.)
      c.id !== "config.index_unreachable"
    ),
    [],
  );
  assert(!(await Deno.stat(leftover).then(() => true, () => false)), "leftover removed");
  assert(Object.keys((await ctx.registry()).environments).includes("stray"), "stray adopted");
  const cli = await ctx.exec(script, []);
  assertOk(cli);
  assertOk(
    await ctx.exec(join(env, "bin", "python"), ["-c", "import demo_pkg, demo_dep, other_pkg"]),
  );
});

Deno.test("doctor on an unknown environment says so with exit 3", async () => {
  await using ctx = await createTestContext();
  const result = await ctx.run(["doctor", "nope"]);
  assertEquals(result.code, 3);
  assertStringIncludes(result.stderr, "nope");
});

Deno.test("repair fixes only the checks asked for; --dry-run changes nothing; extras need --yes", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg other-pkg"]));
  const env = ctx.envPath("web");
  const script = join(env, "bin", "demo-cli");
  const original = await Deno.readTextFile(script);
  await Deno.writeTextFile(script, original.replace(/^#!.*/, "#!/usr/bin/python3"));
  const site = await sitePackages(ctx, "web");
  await Deno.remove(join(site, "demo_pkg", "__init__.py"));
  // other-pkg is taken out of the lock: installed but not locked.
  const lockPath = join(env, "pylock.toml");
  const lock = await Deno.readTextFile(lockPath);
  const blocks = lock.split(/(?=^\[\[packages\]\])/m);
  await Deno.writeTextFile(
    lockPath,
    blocks.filter((b) => !b.includes('name = "other-pkg"')).join(""),
  );

  const unknown = await ctx.run(["repair", "web", "--fix", "env.nothing"]);
  assertEquals(unknown.code, 2);
  assertStringIncludes(unknown.stderr, "No fix for env.nothing");

  const dry = await ctx.run(["repair", "web", "--dry-run"]);
  assertEquals(dry.code, 1);
  assertStringIncludes(dry.stderr, "Would fix env.shebangs");
  assertStringIncludes(dry.stderr, "Would fix env.files");
  assertEquals(await Deno.readTextFile(script), original.replace(/^#!.*/, "#!/usr/bin/python3"));

  const shebangs = await ctx.run(["repair", "web", "--fix", "env.shebangs"]);
  assertEquals(shebangs.code, 1, "env.files is still broken");
  assertEquals(await Deno.readTextFile(script), original);
  assert(!(await Deno.stat(join(site, "demo_pkg", "__init__.py")).then(() => true, () => false)));

  // Without a terminal and without --yes, the extra distribution stays.
  await ctx.index.close();
  const rest = await ctx.run(["repair", "web"]);
  assertEquals(rest.code, 0, rest.stdout + rest.stderr);
  assertStringIncludes(rest.stderr, "pass --yes to uninstall them");
  assertOk(await ctx.exec(join(env, "bin", "python"), ["-c", "import demo_pkg, other_pkg"]));
  let found = await doctor(ctx, ["web", "--full"]);
  assertEquals(errors(found.checks), []);
  assertEquals(
    found.checks.filter((c) => c.severity === "warning").map((c) => c.id),
    ["env.lock_extras"],
  );
  assertOk(await ctx.run(["repair", "web", "--yes"]));
  const gone = await ctx.exec(join(env, "bin", "python"), ["-c", "import other_pkg"]);
  assertEquals(gone.code, 1);
  found = await doctor(ctx, ["web", "--full"]);
  assertEquals(found.checks.filter((c) => c.severity !== "ok"), []);
});

Deno.test("doctor reports unknown config keys, credentials in the config, a corrupt cache file and an over-full cache", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "other-pkg"]));
  await Deno.writeTextFile(
    join(ctx.home, "config.toml"),
    'backend = "native"\nbakend = "uv"\nextra_index_urls = ["https://ada:s3cret@pkgs.example/simple"]\n' +
      '[cache]\nmax_size = "1KB"\n',
  );
  let found = await doctor(ctx, []);
  const byId = new Map(found.checks.map((c) => [c.id, c]));
  assertEquals(byId.get("config.file")?.severity, "ok");
  assertEquals(byId.get("config.unknown_keys")?.severity, "warning");
  assertStringIncludes(byId.get("config.unknown_keys")!.message, "bakend");
  assertEquals(byId.get("config.credentials")?.severity, "warning");
  assertStringIncludes(byId.get("config.credentials")!.message, "extra_index_urls");
  assert(!JSON.stringify(found.checks).includes("s3cret"), "the secret is never printed");
  assertEquals(byId.get("cache.size")?.severity, "warning");
  assertEquals(byId.get("cache.integrity"), undefined, "only with --full");
  assertEquals(found.code, 0, "warnings only");

  // A stored file of the cache changed: `cache.integrity` (--full) is an error.
  const files = join(ctx.home, "cache", "files-v1");
  let victim: string | undefined;
  for await (const shard of Deno.readDir(files)) {
    for await (const f of Deno.readDir(join(files, shard.name))) {
      victim = join(files, shard.name, f.name);
      break;
    }
    if (victim !== undefined) break;
  }
  await Deno.chmod(victim!, 0o644);
  await Deno.writeTextFile(victim!, "tampered");
  found = await doctor(ctx, ["--full"]);
  assertEquals(found.checks.find((c) => c.id === "cache.integrity")?.severity, "error");
  assertEquals(found.code, 1);

  // A value of the wrong type: gestvenv refuses to run with it, naming the key (exit 10).
  await Deno.writeTextFile(join(ctx.home, "config.toml"), 'backend = "pipx"\n');
  const invalid = await ctx.run(["doctor"]);
  assertEquals(invalid.code, 10);
  assertStringIncludes(invalid.stderr, "backend");
});

Deno.test("doctor --fix without the files (cache emptied, index stopped) says what it could not repair, exits 1, and repairs the rest", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "other-pkg"]));
  assertOk(await ctx.run(["create", "api", "--packages", "demo-pkg"]));
  const site = await sitePackages(ctx, "web");
  await Deno.remove(join(site, "other_pkg", "__init__.py"));
  const script = join(ctx.envPath("api"), "bin", "demo-cli");
  const original = await Deno.readTextFile(script);
  await Deno.writeTextFile(script, original.replace(/^#!.*/, "#!/usr/bin/python3"));
  assertOk(await ctx.run(["cache", "clean", "--all", "--yes"]));
  await ctx.index.close();
  const fixed = await ctx.run(["doctor", "--fix"]);
  assertEquals(fixed.code, 1, fixed.stdout + fixed.stderr);
  assertStringIncludes(fixed.stderr, "Could not repair web");
  assertStringIncludes(fixed.stderr, "Fixed env.shebangs (api)");
  assertEquals(await Deno.readTextFile(script), original);
  const after = await doctor(ctx, ["--full"]);
  assertEquals(errors(after.checks), ["env.files"]);
  assertEquals(
    after.checks.filter((c) => c.severity === "error").map((c) => c.subject),
    ["environment web"],
  );
});

const families = (checks: Finding[]) =>
  [...new Set(checks.map((c) => c.id === "registry" ? "registry" : c.id.split(".")[0]!))].sort();

Deno.test("doctor --cache, --config and --backend run only that family; ENV and a family run both", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web"]));
  assertEquals(families((await doctor(ctx, [])).checks), [
    "backend",
    "cache",
    "config",
    "env",
    "registry",
  ]);
  assertEquals(families((await doctor(ctx, ["web"])).checks), ["env"]);
  assertEquals(families((await doctor(ctx, ["--cache"])).checks), ["cache"]);
  assertEquals(families((await doctor(ctx, ["--config"])).checks), ["config"]);
  assertEquals(families((await doctor(ctx, ["--cache", "--config"])).checks), ["cache", "config"]);
  assertEquals(families((await doctor(ctx, ["web", "--cache"])).checks), ["cache", "env"]);
  const native = await doctor(ctx, ["--backend", "native"]);
  assertEquals(native.checks.map((c) => c.id), ["backend.native"]);
  assertEquals(native.code, 0);
  const bad = await ctx.run(["doctor", "--backend", "pipx"]);
  assertEquals(bad.code, 2);
});

Deno.test("repair --list lists the fixes and applies none; --interactive without a terminal is exit 2; --auto repairs every environment", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  assertOk(await ctx.run(["create", "api", "--packages", "demo-pkg"]));
  const scripts = ["web", "api"].map((n) => join(ctx.envPath(n), "bin", "demo-cli"));
  const original = await Promise.all(scripts.map((s) => Deno.readTextFile(s)));
  for (const [i, s] of scripts.entries()) {
    await Deno.writeTextFile(s, original[i]!.replace(/^#!.*/, "#!/usr/bin/python3"));
  }
  await Deno.chmod(scripts[1]!, 0o644);

  const list = await ctx.run(["repair", "web", "--list"]);
  assertEquals(list.code, 0, list.stderr);
  assertStringIncludes(list.stdout, "env.shebangs");
  assertEquals(
    await Deno.readTextFile(scripts[0]!),
    original[0]!.replace(/^#!.*/, "#!/usr/bin/python3"),
  );
  const listAll = await ctx.run(["repair", "--list", "--format", "json"]);
  const listed = JSON.parse(listAll.stdout).data.fixes as Array<
    { environment: string; id: string }
  >;
  assertEquals(
    listed.map((f) => `${f.environment} ${f.id}`).sort(),
    ["api env.permissions", "api env.shebangs", "web env.shebangs"],
  );
  await assertSnapshot(
    t,
    // (Column widths follow the temp home's path.)
    filterText(list.stdout, [[ctx.home, "[HOME]"]]).replace(/ +│/g, " │").replace(/─+/g, "─"),
  );

  for (const flag of ["--interactive", "--step-by-step"]) {
    const asked = await ctx.run(["repair", "web", flag]);
    assertEquals(asked.code, 2, asked.stderr);
    assertStringIncludes(asked.stderr, "there is no terminal");
    assertStringIncludes(asked.stderr, "--auto");
  }
  assertEquals((await ctx.run(["repair"])).code, 2, "no ENV without --auto or --list");

  await ctx.index.close();
  const auto = await ctx.run(["repair", "--auto"]);
  assertEquals(auto.code, 0, auto.stdout + auto.stderr);
  for (const [i, s] of scripts.entries()) assertEquals(await Deno.readTextFile(s), original[i]);
  assert(((await Deno.stat(scripts[1]!)).mode! & 0o111) !== 0, "exec bit restored");
  assertOk(await ctx.exec(scripts[1]!, []));
  const log = await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"));
  const last = JSON.parse(log.trim().split("\n").at(-1)!);
  assertEquals([last.command, [...last.environments].sort()], ["repair", ["api", "web"]]);
});

Deno.test("env.permissions: a script without its execute bit is a warning with the chmod fix; --fix restores only scripts a distribution installed", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const script = join(ctx.envPath("web"), "bin", "demo-cli");
  const mine = join(ctx.envPath("web"), "bin", "notes.txt");
  await Deno.writeTextFile(mine, "not a script");
  await Deno.chmod(mine, 0o644);
  await Deno.chmod(script, 0o644);
  const found = await doctor(ctx, ["web"]);
  const perm = found.checks.find((c) => c.id === "env.permissions") as
    & Finding
    & { fix: { command: string; auto?: string } };
  assertEquals(perm.severity, "warning");
  assertStringIncludes(perm.message, "1 script(s) not executable: demo-cli");
  assertStringIncludes(perm.fix.command, `chmod +x ${script}`);
  assertEquals(found.code, 0, "a warning");
  await ctx.index.close();
  const fixed = await ctx.run(["doctor", "web", "--fix"]);
  assertEquals(fixed.code, 0, fixed.stdout + fixed.stderr);
  assertStringIncludes(fixed.stderr, "Fixed env.permissions (web)");
  assertEquals((await Deno.stat(script)).mode! & 0o777, 0o755);
  assertEquals((await Deno.stat(mine)).mode! & 0o777, 0o644, "a file gestvenv did not install");
  assertEquals(
    (await doctor(ctx, ["web"])).checks.find((c) => c.id === "env.permissions")?.severity,
    "ok",
  );
  assertOk(await ctx.exec(script, []));
});

Deno.test("env.duplicate_files: two RECORDs claiming one file is an error naming both, with no automatic fix", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg other-pkg"]));
  const site = await sitePackages(ctx, "web");
  const record = join(site, "other_pkg-2.0.0.dist-info", "RECORD");
  const before = await Deno.readTextFile(record);
  await Deno.writeTextFile(record, before + "demo_pkg/__init__.py,,\n");
  const found = await doctor(ctx, ["web"]);
  assertEquals(errors(found.checks), ["env.duplicate_files"]);
  assertEquals(found.code, 1);
  const dup = found.checks.find((c) => c.id === "env.duplicate_files") as
    & Finding
    & { fix: { command: string; auto?: string } };
  assertStringIncludes(dup.message, "demo_pkg/__init__.py (demo-pkg 1.1.0 and other-pkg 2.0.0)");
  assertStringIncludes(dup.fix.command, "gestvenv repair web --fix env.files");
  assertEquals(dup.fix.auto, undefined);
  const fixed = await ctx.run(["doctor", "web", "--fix"]);
  assertEquals(fixed.code, 1);
  assertEquals(await Deno.readTextFile(record), before + "demo_pkg/__init__.py,,\n");
});

Deno.test("config.index_unreachable: an index that stopped answering is a warning naming it without credentials; never checked offline", async () => {
  await using ctx = await createTestContext();
  const up = await doctor(ctx, ["--config"]);
  assertEquals(up.checks.find((c) => c.id === "config.index_unreachable")?.severity, "ok");
  const port = new URL(ctx.index.url).port;
  // A doctor without --fix only reads: it did not create the home.
  await Deno.mkdir(ctx.home, { recursive: true });
  await Deno.writeTextFile(
    join(ctx.home, "config.toml"),
    `extra_index_urls = ["http://ada:s3cret@127.0.0.1:${port}/extra/simple"]\n`,
  );
  await ctx.index.close();
  const down = await doctor(ctx, ["--config"]);
  const unreachable = down.checks.filter((c) => c.id === "config.index_unreachable");
  assertEquals(unreachable.map((c) => c.severity), ["warning", "warning"]);
  assertStringIncludes(unreachable[1]!.message, `http://127.0.0.1:${port}/extra/simple`);
  assert(!JSON.stringify(down.checks).includes("s3cret"), "no credential printed");
  assertEquals(down.code, 0, "warnings only");
  // Offline, no connection is even tried (--deny-net would fail it).
  const offline = await runDenyNet(ctx, ["doctor", "--config", "--offline", "--format", "json"]);
  assertEquals(offline.code, 0, offline.stderr);
  const offlineChecks = JSON.parse(offline.stdout).data.checks as Finding[];
  assertEquals(offlineChecks.map((c) => c.id), ["config.file", "config.credentials"]);
});

Deno.test("cache.integrity: a hard-linked file edited in place is fixed by --fix (bad cache entry dropped, distribution reinstalled) with the index stopped", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "other-pkg"]));
  const init = join(await sitePackages(ctx, "web"), "other_pkg", "__init__.py");
  const original = await Deno.readTextFile(init);
  assert((await Deno.stat(init)).nlink! > 1, "installed as a hard link to the cache");
  await Deno.chmod(init, 0o644);
  await Deno.writeTextFile(init, original + "\nBROKEN = True\n"); // same inode: the cache's copy too
  const found = await doctor(ctx, ["--full"]);
  assertEquals(errors(found.checks), ["cache.integrity", "env.files"]);
  await ctx.index.close();
  const fixed = await ctx.run(["doctor", "--fix"]);
  assertEquals(fixed.code, 0, fixed.stdout + fixed.stderr);
  assertStringIncludes(fixed.stderr, "Fixed cache.integrity (cache)");
  assertStringIncludes(fixed.stderr, "Fixed env.files (web)");
  assertEquals(await Deno.readTextFile(init), original);
  assertEquals(errors((await doctor(ctx, ["--full"])).checks), []);
  assertOk(
    await ctx.exec(join(ctx.envPath("web"), "bin", "python"), [
      "-c",
      "import other_pkg; assert not hasattr(other_pkg, 'BROKEN')",
    ]),
  );
});

Deno.test("doctor --suggest: an over-full cache, a pip environment, an unused one and copies shared by two environments, each with its command", async (t) => {
  await using ctx = await createTestContext();
  for (const name of ["a", "b"]) {
    assertOk(await ctx.run(["create", name, "--packages", "other-pkg", "--link-mode", "copy"]));
  }
  assertOk(await ctx.run(["create", "old"]));
  const doc = await ctx.registry();
  const envs = doc.environments as Record<string, { backend: string; last_used_at: string }>;
  envs["old"]!.backend = "pip";
  envs["old"]!.last_used_at = "2020-01-01T00:00:00.000Z";
  await Deno.writeTextFile(join(ctx.home, "environments.json"), JSON.stringify(doc));
  await Deno.writeTextFile(join(ctx.home, "config.toml"), '[cache]\nmax_size = "1KB"\n');
  const plain = await doctor(ctx, []);
  assertEquals(plain.checks.filter((c) => c.id.startsWith("suggest.")), []);
  const result = await ctx.run(["doctor", "--suggest", "--format", "json"]);
  const checks = JSON.parse(result.stdout).data.checks as Array<
    Finding & { fix: { command: string } }
  >;
  const suggestions = checks.filter((c) => c.id.startsWith("suggest."));
  assert(suggestions.every((c) => c.severity === "info"));
  assertEquals(
    suggestions.map((c) => `${c.id}: ${c.fix.command}`),
    [
      "suggest.cache_size: gestvenv optimize cache --target-size 1KB",
      "suggest.backend: gestvenv migrate-backend old --to native",
      "suggest.unused: gestvenv delete old",
      "suggest.copies: gestvenv optimize",
    ],
  );
  const human = await ctx.run(["doctor", "--suggest", "--cache"]);
  await assertSnapshot(
    t,
    filterText(human.stdout, [[ctx.home, "[HOME]"]])
      .replace(/\d+\.\d (MiB|GiB)/g, "[SIZE]")
      .replace(/^\d+ checks: .*$/m, "[SUMMARY]")
      .replace(/ {2,}/g, "  "),
  );
});

Deno.test("doctor --export FILE writes one JSON (version, system, redacted config, checks, last operations) with no credential in it", async () => {
  await using ctx = await createTestContext();
  const secretIndex = ctx.index.url.replace("http://", "http://ada:s3cret@");
  assertOk(await ctx.run(["create", "web", "--packages", "other-pkg", "--index-url", secretIndex]));
  await Deno.writeTextFile(
    join(ctx.home, "config.toml"),
    `index_url = "${secretIndex}"\nextra_index_urls = ["https://bob:t0ken@127.0.0.1:1/simple"]\n` +
      'publish_password = "hunter3"\n[publish]\ntoken = "tok-xyz"\n',
  );
  const out = join(ctx.work, "diagnostic.json");
  const result = await ctx.run(["doctor", "--export", out], {
    env: { PIP_INDEX_URL: secretIndex },
  });
  assertStringIncludes(result.stderr, `Wrote the diagnosis to ${out}`);
  const text = await Deno.readTextFile(out);
  for (const secret of ["s3cret", "t0ken", "ada:", "bob:", "hunter3", "tok-xyz"]) {
    assert(!text.includes(secret), `${secret} must not appear`);
  }
  const doc = JSON.parse(text);
  assertEquals(typeof doc.gestvenv.version, "string");
  assertEquals(doc.system.paths.home, ctx.home);
  assertEquals(doc.config.values.index_url, ctx.index.url);
  assertEquals(doc.config.values.publish_password, "<not exported>", "unknown keys: name only");
  assertEquals(doc.config.values["publish.token"], "<not exported>");
  assert(doc.checks.some((c: Finding) => c.id === "config.credentials"));
  assertEquals(doc.operations.at(-1).command, "create");
  assertEquals(doc.operations.length, 1);
  // A dry run writes nothing.
  const dry = join(ctx.work, "dry.json");
  await ctx.run(["doctor", "--export", dry, "--dry-run"]);
  assert(!(await Deno.stat(dry).then(() => true, () => false)));
});

Deno.test({
  name: "repair --interactive on a terminal applies the fixes answered yes, not the others",
  ignore: !hasScript,
  fn: async () => {
    await using ctx = await createTestContext();
    assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
    const script = join(ctx.envPath("web"), "bin", "demo-cli");
    const original = await Deno.readTextFile(script);
    await Deno.writeTextFile(script, original.replace(/^#!.*/, "#!/usr/bin/python3"));
    await Deno.chmod(script, 0o644);
    const { code, screen } = await inTerminal(
      ctx.env,
      ctx.work,
      ["repair", "web", "--interactive"],
      [
        ["fix env.shebangs?", "y"],
        ["fix env.permissions?", "n"],
      ],
    );
    assertEquals(code, 0, screen);
    assertStringIncludes(screen, "Fixed env.shebangs");
    assertEquals(await Deno.readTextFile(script), original);
    assertEquals((await Deno.stat(script)).mode! & 0o777, 0o644, "answered no");
  },
});

Deno.test("env.duplicate_files: a file two RECORDs claim with the same sha256 and size (a shared namespace __init__.py) is only info, and doctor exits 0; different hashes stay an error", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "ns", "--packages", "demo-pkg other-pkg"]));
  const site = await sitePackages(ctx, "ns");
  const demoRecord = await Deno.readTextFile(join(site, "demo_pkg-1.1.0.dist-info", "RECORD"));
  const line = demoRecord.split("\n").find((l) => l.startsWith("demo_pkg/__init__.py,"))!;
  assert(/,sha256=/.test(line), line);
  const record = join(site, "other_pkg-2.0.0.dist-info", "RECORD");
  const before = await Deno.readTextFile(record);
  await Deno.writeTextFile(record, `${before}${line}\n`);
  const shared = await doctor(ctx, ["ns"]);
  assertEquals(shared.code, 0);
  assertEquals(errors(shared.checks), []);
  const dup = shared.checks.find((c) => c.id === "env.duplicate_files")!;
  assertEquals(dup.severity, "info");
  assertStringIncludes(dup.message, "demo_pkg/__init__.py (demo-pkg 1.1.0 and other-pkg 2.0.0)");
  assertStringIncludes(dup.message, "Harmless");

  const other = line.replace(/sha256=[^,]+/, "sha256=" + "A".repeat(43));
  await Deno.writeTextFile(record, `${before}${other}\n`);
  const differs = await doctor(ctx, ["ns"]);
  assertEquals(differs.code, 1);
  assertEquals(errors(differs.checks), ["env.duplicate_files"]);
});

Deno.test("repair --auto goes on after an environment it cannot repair: the next ones are repaired, the failure is named, exit 1", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "aaa", "--packages", "other-pkg"]));
  assertOk(await ctx.run(["create", "zzz", "--packages", "demo-pkg"]));
  await Deno.remove(join(await sitePackages(ctx, "aaa"), "other_pkg", "__init__.py"));
  const script = join(ctx.envPath("zzz"), "bin", "demo-cli");
  const original = await Deno.readTextFile(script);
  await Deno.writeTextFile(script, original.replace(/^#!.*/, "#!/usr/bin/python3"));
  assertOk(await ctx.run(["cache", "clean", "--all", "--yes"]));
  await ctx.index.close();
  const result = await ctx.run(["repair", "--auto", "--format", "json"]);
  assertEquals(result.code, 1, result.stderr);
  assertStringIncludes(result.stderr, "Could not repair aaa");
  assertEquals(await Deno.readTextFile(script), original, "zzz was repaired after aaa failed");
  const data = JSON.parse(result.stdout).data;
  assertEquals(data.failed, ["aaa"]);
  assertEquals(data.healthy, false);
  assertEquals(
    (data.fixes as Array<{ environment: string; id: string }>).map((f) =>
      `${f.environment} ${f.id}`
    ),
    ["zzz env.shebangs"],
  );
  const log = (await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"))).trim()
    .split("\n").map((l) => JSON.parse(l));
  assertEquals(log.findLast((e) => e.command === "repair").environments, ["aaa", "zzz"]);
});

Deno.test("env.permissions never follows a symlink: a RECORD-listed bin/ entry linking outside the environment is neither reported nor chmodded", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-pkg"]));
  const outside = join(ctx.work, "outside.txt");
  await Deno.writeTextFile(outside, "not gestvenv's");
  await Deno.chmod(outside, 0o644);
  await Deno.symlink(outside, join(ctx.envPath("web"), "bin", "tool"));
  const record = join(await sitePackages(ctx, "web"), "demo_pkg-1.1.0.dist-info", "RECORD");
  await Deno.writeTextFile(record, "../../../bin/tool,,\n", { append: true });
  const found = await doctor(ctx, ["web"]);
  assertEquals(found.checks.find((c) => c.id === "env.permissions")?.severity, "ok");
  const fixed = await ctx.run(["repair", "web", "--fix", "env.permissions"]);
  assertOk(fixed);
  assertEquals((await Deno.stat(outside)).mode! & 0o777, 0o644, "the link's target is untouched");
});
