/**
 * `config backup|restore|reset` (issue 12 §5, spec 000): what a backup holds, a restore that
 * keeps the previous files, a damaged backup that changes nothing, and a reset that removes only
 * gestvenv's configuration.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { assertOk, createTestContext } from "../helpers/test_context.ts";

/** Every file under `root` with its sha256 (logs and lock files excepted: every command logs). */
async function tree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      const rel = path.slice(root.length + 1);
      if (/(^|\/)(logs|locks)$/.test(rel) || rel.endsWith(".lock")) continue;
      if (entry.isSymlink) out.set(rel, `link ${await Deno.readLink(path)}`);
      else if (entry.isDirectory) {
        out.set(rel, "dir");
        await walk(path);
      } else {
        out.set(rel, createHash("sha256").update(await Deno.readFile(path)).digest("hex"));
      }
    }
  };
  await walk(root);
  return out;
}

Deno.test("config backup, then restore: the backup's files come back, the replaced ones are kept", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["config", "set", "backend", "pip"]));
  await Deno.writeTextFile(join(ctx.work, "team.toml"), "[settings]\nauto_sync = true\n");
  assertOk(
    await ctx.run(["profile", "create", "team", "--from-config", join(ctx.work, "team.toml")]),
  );
  assertOk(await ctx.run(["profile", "activate", "team"]));
  await Deno.mkdir(join(ctx.home, "policies"));
  await Deno.writeTextFile(join(ctx.home, "policies", "base.toml"), "version = 1\n");

  // The default file: <home>/backups/config-<time>.json, its path on stdout.
  const made = await ctx.run(["config", "backup"]);
  assertOk(made);
  const file = made.stdout.trim();
  assert(/\/backups\/config-\d{8}T\d{6}Z\.json$/.test(file), file);
  assertStringIncludes(made.stderr, "config.toml, profiles/team.toml, policies/base.toml");
  const doc = JSON.parse(await Deno.readTextFile(file));
  assertEquals(Object.keys(doc.files), ["config.toml", "profiles/team.toml", "policies/base.toml"]);
  assertEquals((await Deno.stat(file)).mode! & 0o777, 0o600);
  assertEquals((await ctx.run(["config", "backup", file])).code, 2, "no overwrite without --force");

  const before = await tree(ctx.home);
  assertOk(await ctx.run(["config", "set", "backend", "uv"]));
  assertOk(await ctx.run(["profile", "activate", "none"]));
  const changed = await Deno.readTextFile(join(ctx.home, "config.toml"));
  // Without a terminal and without --yes: refused, nothing changed.
  const asked = await ctx.run(["config", "restore", file]);
  assertEquals(asked.code, 2);
  assertStringIncludes(asked.stderr, "--yes");
  assertEquals(await Deno.readTextFile(join(ctx.home, "config.toml")), changed);

  const restored = await ctx.run(["config", "restore", file, "--yes"]);
  assertOk(restored);
  assertStringIncludes(restored.stderr, "replaced config.toml (previous kept as ");
  assertStringIncludes(restored.stderr, "unchanged profiles/team.toml");
  const after = await tree(ctx.home);
  assertEquals(after.get("config.toml"), before.get("config.toml"));
  const kept = [...after.keys()].filter((k) => k.startsWith("config.toml.bak-"));
  assertEquals(kept.length, 1);
  assertEquals(await Deno.readTextFile(join(ctx.home, kept[0]!)), changed);
  const show = JSON.parse((await ctx.run(["config", "show", "--json"])).stdout).data.settings;
  assertEquals([show.backend.value, show.auto_sync.source], ["pip", "profile"]);
  // Recorded in the operation log.
  const log = JSON.parse((await ctx.run(["logs", "--format", "json"])).stdout).data.operations;
  assert(log.some((o: { command: string }) => o.command === "config restore"), "logged");
});

Deno.test("restoring a damaged or hostile backup changes nothing, byte for byte", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["config", "set", "backend", "pip"]));
  const file = join(ctx.work, "b.json");
  assertOk(await ctx.run(["config", "backup", file]));
  assertOk(await ctx.run(["config", "set", "backend", "uv"]));
  const good = JSON.parse(await Deno.readTextFile(file));
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const bad: Array<[string, unknown]> = [
    ["truncated", JSON.stringify(good).slice(0, 40)],
    ["edited without its hash", {
      ...good,
      files: { "config.toml": { ...good.files["config.toml"], text: 'backend = "native"\n' } },
    }],
    ["a bad value", {
      ...good,
      files: { "config.toml": { text: 'backend = "conda"\n', sha256: sha('backend = "conda"\n') } },
    }],
    ["an unknown key", {
      ...good,
      files: { "config.toml": { text: "backnd = 1\n", sha256: sha("backnd = 1\n") } },
    }],
    ["a path outside the configuration", {
      ...good,
      files: {
        ...good.files,
        "../../evil.toml": { text: "x = 1\n", sha256: sha("x = 1\n") },
      },
    }],
    ["a broken profile after a good config", {
      ...good,
      files: {
        ...good.files,
        "profiles/p.toml": { text: "[settings]\nzzz = 1\n", sha256: sha("[settings]\nzzz = 1\n") },
      },
    }],
    // TOML, but not a policy: checked as `policy apply` checks one, before anything is written.
    ["a policy of another format version", {
      ...good,
      files: {
        ...good.files,
        "policies/bad.toml": {
          text: "version = 7\n[packages]\nblocked = [1]\n",
          sha256: sha("version = 7\n[packages]\nblocked = [1]\n"),
        },
      },
    }],
    ["a policy with a bad value", {
      ...good,
      files: {
        ...good.files,
        "policies/bad.toml": {
          text: "version = 1\n[packages]\nblocked = [1]\n",
          sha256: sha("version = 1\n[packages]\nblocked = [1]\n"),
        },
      },
    }],
  ];
  const before = await tree(join(ctx.home, ".."));
  for (const [what, doc] of bad) {
    await Deno.writeTextFile(file, typeof doc === "string" ? doc : JSON.stringify(doc));
    const r = await ctx.run(["config", "restore", file, "--yes"]);
    assertEquals(r.code, 10, `${what}: ${r.stderr}`);
    assertStringIncludes(r.stderr, "error:", what);
    const after = await tree(join(ctx.home, ".."));
    after.delete("work/b.json");
    const expected = new Map(before);
    expected.delete("work/b.json");
    assertEquals(after, expected, what);
  }
  assertStringIncludes(await Deno.readTextFile(join(ctx.home, "config.toml")), 'backend = "uv"');
});

Deno.test("config reset backs up, then removes only gestvenv's configuration files", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "web", "--packages", "demo-dep"]));
  assertOk(await ctx.run(["config", "set", "backend", "pip"]));
  await Deno.writeTextFile(join(ctx.work, "team.toml"), "[settings]\nauto_sync = true\n");
  assertOk(
    await ctx.run(["profile", "create", "team", "--from-config", join(ctx.work, "team.toml")]),
  );
  await Deno.writeTextFile(join(ctx.home, "notes.txt"), "mine");
  await Deno.writeTextFile(join(ctx.home, "profiles", "README.md"), "mine too");
  const before = await tree(ctx.home);

  const refused = await ctx.run(["config", "reset"]);
  assertEquals(refused.code, 2);
  assertStringIncludes(refused.stderr, "--confirm");
  assertEquals(await tree(ctx.home), before);

  const reset = await ctx.run(["config", "reset", "--confirm"]);
  assertOk(reset);
  assertStringIncludes(reset.stderr, "removed config.toml");
  assertStringIncludes(reset.stderr, "removed profiles/team.toml");
  const after = await tree(ctx.home);
  for (const gone of ["config.toml", "profiles/team.toml"]) assert(!after.has(gone), gone);
  // Everything else is as it was: environments, registry, cache, foreign files.
  for (const [path, hash] of before) {
    if (path === "config.toml" || path === "profiles/team.toml") continue;
    assertEquals(after.get(path), hash, path);
  }
  // The backup it made undoes it.
  const backup = /Backed up to (\S+)/.exec(reset.stderr)![1]!;
  assertOk(await ctx.run(["config", "restore", backup, "--yes"]));
  const restored = await tree(ctx.home);
  assertEquals(restored.get("config.toml"), before.get("config.toml"));
  assertEquals(restored.get("profiles/team.toml"), before.get("profiles/team.toml"));
  // A second reset right away (within the same second, usually) keeps the first backup.
  const firstBackup = await Deno.readTextFile(backup);
  const again = await ctx.run(["config", "reset", "--yes"]);
  assertOk(again);
  const second = /Backed up to (\S+)/.exec(again.stderr)![1]!;
  assert(second !== backup, `a new name: ${second}`);
  assertEquals(await Deno.readTextFile(backup), firstBackup, "the first backup is intact");
  assertStringIncludes(
    (await ctx.run(["config", "reset", "--yes"])).stderr,
    "already uses its defaults",
  );
});

Deno.test("a restore killed before a write leaves every file whole; running it again finishes", async () => {
  await using ctx = await createTestContext([]);
  assertOk(await ctx.run(["config", "set", "backend", "pip"]));
  const file = join(ctx.work, "b.json");
  assertOk(await ctx.run(["config", "backup", file]));
  assertOk(await ctx.run(["config", "set", "backend", "uv"]));
  const changed = await Deno.readTextFile(join(ctx.home, "config.toml"));
  const killed = await ctx.run(["config", "restore", file, "--yes"], {
    env: { GESTVENV_FAILPOINT: "config.restore.before-write:exit" },
  });
  assert(killed.code !== 0, "killed");
  // The previous file was kept first, and config.toml is still whole (the old one).
  assertEquals(await Deno.readTextFile(join(ctx.home, "config.toml")), changed);
  const kept = (await Array.fromAsync(Deno.readDir(ctx.home))).filter((e) =>
    e.name.startsWith("config.toml.bak-")
  );
  assertEquals(kept.length, 1);
  assertEquals(await Deno.readTextFile(join(ctx.home, kept[0]!.name)), changed);
  assertOk(await ctx.run(["config", "restore", file, "--yes"]));
  assertStringIncludes(await Deno.readTextFile(join(ctx.home, "config.toml")), 'backend = "pip"');
});
