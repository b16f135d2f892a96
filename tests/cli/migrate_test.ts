/**
 * `migrate` (issue 11 §4): environments of other tools found where each tool keeps them, analyzed,
 * and adopted (copy from a lock and verify, move only after verification, in place); the
 * automatic migration of a Python gestvenv 2.x home.
 *
 * The fixtures are real venvs (`python3 -m venv --without-pip`) with tiny wheels installed by pip
 * from the local index, laid out as each tool lays them out, under a temp `HOME`.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../helpers/assert.ts";
import { assertConsistent } from "../helpers/consistency.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";

/** The real interpreter (not a pyenv shim: the tests move `PYENV_ROOT`). */
const PYTHON = Deno.realPathSync(
  new TextDecoder().decode(
    new Deno.Command("python3", {
      args: ["-c", "import sys; print(sys.executable)"],
      stdout: "piped",
    }).outputSync().stdout,
  ).trim(),
);

/** A tree's content: every entry with its type, mode and content hash (symlinks not followed). */
async function treeHash(root: string): Promise<string> {
  const lines: string[] = [];
  const walk = async (dir: string) => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => a.name < b.name ? -1 : 1);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = path.slice(root.length + 1);
      const stat = await Deno.lstat(path);
      if (entry.isSymlink) lines.push(`${rel} link ${await Deno.readLink(path)}`);
      else if (entry.isDirectory) {
        lines.push(`${rel} dir ${stat.mode}`);
        await walk(path);
      } else {
        const digest = createHash("sha256").update(await Deno.readFile(path)).digest("hex");
        lines.push(`${rel} file ${stat.mode} ${digest}`);
      }
    }
  };
  await walk(root);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

/** Makes a venv at `path` with `packages` installed by pip from the local index. */
async function makeVenv(ctx: TestContext, path: string, packages: string[]): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  assertOk(await ctx.exec(PYTHON, ["-m", "venv", "--without-pip", path]));
  if (packages.length === 0) return;
  assertOk(
    await ctx.exec(PYTHON, [
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

/** Copies a venv made by {@linkcode makeVenv} (its scripts hold no path: no console scripts). */
async function copyVenv(ctx: TestContext, from: string, to: string): Promise<void> {
  await Deno.mkdir(dirname(to), { recursive: true });
  assertOk(await ctx.exec("cp", ["-a", from, to]));
}

/** The environment variables that point every tool at the temp `HOME`. */
function toolEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PYENV_ROOT: join(home, ".pyenv"),
    WORKON_HOME: "",
    POETRY_VIRTUALENVS_PATH: "",
    POETRY_CONFIG_DIR: join(home, ".config", "pypoetry"),
    POETRY_CACHE_DIR: join(home, ".cache", "pypoetry"),
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_CONFIG_HOME: join(home, ".config"),
    PATH: `${dirname(PYTHON)}:${Deno.env.get("PATH")}`,
  };
}

/** The Python gestvenv 2.x `config.json` as its `Config.save` writes it (2.0.3). */
function gestvenv2Config(environmentsPath: string): string {
  return JSON.stringify(
    {
      version: "1.1.0",
      auto_migrate: true,
      default_python_version: "3.11",
      environments_path: environmentsPath,
      preferred_backend: "pip",
      backend_configs: {},
      cache_settings: {
        enabled: true,
        max_size_mb: 500,
        cleanup_interval_days: 30,
        compression: true,
      },
      show_migration_hints: true,
      offline_mode: false,
      template_settings: {},
    },
    null,
    2,
  );
}

/** A `.gestvenv-metadata.json` as `EnvironmentInfo.to_dict` writes it (2.0.3). */
function gestvenv2Metadata(name: string, path: string, deps: string[]): string {
  return JSON.stringify(
    {
      name,
      path,
      python_version: "3.11",
      backend_type: "pip",
      source_file_type: "requirements.txt",
      pyproject_info: { name, version: "0.1.0", dependencies: deps },
      packages: [{ name: "other-pkg", version: "2.0.0", source: "pypi" }],
      dependency_groups: {},
      lock_file_path: null,
      health: "healthy",
      is_active: false,
      created_at: "2025-03-01T10:20:30.123456",
      updated_at: "2025-03-02T10:20:30.123456",
      last_used: "2025-03-03T10:20:30.123456",
      metadata: {},
    },
    null,
    2,
  );
}

/**
 * A temp `HOME` with one environment of every source (and one whose interpreter is gone), each
 * holding other-pkg 2.0.0 and demo-dep 1.0.0 installed by pip.
 */
async function toolsHome(
  ctx: TestContext,
): Promise<{ home: string; paths: Record<string, string> }> {
  const home = join(ctx.work, "user");
  const template = join(ctx.work, "template-venv");
  await makeVenv(ctx, template, ["other-pkg==2.0.0", "demo-dep==1.0.0"]);
  const paths: Record<string, string> = {
    virtualenvwrapper: join(home, ".virtualenvs", "wrapped"),
    "pyenv-virtualenv": join(home, ".pyenv", "versions", "3.11.7", "envs", "pyenvenv"),
    pipenv: join(home, ".local", "share", "virtualenvs", "shop-AbCd1234"),
    poetry: join(home, ".cache", "pypoetry", "virtualenvs", "api-x1Y2z3-py3.11"),
    gestvenv2: join(home, ".gestvenv", "environments", "g2folder"),
    gestvenv1: join(home, "old-envs", "legacy"),
  };
  for (const path of Object.values(paths)) await copyVenv(ctx, template, path);
  // pyenv-virtualenv links versions/<name> to the envs folder: listed once.
  await Deno.symlink(paths["pyenv-virtualenv"]!, join(home, ".pyenv", "versions", "pyenvenv"));
  await Deno.writeTextFile(
    join(home, ".gestvenv", "config.json"),
    gestvenv2Config(join(home, ".gestvenv", "environments")),
  );
  await Deno.writeTextFile(
    join(paths.gestvenv2!, ".gestvenv-metadata.json"),
    gestvenv2Metadata("g2env", paths.gestvenv2!, ["other-pkg>=2"]),
  );
  // Python gestvenv 1.x: `ConfigInfo.to_dict` (1.1.1), where 2.x's migration looks for it.
  await Deno.mkdir(join(home, ".gestvenv_v1"), { recursive: true });
  await Deno.writeTextFile(
    join(home, ".gestvenv_v1", "config.json"),
    JSON.stringify({
      environments: {
        legacy: {
          name: "legacy",
          path: paths.gestvenv1,
          python_version: "3.11",
          created_at: "2024-01-01T00:00:00",
          packages: ["other-pkg==2.0.0"],
          packages_installed: [],
          health: {},
          active: false,
          metadata: {},
        },
      },
      active_env: "legacy",
      default_python: "python3",
      settings: { auto_activate: true, package_cache_enabled: true, default_export_format: "json" },
    }),
  );
  // An environment whose interpreter was removed: found, not adoptable.
  const broken = join(home, ".virtualenvs", "orphaned");
  await copyVenv(ctx, template, broken);
  await Deno.remove(join(broken, "bin", "python"));
  await Deno.symlink(join(ctx.work, "gone", "python3"), join(broken, "bin", "python"));
  return { home, paths };
}

Deno.test("migrate --analyze lists every tool's environments; migrate --yes adopts each, sources untouched", async (t) => {
  await using ctx = await createTestContext();
  const { home, paths } = await toolsHome(ctx);
  const env = toolEnv(home);
  const hashes = new Map<string, string>();
  for (const [source, path] of Object.entries(paths)) hashes.set(source, await treeHash(path));

  await t.step(
    "--analyze: source, name, python, packages, size, and what would improve",
    async () => {
      const result = await ctx.run(["migrate", "--analyze", "--detailed", "--format", "json"], {
        env,
      });
      assertOk(result);
      const data = JSON.parse(result.stdout).data;
      const found = (data.candidates as Array<Record<string, unknown>>).map((c) =>
        `${c.source} ${c.name} ${c.packages} ${c.adoptable}`
      ).sort();
      assertEquals(found, [
        "gestvenv1 legacy 2 true",
        "gestvenv2 g2env 2 true",
        "pipenv shop-AbCd1234 2 true",
        "poetry api-x1Y2z3-py3.11 2 true",
        "pyenv-virtualenv pyenvenv 2 true",
        "virtualenvwrapper orphaned 2 false",
        "virtualenvwrapper wrapped 2 true",
      ]);
      for (const c of data.candidates) {
        assert(c.size_bytes > 0, `${c.name} has a size`);
        assertMatch(String(c.python), /^3\.\d+/);
        assertEquals(c.distributions, ["demo-dep==1.0.0", "other-pkg==2.0.0"]);
      }
      assertEquals(data.adoptable, 6);
      assertEquals(data.not_adoptable.length, 1);
      assertStringIncludes(data.not_adoptable[0].reason, "interpreter is gone");
      // Every environment was installed by pip: each would share the cache.
      assertEquals(data.share_cache.length, 6);
      const shared = data.shared.find((s: { name: string }) => s.name === "other-pkg");
      assertEquals(shared.version, "2.0.0");
      // The environment that cannot be adopted (interpreter gone) holds a copy too, but it will
      // never be linked from the cache: not counted.
      assertEquals(shared.environments.length, 6);
      assertEquals(shared.environments.some((p: string) => p.endsWith("orphaned")), false);
      assertEquals(shared.saved_bytes, 5 * shared.size_bytes);
      assert(data.saved_bytes >= shared.saved_bytes);
    },
  );

  await t.step("--analyze text report and --suggest-optimizations", async () => {
    // They only read: no operation-log line, no cache clean-up, nothing written in the home.
    const homeState = async () => await exists(ctx.home) ? await treeHash(ctx.home) : "absent";
    const home0 = await homeState();
    const text = await ctx.run(["migrate", "--analyze"], { env });
    assertOk(text);
    assertStringIncludes(text.stdout, "pyenv-virtualenv");
    assertStringIncludes(text.stdout, "other-pkg==2.0.0 is installed in 6 environments");
    const suggestions = await ctx.run(["migrate", "--suggest-optimizations"], { env });
    assertOk(suggestions);
    assertEquals(await exists(join(ctx.home, "logs")), false);
    assertEquals(await homeState(), home0);
    await assertSnapshot(
      t,
      filterText(suggestions.stdout, [[home, "<HOME>"]]).replace(/\d+(\.\d+)? [KM]?i?B/g, "<SIZE>"),
    );
  });

  await t.step("without a terminal and --yes it refuses, changing nothing", async () => {
    const refused = await ctx.run(["migrate"], { env });
    assertEquals(refused.code, 2, refused.stderr);
    assertStringIncludes(refused.stderr, "--yes");
    assertEquals(await exists(join(ctx.home, "environments.json")), false);
  });

  await t.step("--yes --backup adopts every adoptable one by copy, verified", async () => {
    assertOk(await ctx.run(["config", "set", "lock_timeout", "60"]));
    const result = await ctx.run(["migrate", "--yes", "--backup", "--format", "json"], { env });
    assertOk(result);
    const data = JSON.parse(result.stdout).data;
    assertEquals(data.adopted.length, 6, result.stderr);
    assertEquals(data.failed, []);
    const skipped = data.plan.filter((s: { action: string }) => s.action === "skip");
    assertEquals(skipped.map((s: { name: string }) => s.name), ["orphaned"]);
    // --backup copied the registry-to-be and configuration first.
    const backups = (await Array.fromAsync(Deno.readDir(join(ctx.home, "backups")))).map((e) =>
      e.name
    );
    assertEquals(backups.length, 1);
    assert(await exists(join(ctx.home, "backups", backups[0]!, "config.toml")));
    const registry = await ctx.registry();
    for (
      const name of ["legacy", "g2env", "shop-AbCd1234", "api-x1Y2z3-py3.11", "pyenvenv", "wrapped"]
    ) {
      const record = registry.environments[name]!;
      assert(record !== undefined, `${name} registered`);
      assertEquals(record.path, ctx.envPath(name));
      assertEquals(record.adopted?.in_place, false);
      assertEquals(
        record.packages.map((p) => `${p.name}==${p.version}`).sort(),
        ["demo-dep==1.0.0", "other-pkg==2.0.0"],
      );
      assert(await exists(join(record.path, "pylock.toml")), `${name} has its lock`);
      const imported = await ctx.exec(join(record.path, "bin", "python"), [
        "-c",
        "import other_pkg, demo_dep; print(other_pkg.VERSION)",
      ]);
      assertOk(imported);
      assertEquals(imported.stdout.trim(), "2.0.0");
    }
    // Python gestvenv's settings with a meaning were carried, the others listed.
    const config = await Deno.readTextFile(join(ctx.home, "config.toml"));
    assertStringIncludes(config, 'default_python = "3.11"');
    assertStringIncludes(config, 'backend = "pip"');
    assertStringIncludes(config, 'max_size = "500MB"');
    assertStringIncludes(result.stderr, "not carried");
    const carried = data.config.find((c: { file: string }) =>
      c.file.endsWith(".gestvenv/config.json")
    );
    assertEquals(carried.written.sort(), [
      "backend",
      "cache.enabled",
      "cache.max_size",
      "default_python",
      "offline_mode",
    ]);
    assert(carried.not_carried.includes("cache_settings.cleanup_interval_days"));
    const v1 = data.config.find((c: { file: string }) =>
      c.file.endsWith(".gestvenv_v1/config.json")
    );
    assertEquals(v1.values, { "cache.enabled": true });
    assertEquals(v1.kept, ["cache.enabled"]);
    assertEquals(v1.not_carried, [
      "active_env",
      "settings.auto_activate",
      "settings.default_export_format",
    ]);
    // Logged: one line naming every adopted environment and what it got.
    const log = await Deno.readTextFile(join(ctx.home, "logs", "operations.jsonl"));
    const entries = log.trim().split("\n").map((l) => JSON.parse(l));
    // The refused run is logged too, with its exit code and no environment.
    const refused = entries.find((e) => e.command === "migrate" && e.exit_code === 2);
    assertEquals(refused.environments, []);
    const entry = entries.find((e) => e.command_line.includes("migrate --yes --backup"));
    assertEquals(entry.environments.length, 6, log);
    assert(entry.changes.some((c: { after: string }) => c.after === "2.0.0"));
  });

  await t.step("the sources are byte-for-byte unchanged; a second run adopts nothing", async () => {
    for (const [source, path] of Object.entries(paths)) {
      assertEquals(await treeHash(path), hashes.get(source), `${source} unchanged`);
    }
    const again = await ctx.run(["migrate", "--yes", "--format", "json"], { env });
    assertOk(again);
    const data = JSON.parse(again.stdout).data;
    assertEquals(data.adopted, []);
    assert(
      data.plan.every((s: { action: string; reason: string }) =>
        s.action === "skip" && /name .* is taken|interpreter is gone/.test(s.reason)
      ),
      again.stdout,
    );
  });
});

Deno.test("migrate --adopt PATH: copy, errors, --move only after verification, --in-place", async (t) => {
  await using ctx = await createTestContext();
  const source = join(ctx.work, "venvs", "proj");
  await makeVenv(ctx, source, ["demo-pkg==1.0.0"]);
  const before = await treeHash(source);

  await t.step("a folder that is not an environment is refused with what to do", async () => {
    await Deno.mkdir(join(ctx.work, "plain"));
    const result = await ctx.run(["migrate", "--adopt", join(ctx.work, "plain")]);
    assertEquals(result.code, 1);
    await assertSnapshot(t, filterText(result.stderr, [[ctx.work, "<WORK>"]]));
  });

  await t.step(
    "an environment that sees the system site-packages is only adopted in place",
    async () => {
      const system = join(ctx.work, "venvs", "system");
      assertOk(
        await ctx.exec(PYTHON, ["-m", "venv", "--without-pip", "--system-site-packages", system]),
      );
      const result = await ctx.run(["migrate", "--adopt", system]);
      assertEquals(result.code, 1);
      assertStringIncludes(result.stderr, "include-system-site-packages = true");
      assertStringIncludes(result.stderr, "--in-place");
      assertEquals(await exists(ctx.envPath("system")), false);
      await Deno.remove(system, { recursive: true });
    },
  );

  await t.step("--dry-run shows the plan and changes nothing", async () => {
    const result = await ctx.run(["migrate", "--adopt", source, "--name", "app", "--dry-run"]);
    assertOk(result);
    assertStringIncludes(result.stderr + result.stdout, "Would copy");
    assertEquals(await exists(ctx.envPath("app")), false);
    assertEquals(await treeHash(source), before);
  });

  await t.step(
    "a failed verification removes the copy and leaves the source (--move)",
    async () => {
      const result = await ctx.run(["migrate", "--adopt", source, "--name", "app", "--move"], {
        env: { GESTVENV_FAILPOINT: "migrate.adopt.verify:error" },
      });
      assertEquals(result.code, 1, result.stderr);
      assertEquals(await treeHash(source), before);
      assertEquals(await exists(ctx.envPath("app")), false);
      assertEquals((await ctx.registry()).environments["app"], undefined);
    },
  );

  await t.step("killed after verification, before removing: the source is whole", async () => {
    const result = await ctx.run(["migrate", "--adopt", source, "--name", "app", "--move"], {
      env: { GESTVENV_FAILPOINT: "migrate.adopt.before-remove-source:exit" },
    });
    assert(result.code !== 0, "killed");
    assertEquals(await treeHash(source), before);
    // The copy was verified and registered before the source was touched.
    assert((await ctx.registry()).environments["app"] !== undefined);
    await assertConsistent(ctx, "after a move killed before the removal");
    assertOk(await ctx.run(["delete", "app", "--force"]));
  });

  await t.step(
    "killed while the copy is made: the next adoption of the name finds it",
    async () => {
      const killed = await ctx.run(["migrate", "--adopt", source, "--name", "app"], {
        env: { GESTVENV_FAILPOINT: "create.before-register:exit" },
      });
      assert(killed.code !== 0, "killed");
      assertEquals(await treeHash(source), before);
      // The complete copy is finished by the next command on the name, which then refuses it.
      const again = await ctx.run(["migrate", "--adopt", source, "--name", "app"]);
      assertEquals(again.code, 1, again.stderr);
      assertStringIncludes(again.stderr, "already exists");
      await assertConsistent(ctx, "after an adoption killed before registering");
      assertOk(await ctx.run(["delete", "app", "--force"]));
      await assertConsistent(ctx, "after deleting it");
    },
  );

  await t.step("copy: the new environment imports the package, its script runs", async () => {
    const result = await ctx.run(["migrate", "--adopt", source, "--name", "app"]);
    assertOk(result);
    assertEquals(await treeHash(source), before);
    const run = await ctx.run(["run", "app", "demo-cli"]);
    assertOk(run);
    assertEquals(run.stdout.trim(), "demo-pkg 1.0.0");
    const record = (await ctx.registry()).environments["app"]!;
    assertEquals(record.adopted?.from, "path");
    assertEquals(record.adopted?.path, source);
    assertEquals(record.requirements, ["demo-pkg"]);
    const again = await ctx.run(["migrate", "--adopt", ctx.envPath("app"), "--name", "other"]);
    assertEquals(again.code, 1);
    assertStringIncludes(again.stderr, "already the gestvenv environment `app`");
  });

  await t.step(
    "--move: copies, verifies, removes the source's own files, keeps the user's",
    async () => {
      const moved = join(ctx.work, "venvs", "moved");
      await copyVenv(ctx, join(ctx.work, "venvs", "proj"), moved);
      // demo-cli's shebang names proj's python: the copy is not a complete environment.
      const incomplete = await ctx.run(["migrate", "--adopt", moved, "--move"]);
      assertEquals(incomplete.code, 1);
      assertStringIncludes(incomplete.stderr, "outside the environment");
      await Deno.remove(moved, { recursive: true });
      await makeVenv(ctx, moved, ["other-pkg==2.0.0"]);
      await Deno.writeTextFile(join(moved, ".project"), "/home/me/project\n");
      const result = await ctx.run(["migrate", "--adopt", moved, "--move", "--format", "json"]);
      assertOk(result);
      const data = JSON.parse(result.stdout).data.adopted[0];
      assertEquals(data.source_removed, true);
      assertEquals(data.kept_source_files, [".project"]);
      assertEquals(await exists(join(moved, "pyvenv.cfg")), false);
      assertEquals(await exists(join(moved, ".project")), true);
      const imported = await ctx.exec(join(ctx.envPath("moved"), "bin", "python"), [
        "-c",
        "import other_pkg",
      ]);
      assertOk(imported);
    },
  );

  await t.step("--in-place registers it as is; delete only unregisters it", async () => {
    const inPlace = join(ctx.work, "venvs", "kept");
    await makeVenv(ctx, inPlace, ["third_pkg==0.3.0"]);
    const hash = await treeHash(inPlace);
    assertOk(await ctx.run(["migrate", "--adopt", inPlace, "--in-place", "--name", "kept"]));
    const record = (await ctx.registry()).environments["kept"]!;
    assertEquals(record.path, inPlace);
    assertEquals(record.adopted?.in_place, true);
    assertEquals(record.packages.map((p) => p.name), ["third-pkg"]);
    assertEquals(await treeHash(inPlace), hash);
    const run = await ctx.run(["run", "kept", "python", "-c", "import third_pkg"]);
    assertOk(run);
    // Renaming it renames the entry only, and writes no marker into the folder.
    assertOk(await ctx.run(["rename", "kept", "kept2"]));
    assertEquals(await treeHash(inPlace), hash);
    await assertConsistent(ctx, "with an environment adopted in place");
    const deleted = await ctx.run(["delete", "kept2", "--force"]);
    assertOk(deleted);
    assertStringIncludes(deleted.stderr + deleted.stdout, "adopted in place) stays as it is");
    assertEquals((await ctx.registry()).environments["kept2"], undefined);
    assertEquals(await treeHash(inPlace), hash);
  });

  await t.step("--move with --in-place is a usage error", async () => {
    const result = await ctx.run(["migrate", "--adopt", source, "--move", "--in-place"]);
    assertEquals(result.code, 2);
  });
});

Deno.test("migrate --adopt --move of a venv made at a project root keeps the project's files", async () => {
  await using ctx = await createTestContext();
  const proj = join(ctx.work, "proj");
  await Deno.mkdir(join(proj, "src"), { recursive: true });
  const userFiles: Record<string, string> = {
    "pylock.toml": 'lock-version = "1.0"\ncreated-by = "someone"\n',
    ".gitignore": "__pycache__/\n*.egg-info\n",
    "src/app.py": "print('app')\n",
    "pyproject.toml": '[project]\nname = "proj"\nversion = "0"\n',
  };
  for (const [rel, text] of Object.entries(userFiles)) {
    await Deno.writeTextFile(join(proj, rel), text);
  }
  await Deno.mkdir(join(proj, "empty-dir"));
  await makeVenv(ctx, proj, ["demo-dep==1.0.0"]);
  const result = await ctx.run(["migrate", "--adopt", proj, "--name", "p", "--move", "--json"]);
  assertOk(result);
  const data = JSON.parse(result.stdout).data.adopted[0];
  assertEquals(data.source_removed, true);
  assertEquals(data.kept_source_files, [
    ".gitignore",
    "pylock.toml",
    "pyproject.toml",
    "src/app.py",
  ]);
  // The project's files are there, unchanged; the venv's layout is gone.
  for (const [rel, text] of Object.entries(userFiles)) {
    assertEquals(await Deno.readTextFile(join(proj, rel)), text, rel);
  }
  assert(await exists(join(proj, "empty-dir")), "a folder of the project stays, even empty");
  for (const gone of ["pyvenv.cfg", "bin", "lib", "include"]) {
    assertEquals(await exists(join(proj, gone)), false, `${gone} removed`);
  }
  assertOk(await ctx.exec(join(ctx.envPath("p"), "bin", "python"), ["-c", "import demo_dep"]));

  // A `.gitignore` that is only the `*` venv (>= 3.13) and uv generate is the venv's: removed,
  // and the folder with it.
  const gen = join(ctx.work, "generated");
  await makeVenv(ctx, gen, ["demo-dep==1.0.0"]);
  await Deno.writeTextFile(
    join(gen, ".gitignore"),
    "# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n",
  );
  const moved = await ctx.run(["migrate", "--adopt", gen, "--move", "--json"]);
  assertOk(moved);
  assertEquals(JSON.parse(moved.stdout).data.adopted[0].kept_source_files, []);
  assertEquals(await exists(gen), false);
  await assertConsistent(ctx, "after moving two foreign environments");
});

Deno.test("concurrent adoptions of one directory register it once", async () => {
  await using ctx = await createTestContext();
  const venv = join(ctx.work, "vv");
  await makeVenv(ctx, venv, []);
  const hash = await treeHash(venv);
  assertOk(await ctx.run(["config", "set", "lock_timeout", "60"]));
  // Every process passes the early check, then waits before writing the registry.
  const env = { GESTVENV_FAILPOINT: "migrate.adopt.before-register:sleep:1500" };
  const results = await Promise.all(
    ["a", "b", "c"].map((name) =>
      ctx.run(["migrate", "--adopt", venv, "--in-place", "--name", name], { env })
    ),
  );
  assertEquals(results.filter((r) => r.code === 0).length, 1, results.map((r) => r.stderr).join());
  for (const refused of results.filter((r) => r.code !== 0)) {
    assertEquals(refused.code, 1);
    assertStringIncludes(refused.stderr, "is already the gestvenv environment");
  }
  const registry = await ctx.registry();
  assertEquals(Object.values(registry.environments).map((r) => r.path), [venv]);
  assertEquals(await treeHash(venv), hash);

  // A copy with --move whose source was adopted in place meanwhile: the copy is removed again,
  // the source is left whole.
  const other = join(ctx.work, "ww");
  await makeVenv(ctx, other, []);
  const otherHash = await treeHash(other);
  const [moved, inPlace] = await Promise.all([
    ctx.run(["migrate", "--adopt", other, "--move", "--name", "copy"], { env }),
    ctx.run(["migrate", "--adopt", other, "--in-place", "--name", "here"], {
      env: { GESTVENV_FAILPOINT: "migrate.adopt.before-register:sleep:10" },
    }),
  ]);
  assertOk(inPlace);
  assertEquals(moved.code, 1, moved.stderr);
  assertStringIncludes(moved.stderr, "is already the gestvenv environment `here`");
  assertEquals((await ctx.registry()).environments["copy"], undefined);
  assertEquals(await exists(ctx.envPath("copy")), false);
  assertEquals(await treeHash(other), otherHash);
  await assertConsistent(ctx, "after concurrent adoptions");
});

Deno.test("a Python gestvenv 2.x home is migrated on the first command, once, backed up, old files kept", async () => {
  await using ctx = await createTestContext();
  const old = join(ctx.work, "old-home");
  const envDir = join(old, "environments");
  await makeVenv(ctx, join(envDir, "web"), ["other-pkg==2.0.0"]);
  await Deno.writeTextFile(
    join(envDir, "web", ".gestvenv-metadata.json"),
    gestvenv2Metadata("web", join(envDir, "web"), ["other-pkg>=2"]),
  );
  // One whose interpreter is gone: reported, not registered, its files kept.
  await copyVenv(ctx, join(envDir, "web"), join(envDir, "broken"));
  await Deno.remove(join(envDir, "broken", ".gestvenv-metadata.json"));
  await Deno.remove(join(envDir, "broken", "bin", "python"));
  await Deno.symlink(join(ctx.work, "gone"), join(envDir, "broken", "bin", "python"));
  await Deno.writeTextFile(join(old, "config.json"), gestvenv2Config(envDir));
  const oldTexts = async () =>
    [
      await Deno.readTextFile(join(old, "config.json")),
      await Deno.readTextFile(join(envDir, "web", ".gestvenv-metadata.json")),
    ].join("\n");
  const oldFiles = await oldTexts();
  const webTree = await treeHash(join(envDir, "web"));
  const env = { GESTVENV_HOME: old };

  // A dry run only says it would migrate.
  const dry = await ctx.run(["list", "--dry-run"], { env });
  assertOk(dry);
  assertStringIncludes(dry.stderr, "will be migrated by the next command");
  assertEquals(await exists(join(old, "environments.json")), false);
  // Killed after the backup: nothing registered, the next command migrates.
  const killed = await ctx.run(["list"], {
    env: { ...env, GESTVENV_FAILPOINT: "migrate-home.after-backup:exit" },
  });
  assert(killed.code !== 0, "killed");
  assertEquals(await exists(join(old, "environments.json")), false);
  assertEquals(await oldTexts(), oldFiles);
  // Two commands at once: one migrates under the registry lock, the other sees it done.
  const [first, other] = await Promise.all([
    ctx.run(["list", "--format", "json"], { env }),
    ctx.run(["list", "--format", "json"], { env }),
  ]);
  assertOk(first);
  assertOk(other);
  assertEquals(JSON.parse(other.stdout).data, JSON.parse(first.stdout).data);
  assertEquals(
    [first.stderr, other.stderr].filter((e) => e.includes("Migrated the Python gestvenv home"))
      .length,
    1,
  );
  const listed = JSON.parse(first.stdout).data;
  const names = (Array.isArray(listed) ? listed : listed.environments).map((e: { name: string }) =>
    e.name
  );
  assertEquals(names, ["web"]);
  const migrating = first.stderr.includes("Migrated") ? first : other;
  assertStringIncludes(migrating.stderr, "`broken`");
  const registry = JSON.parse(await Deno.readTextFile(join(old, "environments.json")));
  const web = registry.environments.web;
  assertEquals(web.path, join(envDir, "web"));
  assertEquals(web.backend, "pip");
  assertEquals(web.requirements, ["other-pkg>=2"]);
  assertEquals(web.created_at.slice(0, 10), "2025-03-01");
  // Backed up, and the old files are still there, unchanged.
  // One backup per attempt (the killed one's included), each whole.
  const backups = (await Array.fromAsync(Deno.readDir(join(old, "backups")))).map((e) => e.name)
    .sort();
  assertEquals(backups.length, 2);
  const backup = join(old, "backups", backups[1]!);
  assertEquals(
    await Deno.readTextFile(join(backup, "config.json")),
    await Deno.readTextFile(join(old, "config.json")),
  );
  assert(await exists(join(backup, "environments", "web", ".gestvenv-metadata.json")));
  const config = await Deno.readTextFile(join(old, "config.toml"));
  assertStringIncludes(config, 'backend = "pip"');
  assertStringIncludes(config, 'default_python = "3.11"');
  // Second run: a no-op (same registry bytes, no new backup, one log line).
  const registryText = await Deno.readTextFile(join(old, "environments.json"));
  const second = await ctx.run(["list"], { env });
  assertOk(second);
  assertEquals(second.stderr.includes("Migrated"), false);
  assertEquals(await Deno.readTextFile(join(old, "environments.json")), registryText);
  assertEquals((await Array.fromAsync(Deno.readDir(join(old, "backups")))).length, 2);
  const log = (await Deno.readTextFile(join(old, "logs", "operations.jsonl"))).trim().split("\n")
    .map((l) => JSON.parse(l));
  const migrations = log.filter((e) => e.command === "migrate-home");
  assertEquals(migrations.length, 1);
  assertEquals(migrations[0].environments, ["web"]);
  // Nothing of the old layout was changed: its files and the environment are as they were.
  assertEquals(await oldTexts(), oldFiles);
  assertEquals(await treeHash(join(envDir, "web")), webTree);
  // The environment works as a gestvenv environment.
  assertOk(await ctx.run(["run", "web", "python", "-c", "import other_pkg"], { env }));
});

Deno.test("home migration: the first command runs with the carried settings", async () => {
  await using ctx = await createTestContext();
  const old = join(ctx.work, "old-home");
  const ext = join(ctx.work, "ext");
  await makeVenv(ctx, join(ext, "web"), []);
  await Deno.mkdir(old, { recursive: true });
  await Deno.writeTextFile(
    join(old, "config.json"),
    JSON.stringify({ environments_path: ext, preferred_backend: "pip", offline_mode: true }),
  );
  const env = { GESTVENV_HOME: old };
  const first = await ctx.run(["create", "first", "-q"], { env });
  assertOk(first);
  const second = await ctx.run(["create", "second", "-q"], { env });
  assertOk(second);
  const registry = JSON.parse(await Deno.readTextFile(join(old, "environments.json")));
  // Both where the old settings say, with the old backend: the first like the second.
  assertEquals(registry.environments.first.path, join(ext, "first"));
  assertEquals(registry.environments.first.backend, "pip");
  assertEquals(registry.environments.second.path, join(ext, "second"));
  assertEquals(registry.environments.second.backend, "pip");
  assertEquals(registry.environments.web.path, join(ext, "web"));
  assertEquals(await exists(join(old, "environments", "first")), false);
});

Deno.test("home migration: killed before the registry, finished by the next command; odd config.json", async (t) => {
  await using ctx = await createTestContext();
  const setUp = async (name: string, config: string) => {
    const old = join(ctx.work, name);
    const envDir = join(old, "environments");
    await makeVenv(ctx, join(envDir, "web"), []);
    await Deno.writeTextFile(
      join(envDir, "web", ".gestvenv-metadata.json"),
      gestvenv2Metadata("web", join(envDir, "web"), []),
    );
    await Deno.writeTextFile(join(old, "config.json"), config);
    return old;
  };
  const registered = async (old: string) =>
    Object.keys(JSON.parse(await Deno.readTextFile(join(old, "environments.json"))).environments);

  await t.step("killed after carrying the settings: the next command registers", async () => {
    const old = await setUp(
      "killed",
      JSON.stringify({ preferred_backend: "pip", default_python_version: "3.11" }),
    );
    const env = { GESTVENV_HOME: old };
    const killed = await ctx.run(["list"], {
      env: { ...env, GESTVENV_FAILPOINT: "migrate-home.before-registry:exit" },
    });
    assert(killed.code !== 0, "killed");
    // The settings were carried first; no registry, so the migration is not done.
    const carried = await Deno.readTextFile(join(old, "config.toml"));
    assertStringIncludes(carried, 'backend = "pip"');
    assertEquals(await exists(join(old, "environments.json")), false);
    const next = await ctx.run(["list", "--format", "json"], { env });
    assertOk(next);
    assertStringIncludes(next.stderr, "Migrated the Python gestvenv home");
    assertEquals(await registered(old), ["web"]);
    assertEquals(await Deno.readTextFile(join(old, "config.toml")), carried);
    assertEquals(JSON.parse(next.stdout).data.environments.length, 1);
  });

  await t.step("a config.json with a UTF-8 BOM is read as Python reads it", async () => {
    const old = await setUp("bom", '\uFEFF{"preferred_backend": "pip"}');
    const result = await ctx.run(["list"], { env: { GESTVENV_HOME: old } });
    assertOk(result);
    assertStringIncludes(result.stderr, "Migrated the Python gestvenv home");
    assertEquals(await registered(old), ["web"]);
    assertStringIncludes(await Deno.readTextFile(join(old, "config.toml")), 'backend = "pip"');
  });

  await t.step("a config.json that is not an object: a warning, migrated once", async () => {
    const old = await setUp("array", '["not", "a", "config"]');
    const env = { GESTVENV_HOME: old };
    const result = await ctx.run(["list"], { env });
    assertOk(result);
    await assertSnapshot(
      t,
      filterText(result.stderr, [[old, "<HOME>"]]).replace(/backups\/[^\s]+/, "backups/<TIME>"),
    );
    assertEquals(await registered(old), ["web"]);
    assertEquals(await exists(join(old, "config.toml")), false);
    // Done once: the next command says nothing and changes nothing.
    const again = await ctx.run(["list"], { env });
    assertOk(again);
    assertEquals(again.stderr.includes("config.json"), false, again.stderr);
  });
});

Deno.test("hostile Python gestvenv metadata: odd names are registered or skipped, never followed", async () => {
  await using ctx = await createTestContext();
  const old = join(ctx.work, "old-home");
  const envDir = join(old, "environments");
  await makeVenv(ctx, join(envDir, "proto"), []);
  await copyVenv(ctx, join(envDir, "proto"), join(envDir, "evil"));
  await copyVenv(ctx, join(envDir, "proto"), join(envDir, "corrupt"));
  await copyVenv(ctx, join(envDir, "proto"), join(envDir, "twin"));
  await Deno.writeTextFile(
    join(envDir, "proto", ".gestvenv-metadata.json"),
    '{"name":"__proto__"}',
  );
  await Deno.writeTextFile(join(envDir, "evil", ".gestvenv-metadata.json"), '{"name":"../../x"}');
  await Deno.writeTextFile(join(envDir, "corrupt", ".gestvenv-metadata.json"), '{"name": "cor');
  await Deno.writeTextFile(join(envDir, "twin", ".gestvenv-metadata.json"), '{"name":"__proto__"}');
  await Deno.mkdir(join(envDir, "not-a-venv"));
  await Deno.writeTextFile(join(old, "config.json"), '{"preferred_backend": 42, "x": [1]}');
  const result = await ctx.run(["list", "--format", "json"], { env: { GESTVENV_HOME: old } });
  assertOk(result);
  const names = JSON.parse(result.stdout).data.environments.map((e: { name: string }) => e.name);
  assertEquals(names.sort(), ["__proto__", "corrupt"]);
  assertStringIncludes(result.stderr, "`../../x`");
  assertStringIncludes(result.stderr, "not a valid gestvenv name");
  assertStringIncludes(result.stderr, "another environment has the same name");
  assertStringIncludes(result.stderr, "not carried: preferred_backend, x");
  assertEquals(await exists(join(ctx.work, "x")), false);
  assertEquals(await exists(join(old, "config.toml")), false);
});
