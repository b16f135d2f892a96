/**
 * `--dry-run` changes nothing, for every command that accepts it: the home (registry,
 * environments, journal, configuration) and the test's files are byte-identical afterwards.
 * Commands that run a program the user names refuse it.
 */
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { writeLocalProject } from "../helpers/local_project.ts";
import { buildZip } from "../helpers/hostile_wheel.ts";

/**
 * Every entry under `root` (lock files excepted) with its type and content hash; in the package
 * cache, each file with its size (the cache's sqlite index excepted: reading it may rewrite its
 * pages with the same contents).
 */
async function fingerprint(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      const rel = path.slice(root.length + 1);
      if (rel === "home/locks") continue;
      const inCache = rel.startsWith("home/cache/");
      if (inCache && /^home\/cache\/(index-v1\.sqlite|\.lock)/.test(rel)) continue;
      if (entry.isSymlink) out.set(rel, `link ${await Deno.readLink(path)}`);
      else if (entry.isDirectory) {
        out.set(rel, "dir");
        await walk(path);
      } else if (inCache) {
        out.set(rel, `file ${(await Deno.lstat(path)).size} bytes`);
      } else {
        const bytes = await Deno.readFile(path);
        out.set(rel, `file ${createHash("sha256").update(bytes).digest("hex")}`);
      }
    }
  };
  await walk(root);
  return out;
}

/**
 * What differs between two fingerprints. In the package cache only what was there before counts:
 * a dry run may fill it (index pages and metadata a resolution read), never remove or change it.
 */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) =>
    before.get(k) !== after.get(k) && !(k.startsWith("home/cache/") && !before.has(k))
  );
}

Deno.test("--dry-run leaves the home and the user's files byte-identical, for every command", async (t) => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a", "--packages", "demo-pkg==1.0.0"]));
  assertOk(await ctx.run(["create", "u"]));
  // Something for the destructive rows to skip: a copied distribution (optimize relinks it),
  // unused cache entries and an expired rotated log (cleanup --all removes them).
  assertOk(await ctx.run(["create", "cp", "--packages", "other-pkg", "--link-mode", "copy"]));
  assertOk(await ctx.run(["create", "gone", "--packages", "third_pkg"]));
  assertOk(await ctx.run(["delete", "gone", "--force"]));
  const expired = join(ctx.home, "logs", "operations.1.jsonl");
  await Deno.writeTextFile(expired, "{}\n");
  const old = new Date(Date.now() - 200 * 86_400_000);
  await Deno.utime(expired, old, old);
  const registry = await ctx.registry();
  delete (registry.environments as Record<string, unknown>)["u"];
  await Deno.writeTextFile(join(ctx.home, "environments.json"), JSON.stringify(registry));
  assertOk(await ctx.run(["export", "a", join(ctx.work, "a.json")]));
  assertOk(await ctx.run(["cache", "export", join(ctx.work, "cache.tar")]));
  assertOk(await ctx.run(["cache", "export", "--format", "json", join(ctx.work, "manifest.json")]));
  assertOk(await ctx.run(["export", "a", join(ctx.work, "a.tar.gz"), "--bundle"]));
  // issue 12 §5: a backup to restore (made before the change below) and a profile to create.
  assertOk(await ctx.run(["config", "backup", join(ctx.work, "config-backup.json")]));
  await Deno.writeTextFile(join(ctx.work, "team.toml"), "[settings]\nauto_sync = true\n");
  assertOk(await ctx.run(["config", "set", "backend", "pip"]));
  await Deno.writeTextFile(join(ctx.work, "requirements.txt"), "demo-pkg\nother-pkg\n");
  await Deno.writeTextFile(
    join(ctx.work, "pyproject.toml"),
    '[project]\nname = "p"  # mine\nversion = "1"\ndependencies = ["demo-pkg==1.0.0"]\n',
  );
  assertOk(await ctx.run(["template", "create", "mine", "--base", "basic"]));
  // An offline vulnerability database (OSV's export format) whose only record demo-pkg 1.1.0
  // fixes: `audit --fix` has something to plan.
  const osvRecord = {
    id: "PYSEC-0000-1",
    affected: [{
      package: { ecosystem: "PyPI", name: "demo-pkg" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.1.0" }] }],
    }],
  };
  await Deno.writeFile(
    join(ctx.work, "osv.zip"),
    buildZip([{ name: "PYSEC-0000-1.json", data: JSON.stringify(osvRecord) }]),
  );
  assertOk(await ctx.run(["audit", "db", "update", "--from", join(ctx.work, "osv.zip")]));
  assertOk(await ctx.run(["create", "vuln", "--packages", "demo-pkg<1.1"]));
  assertOk(await ctx.run(["install", "demo-pkg", "--env", "vuln"]));
  await Deno.writeTextFile(
    join(ctx.work, "team-policy.toml"),
    'version = 1\n[packages]\nblocked = ["six"]\n',
  );
  // Hooks to remove and a project's hooks to trust (issue 12 §4).
  assertOk(await ctx.run(["hook", "add", "post-install", "true", "--name", "dry"]));
  await Deno.writeTextFile(join(ctx.work, ".gestvenv.toml"), '[hooks]\npost_create = "true"\n');
  // Monitoring (issue 13): the scheduler named (this machine has neither a user systemd nor
  // cron; nothing is run in a dry run), a channel to remove, an smtp.json to add.
  ctx.env.GESTVENV_SCHEDULER = "cron";
  assertOk(await ctx.run(["monitor", "alert", "webhook", "--url", "https://example.com/dry"]));
  const dryChannel = JSON.parse((await ctx.run(["monitor", "alert", "list", "--json"])).stdout)
    .data.channels[0].id;
  await Deno.writeTextFile(
    join(ctx.work, "dry-smtp.json"),
    JSON.stringify({ host: "smtp.example.com", from: "a@example.com", to: "b@example.com" }),
  );
  const root = join(ctx.home, "..");
  const before = await fingerprint(root);
  const commands: string[][] = [
    ["create", "x", "--packages", "demo-pkg"],
    ["create", "y", "--path", join(ctx.work, "y")],
    ["clone", "a", "b"],
    ["rename", "a", "z"],
    ["delete", "a"],
    ["install", "other-pkg", "--env", "a"],
    ["uninstall", "demo-pkg", "--env", "a"],
    ["update", "--all", "--env", "a", "--force-unpin"],
    ["sync", "a", "--locked"],
    ["import", join(ctx.work, "a.json"), "imported"],
    ["export", "a", join(ctx.work, "out.json")],
    ["sbom", "a", "-o", join(ctx.work, "bom.json")],
    ["export", "a", join(ctx.work, "prod.txt"), "--production-ready", "--include-metadata"],
    ["clone", "a", "c", "--packages-only"],
    ["import", join(ctx.work, "a.json"), "a", "--merge"],
    ["import", join(ctx.work, "a.json"), "a", "--merge", "--resolve-conflicts"],
    ["cleanup", "--orphaned", "--remove-unregistered"],
    ["cleanup", "--orphaned"],
    ["cleanup", "--all"],
    ["doctor", "--export", join(ctx.work, "diagnostic.json"), "--fix"],
    ["repair", "--auto"],
    ["optimize", "--auto"],
    ["optimize", "cache", "--target-size", "1KB"],
    ["cleanup", "--restore-registry"],
    ["doctor", "--fix", "--full"],
    ["repair", "a"],
    ["migrate", "--adopt", join(ctx.home, "environments", "u"), "--name", "m", "--move"],
    ["migrate", "--adopt", join(ctx.home, "environments", "u"), "--name", "m", "--in-place"],
    ["config", "set", "backend", "uv"],
    ["config", "unset", "backend"],
    ["config", "init", "--force"],
    ["config", "backup"],
    ["config", "backup", join(ctx.work, "config-backup-2.json")],
    ["config", "restore", join(ctx.work, "config-backup.json"), "--yes"],
    ["config", "reset", "--confirm"],
    ["profile", "activate", "dev"],
    ["profile", "create", "team", "--from-config", join(ctx.work, "team.toml")],
    ["profile", "apply", "fast", "--to-env", "a"],
    ["profile", "export", "dev", join(ctx.work, "dev.toml")],
    ["lock", "a"],
    ["lock", "demo-pkg", "-o", join(ctx.work, "pylock.toml")],
    ["cache", "clean", "--all"],
    ["cache", "clean", "--older-than", "1", "--unpacked"],
    ["cache", "remove", "demo-pkg"],
    ["cache", "verify", "--fix"],
    ["cache", "add", "demo-pkg", "--platforms", "win_amd64", "--python-version", "3.12"],
    ["cache", "serve", "--port", "0"],
    ["cache", "sync", "--from", ctx.index.url, "other-pkg"],
    ["cache", "publish", "--to", "http://127.0.0.1:9/"],
    ["cache", "export", join(ctx.work, "cache2.tar.zst")],
    ["cache", "export", "--format", "json", join(ctx.work, "manifest2.json")],
    ["cache", "import", join(ctx.work, "cache.tar")],
    ["cache", "import", join(ctx.work, "manifest.json"), "--download-missing"],
    ["export", "a", join(ctx.work, "b.tar.gz"), "--bundle"],
    ["import", join(ctx.work, "a.tar.gz"), "from-bundle"],
    ["convert", join(ctx.work, "requirements.txt"), "--to", join(ctx.work, "pyproject.toml")],
    ["convert", join(ctx.work, "requirements.txt"), "--force"],
    ["generate", join(ctx.work, "new", "pyproject.toml"), "--from", "requirements.txt"],
    ["generate", join(ctx.work, "pyproject.toml"), "--force"],
    ["update", join(ctx.work, "pyproject.toml"), "--add-missing", "--env", "a"],
    ["create-from-requirements", join(ctx.work, "requirements.txt"), "fr", "--write-pyproject"],
    ["create-from-template", "basic", "proj", "--output", join(ctx.work, "proj")],
    ["template", "create", "other", "--base", "mine"],
    ["template", "remove", "mine"],
    ["hook", "add", "post-create", "true"],
    ["hook", "add", "pre-install", "true", "--env", "a", "--timeout", "5"],
    ["hook", "add", "post-sync", "true", "--project"],
    ["hook", "remove", "dry"],
    ["hook", "trust"],
    ["hook", "trust", "--revoke"],
    ["logs", "export", join(ctx.work, "ops.json")],
    ["migrate-backend", "a", "--to", "pip", "--validate"],
    ["migrate-backend", "--all", "--to", "pip"],
    ["benchmark", "install", "--packages", "demo-pkg", "--export", join(ctx.work, "b.json")],
    ["compare", "backends", "native", "pip", "--packages", "demo-pkg"],
    ["compare", "cache-vs-nocache", "--packages", "demo-pkg"],
    ["audit", "db", "update", "--from", join(ctx.work, "osv.zip")],
    ["audit", "a", "--fix", "--source", "db", "--ignore", "PYSEC-0000-1"],
    [
      "security",
      "update",
      "--env",
      "a",
      "--auto-fix",
      "--source",
      "db",
      "--ignore",
      "PYSEC-0000-1",
    ],
    ["policy", "apply", join(ctx.work, "team-policy.toml"), "--global"],
    ["policy", "apply", join(ctx.work, "team-policy.toml"), "--to-env", "a"],
    ["monitor", "start", "--interval", "1h"],
    ["monitor", "stop"],
    ["health-check", "--schedule", "daily"],
    ["monitor", "alert", "slack", "--webhook-url", "https://hooks.slack.com/services/T/B/X"],
    ["monitor", "alert", "webhook", "--url", "https://example.com/other"],
    ["monitor", "alert", "email", "--smtp-config", join(ctx.work, "dry-smtp.json")],
    ["monitor", "alert", "remove", dryChannel],
    ["ide", "vscode", "a", "--project", ctx.work],
    ["ide", "pycharm", "a", "--project", ctx.work],
  ];
  for (const args of commands) {
    await t.step(
      args.slice(0, ["cache", "template", "hook", "monitor"].includes(args[0]!) ? 3 : 2).join(" "),
      async () => {
        const result = await ctx.run([...args, "--dry-run"]);
        assertOk(result, `gestvenv ${args.join(" ")} --dry-run`);
        const after = await fingerprint(root);
        const changed = changes(before, after);
        assertEquals(changed, [], `gestvenv ${args.join(" ")} --dry-run changed files`);
      },
    );
  }
  await t.step("the destructive rows had something to skip", async () => {
    const optimize = JSON.parse(
      (await ctx.run(["optimize", "--auto", "--dry-run", "--format", "json"])).stdout,
    ).data;
    assertEquals(
      optimize.steps.map((s: { kind: string; environment?: string }) =>
        `${s.kind} ${s.environment}`
      ),
      ["relink cp"],
    );
    const cleanup = JSON.parse(
      (await ctx.run(["cleanup", "--all", "--dry-run", "--format", "json"])).stdout,
    ).data;
    const kinds = new Set(cleanup.summary.map((r: { kind: string }) => r.kind));
    assertEquals([kinds.has("cache"), kinds.has("logs")], [true, true]);
    assertEquals(await Deno.lstat(expired).then(() => true, () => false), true);
  });
  await t.step("audit --fix --dry-run plans the upgrade and changes nothing", async () => {
    const fix = await ctx.run(["audit", "vuln", "--fix", "--source", "db", "--dry-run", "--json"]);
    assertEquals(fix.code, 1, fix.stderr);
    const planned = JSON.parse(fix.stdout).data.fixes[0];
    assertEquals([planned.applied, planned.plan[0]?.to], [false, "1.1.0"]);
    assertEquals(changes(before, await fingerprint(root)), []);
  });
  await t.step("run refuses --dry-run", async () => {
    const run = await ctx.run(["run", "--dry-run", "a", "python", "-c", "open('x', 'w')"]);
    assertEquals(run.code, 2, run.stderr);
    assertEquals(await Deno.lstat(join(ctx.work, "x")).then(() => true, () => false), false);
  });
});

/** A venv made by Python at `path`, with `packages` installed by pip from the local index. */
async function pipVenv(ctx: TestContext, path: string, packages: string[]): Promise<void> {
  assertOk(await ctx.exec("python3", ["-m", "venv", "--without-pip", path]));
  assertOk(
    await ctx.exec("python3", [
      "-m",
      "pip",
      "--python",
      join(path, "bin", "python"),
      "install",
      "--no-compile",
      "--index-url",
      ctx.index.url,
      ...packages,
    ]),
  );
}

Deno.test("migrate --dry-run: adoptions that lock real distributions, every source, a Python gestvenv 2.x home", async (t) => {
  await using ctx = await createTestContext();
  // Other tools' environments under a temp HOME, with distributions installed by pip.
  const user = join(ctx.work, "user");
  const wrapped = join(user, ".virtualenvs", "wrapped");
  await Deno.mkdir(join(user, ".virtualenvs"), { recursive: true });
  await pipVenv(ctx, wrapped, ["demo-pkg==1.0.0"]);
  // One distribution no index has (a local build): the dry run of a copy names it.
  const local = buildWheel({ name: "local-only", version: "0.1.0" });
  const localWheel = join(ctx.work, local.filename);
  await Deno.writeFile(localWheel, local.bytes);
  const withLocal = join(user, ".virtualenvs", "withlocal");
  await pipVenv(ctx, withLocal, ["other-pkg==2.0.0", localWheel]);
  // Python gestvenv 2.x: its home (config.json, no environments.json) as GESTVENV_HOME too.
  const old = join(user, ".gestvenv");
  await pipVenv(ctx, join(old, "environments", "g2"), ["demo-dep==1.0.0"]);
  await Deno.writeTextFile(
    join(old, "environments", "g2", ".gestvenv-metadata.json"),
    JSON.stringify({ name: "g2", backend_type: "pip" }),
  );
  await Deno.writeTextFile(
    join(old, "config.json"),
    JSON.stringify({ preferred_backend: "pip", default_python_version: "3.11" }),
  );
  const env = {
    HOME: user,
    WORKON_HOME: "",
    PYENV_ROOT: join(user, ".pyenv"),
    POETRY_VIRTUALENVS_PATH: "",
    XDG_CACHE_HOME: join(user, ".cache"),
    XDG_CONFIG_HOME: join(user, ".config"),
  };
  // The interpreter cache (not compared) and Deno's own cache (it follows HOME) may be made.
  await Deno.mkdir(join(ctx.home, "cache"), { recursive: true });
  await Deno.mkdir(join(user, ".cache"), { recursive: true });
  const root = join(ctx.home, "..");
  const before = await fingerprint(root);
  const unchanged = async (what: string) => {
    const after = await fingerprint(root);
    // As above, the package cache may gain files (pages, the interpreter probe), never lose or
    // change one; Deno's own cache and the 2.x home's page/interpreter cache are not compared.
    const changed = changes(before, after).filter((k) =>
      !k.startsWith("work/user/.cache/deno") && !k.startsWith("work/user/.gestvenv/cache")
    );
    assertEquals(changed, [], `${what} changed files`);
  };

  for (const mode of ["copy", "--move", "--in-place"]) {
    await t.step(`--adopt ${mode}: the plan is locked against the index`, async () => {
      const requests = ctx.index.requests.length;
      const args = ["migrate", "--adopt", wrapped, "--name", "m", "--dry-run", "--json"];
      const result = await ctx.run(mode === "copy" ? args : [...args, mode], { env });
      assertOk(result);
      const adopted = JSON.parse(result.stdout).data.adopted[0];
      assertEquals(adopted.packages, ["demo-dep==2.0.0", "demo-pkg==1.0.0"]);
      assertEquals(adopted.unlocked, []);
      // A copy or move locks what is installed (the index is read); in place reads no index.
      if (mode === "--in-place") assertEquals(ctx.index.requests.length, requests);
      else assert(ctx.index.requests.length > requests, "the index was read to lock");
      await unchanged(`migrate --adopt ${mode} --dry-run`);
    });
  }

  await t.step("--adopt of an environment with a distribution no index has", async () => {
    const result = await ctx.run(["migrate", "--adopt", withLocal, "--dry-run"], { env });
    assertOk(result);
    assertStringIncludes(result.stderr, "local-only 0.1.0 cannot be copied");
    await unchanged("migrate --adopt (unlocked) --dry-run");
  });

  await t.step("every source, and one source, with their settings", async () => {
    const all = await ctx.run(["migrate", "--dry-run", "--json"], { env });
    assertOk(all);
    const data = JSON.parse(all.stdout).data;
    const planned = data.plan.map((s: { name: string; action: string }) => `${s.name} ${s.action}`)
      .sort();
    assertEquals(planned, ["g2 adopt", "withlocal adopt", "wrapped adopt"]);
    assertEquals(data.dry_run, true);
    const carried = data.config.find((c: { file: string }) => c.file === join(old, "config.json"));
    assertEquals(carried.written, []);
    assertEquals(carried.values.backend, "pip");
    const one = await ctx.run(["migrate", "--from", "virtualenvwrapper", "--dry-run"], { env });
    assertOk(one);
    assertStringIncludes(one.stdout + one.stderr, "wrapped");
    await unchanged("migrate --dry-run");
  });

  await t.step("in a Python gestvenv 2.x home: said, not done", async () => {
    for (
      const args of [
        ["create", "x"],
        ["migrate", "--from", "virtualenvwrapper"],
        ["migrate", "--adopt", wrapped, "--name", "m"],
      ]
    ) {
      const result = await ctx.run([...args, "--dry-run"], { env: { ...env, GESTVENV_HOME: old } });
      assertOk(result, args.join(" "));
      assertStringIncludes(result.stderr, "will be migrated by the next command");
      await unchanged(`${args.join(" ")} --dry-run in a 2.x home`);
    }
  });
});

Deno.test("sync --locked --dry-run to a lock that drops and changes packages lists the plan and changes nothing", async () => {
  await using ctx = await createTestContext();
  assertOk(await ctx.run(["create", "a", "--packages", "demo-pkg other-pkg"]));
  assertOk(
    await ctx.run([
      "lock",
      "demo-pkg==1.0.0",
      "demo-dep==1.0.0",
      "-o",
      join(ctx.work, "older.toml"),
    ]),
  );
  const root = join(ctx.home, "..");
  const before = await fingerprint(root);
  const planned = await ctx.run([
    "sync",
    "a",
    "--locked",
    "--lock-file",
    join(ctx.work, "older.toml"),
    "--dry-run",
    "--json",
  ]);
  assertOk(planned);
  const plan = JSON.parse(planned.stdout).data;
  assertEquals(plan.remove.map((r: { name: string }) => r.name), ["other-pkg"]);
  assertEquals(
    plan.install.map((p: { name: string; version: string }) => `${p.name}==${p.version}`).sort(),
    ["demo-dep==1.0.0", "demo-pkg==1.0.0"],
  );
  assertEquals(changes(before, await fingerprint(root)), [], "nothing changed");
  const kept = await ctx.exec(join(ctx.envPath("a"), "bin", "python"), ["-c", "import other_pkg"]);
  assertEquals(kept.code, 0, kept.stderr);
});

Deno.test("--dry-run of the project commands leaves the home and the project byte-identical", async (t) => {
  await using ctx = await createTestContext();
  await writeLocalProject(ctx.work, {
    name: "webapp",
    metadata: "Requires-Dist: demo-pkg>=1\n",
    pyproject:
      '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n' +
      '[project]\nname = "webapp"\nversion = "0.1.0"\ndependencies = ["demo-pkg>=1"]  # core\n\n' +
      '[dependency-groups]\ndev = ["other-pkg"]\n',
  });
  assertOk(await ctx.run(["create-from-pyproject", "app"]));
  assertOk(await ctx.run(["install", "third_pkg", "--env", "app"]));
  const root = join(ctx.home, "..");
  const before = await fingerprint(root);
  const commands: string[][] = [
    ["sync"],
    ["sync", "app", "--groups", "dev", "--clean"],
    ["sync", "--lock"],
    ["install", "--group", "dev"],
    ["create-from-pyproject", "app2", "--lock"],
    ["add", "third_pkg"],
    ["add", "third_pkg", "--group", "dev", "--no-sync"],
    ["remove-dependency", "demo-pkg"],
    ["remove", "other-pkg", "--group", "dev"],
  ];
  for (const args of commands) {
    await t.step(args.join(" "), async () => {
      const result = await ctx.run([...args, "--dry-run"]);
      assertOk(result, `gestvenv ${args.join(" ")} --dry-run`);
      const after = await fingerprint(root);
      const changed = changes(before, after);
      assertEquals(changed, [], `gestvenv ${args.join(" ")} --dry-run changed files`);
    });
  }
});

Deno.test("create --dry-run on a fresh home writes nothing there, not even the interpreter probe cache", async () => {
  await using ctx = await createTestContext([]);
  const root = join(ctx.home, "..");
  const before = await fingerprint(root);
  const result = await ctx.run(["create", "fresh", "--dry-run"]);
  assertOk(result);
  assertEquals([...(await fingerprint(root)).keys()], [...before.keys()], "not even the cache");
});
