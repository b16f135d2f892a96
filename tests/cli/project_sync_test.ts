/**
 * A project's environment kept in step with its pyproject.toml (issue 10 §1 and §5): `sync` from
 * the project (groups, extras, `--clean`, `--locked`, `--frozen`, `--dry-run`), the project lock
 * of `create-from-pyproject --lock`, `install --group`, `groups list`, `add`/`remove`, and
 * `auto_sync` in `run`. Everything runs on the local index; the project is built by the in-tree
 * PEP 517/660 test backend, in the directory the CLI runs in.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { writeLocalProject } from "../helpers/local_project.ts";
import { normalizeArgs } from "../../commands/mod.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import {
  assertOk,
  createTestContext,
  runDenyNet,
  standardWheels,
  type TestContext,
} from "../helpers/test_context.ts";

const PYPROJECT = `[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]

[project]
name = "webapp"
version = "0.3.0"
requires-python = ">=3.8"
# The runtime dependencies.
dependencies = [
    "demo-pkg>=1",  # the core library
]

[project.optional-dependencies]
fast = ["demo-dep<2"]

[project.scripts]
webapp-hello = "webapp:hello"

[dependency-groups]
dev = ["third-pkg"]
test = [{include-group = "dev"}, "other-pkg"]
`;

/** The project `webapp` in `dir`, built by the local-project helper's in-tree backend. */
function writeProject(dir: string, pyproject = PYPROJECT): Promise<string> {
  return writeLocalProject(dir, {
    name: "webapp",
    version: "0.3.0",
    metadata: "Requires-Dist: demo-pkg>=1\nProvides-Extra: fast\n" +
      'Requires-Dist: demo-dep<2; extra == "fast"\n',
    entryPoints: "[console_scripts]\nwebapp-hello = webapp:hello\n",
    pyproject,
    module: 'ANSWER = 1\n\ndef hello():\n    print("hello from webapp", ANSWER)\n',
  });
}

function wheels() {
  return [
    ...standardWheels(),
    buildWheel({ name: "pip", version: "24.0" }),
    buildWheel({ name: "stray-pkg", version: "1.0.0" }),
  ];
}

/** `name==version` of each distribution the registry records for `env`. */
async function pins(ctx: TestContext, env: string): Promise<string[]> {
  return (await ctx.registry()).environments[env]!.packages.map((p) => `${p.name}==${p.version}`);
}

/** Every entry of the environment's site-packages (recursively) with a hash of its content. */
async function sitePackages(ctx: TestContext, env: string): Promise<Map<string, string>> {
  const lib = join(ctx.envPath(env), "lib");
  let root = "";
  for await (const e of Deno.readDir(lib)) {
    if (e.name.startsWith("python")) root = join(lib, e.name, "site-packages");
  }
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) {
        out.set(path, "dir");
        await walk(path);
      } else {
        const bytes = await Deno.readFile(path);
        out.set(path, createHash("sha256").update(bytes).digest("hex"));
      }
    }
  };
  await walk(root);
  return out;
}

const filter = (ctx: TestContext, text: string) => filterText(text, [[ctx.work, "<WORK>"]]);

Deno.test("sync from the project: groups added, extras change versions, --dry-run changes nothing, --clean removes and keeps pip", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(ctx.work);
  assertOk(await ctx.run(["create-from-pyproject", "app", "--groups", "dev"]));
  assertEquals(await pins(ctx, "app"), [
    "demo-dep==2.0.0",
    "demo-pkg==1.1.0",
    "third_pkg==0.3.0",
    "webapp==0.3.0",
  ]);
  // The console script runs, and the editable project reflects a source edit without reinstall.
  await Deno.writeTextFile(
    join(project, "webapp", "__init__.py"),
    'ANSWER = 2\n\ndef hello():\n    print("hello from webapp", ANSWER)\n',
  );
  const script = await ctx.run(["run", "app", "webapp-hello"]);
  assertEquals(script.stdout.trim(), "hello from webapp 2", script.stderr);

  // No ENV: the environment bound to the project here; `test` includes `dev` and adds other-pkg.
  const added = await ctx.run(["sync", "--groups", "dev,test"]);
  assertOk(added);
  assertStringIncludes(added.stderr, "`app` matches the project at");
  assertEquals(await pins(ctx, "app"), [
    "demo-dep==2.0.0",
    "demo-pkg==1.1.0",
    "other-pkg==2.0.0",
    "third_pkg==0.3.0",
    "webapp==0.3.0",
  ]);
  // The extra changes a version; the groups of the last sync are kept.
  assertOk(await ctx.run(["sync", "app", "--extras", "fast"]));
  assertEquals((await pins(ctx, "app"))[0], "demo-dep==1.0.0");
  const record = (await ctx.registry()).environments["app"]!;
  assertEquals(
    { ...record.project!, synced_sha256: undefined },
    {
      path: project,
      groups: ["dev", "test"],
      extras: ["fast"],
      installed: true,
      synced_sha256: undefined,
    },
  );
  assertEquals(record.project!.synced_sha256!.length, 64);

  // What the project does not declare: a stray package, and pip the user seeded.
  assertOk(await ctx.run(["install", "pip", "stray-pkg", "--env", "app"]));
  // A plain sync keeps them, and with nothing changed installs nothing (the editable project is
  // not built again)...
  const noop = await ctx.run(["sync", "--json"]);
  assertOk(noop);
  assertEquals(JSON.parse(noop.stdout).data.install, []);
  assert((await pins(ctx, "app")).includes("stray-pkg==1.0.0"));
  // ...until pyproject.toml changes: then the project is installed again.
  await Deno.writeTextFile(
    join(project, "pyproject.toml"),
    (await Deno.readTextFile(join(project, "pyproject.toml"))) + "# edited\n",
  );
  const rebuilt = await ctx.run(["sync", "--json"]);
  assertOk(rebuilt);
  assertEquals(
    JSON.parse(rebuilt.stdout).data.install.map((p: { name: string; editable: boolean }) =>
      `${p.name} ${p.editable}`
    ),
    ["webapp true"],
  );
  const before = await sitePackages(ctx, "app");
  const registryBefore = await Deno.readTextFile(join(ctx.home, "environments.json"));
  const planned = await ctx.run(["sync", "--clean", "--dry-run", "--json"]);
  assertOk(planned);
  const plan = JSON.parse(planned.stdout).data;
  assertEquals(plan.remove.map((r: { name: string }) => r.name), ["stray-pkg"]);
  assertEquals(plan.dry_run, true);
  assertEquals(await sitePackages(ctx, "app"), before, "--dry-run changed site-packages");
  assertEquals(await Deno.readTextFile(join(ctx.home, "environments.json")), registryBefore);

  const cleaned = await ctx.run(["sync", "--clean"]);
  assertOk(cleaned);
  assertStringIncludes(cleaned.stderr, "removed stray-pkg");
  const after = await pins(ctx, "app");
  assert(!after.includes("stray-pkg==1.0.0"), after.join());
  assert(after.includes("pip==24.0"), "--clean keeps pip");
  assert(after.includes("webapp==0.3.0"), "--clean keeps the project");
  const stray = await ctx.exec(join(ctx.envPath("app"), "bin", "python"), [
    "-c",
    "import stray_pkg",
  ]);
  assertEquals(stray.code, 1, "stray_pkg is gone from disk");
  // --clean-all removes pip too.
  assertOk(await ctx.run(["sync", "--clean-all"]));
  assert(!(await pins(ctx, "app")).includes("pip==24.0"));
});

Deno.test("create-from-pyproject --lock writes pylock.toml; sync --locked fails on a stale lock, --frozen installs it unchecked, sync relocks", async (t) => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(ctx.work);
  const dry = await ctx.run(["create-from-pyproject", "app", "--groups", "dev", "--lock", "-n"]);
  assertOk(dry);
  assert(
    await Deno.stat(join(project, "pylock.toml")).then(() => false, () => true),
    "--dry-run writes no lock",
  );
  const created = await ctx.run(["create-from-pyproject", "app", "--groups", "dev", "--lock"]);
  assertOk(created);
  assertStringIncludes(created.stderr, `Locked in ${join(project, "pylock.toml")}`);
  const lockText = await Deno.readTextFile(join(project, "pylock.toml"));
  assertStringIncludes(lockText, 'directory = { path = ".", editable = true }');
  assertStringIncludes(lockText, '[tool.gestvenv]\nrequirements = ["demo-pkg>=1", "third-pkg"]');
  assertStringIncludes(lockText, 'groups = ["dev"]\nextras = []\ninputs = "');
  assert(!lockText.includes("environment = "), "a project lock names no environment");

  // A fresh lock passes --locked and installs from it (no resolution).
  const fresh = await ctx.run(["sync", "--locked"]);
  assertOk(fresh);
  assertStringIncludes(fresh.stderr, `From ${join(project, "pylock.toml")}`);
  // Another environment made from the fresh lock installs it as it is.
  const second = await ctx.run(["create-from-pyproject", "app2", "--groups", "dev", "--lock"]);
  assertOk(second);
  assertStringIncludes(second.stderr, "Installed from");
  assertEquals(await pins(ctx, "app2"), await pins(ctx, "app"));

  // pyproject.toml gains a dependency: the lock is stale.
  const pyproject = join(project, "pyproject.toml");
  await Deno.writeTextFile(
    pyproject,
    PYPROJECT.replace('"demo-pkg>=1",  # the core library', '"demo-pkg>=1", "stray-pkg"'),
  );
  const stale = await ctx.run(["sync", "app", "--locked"]);
  assertEquals(stale.code, 1, stale.stderr);
  await assertSnapshot(t, filter(ctx, stale.stderr));
  assert(!(await pins(ctx, "app")).includes("stray-pkg==1.0.0"), "nothing was installed");
  assertEquals(await Deno.readTextFile(join(project, "pylock.toml")), lockText);

  // --frozen installs the lock without checking it (so no stray-pkg); the environment is still
  // behind pyproject.toml, so the hash auto_sync compares is not moved.
  const hash = async () => (await ctx.registry()).environments["app"]!.project!.synced_sha256;
  const hashBefore = await hash();
  const frozen = await ctx.run(["sync", "app", "--frozen"]);
  assertOk(frozen);
  assert(!(await pins(ctx, "app")).includes("stray-pkg==1.0.0"));
  assertEquals(await hash(), hashBefore);

  // A plain sync resolves again, rewrites the lock and installs; --locked then passes.
  assertOk(await ctx.run(["sync", "app"]));
  assert((await pins(ctx, "app")).includes("stray-pkg==1.0.0"));
  assertStringIncludes(
    await Deno.readTextFile(join(project, "pylock.toml")),
    'requirements = ["demo-pkg>=1", "stray-pkg", "third-pkg"]',
  );
  assertOk(await ctx.run(["sync", "app", "--locked"]));
  // Asking for other groups makes the lock stale too, and says so.
  const groups = await ctx.run(["sync", "app", "--locked", "--groups", "test"]);
  assertEquals(groups.code, 1, groups.stderr);
  assertStringIncludes(groups.stderr, "groups dev → test");
});

Deno.test("sync without ENV: no bound environment is an error, .gestvenv.toml names one and its groups, --locked with --frozen", async (t) => {
  await using ctx = await createTestContext(wheels());
  await writeProject(ctx.work);
  const none = await ctx.run(["sync"]);
  assertEquals(none.code, 2, none.stderr);
  await assertSnapshot(t, filter(ctx, none.stderr));
  const both = await ctx.run(["sync", "--locked", "--frozen"]);
  assertEquals(both.code, 2, both.stderr);
  assertStringIncludes(both.stderr, "--locked and --frozen contradict each other");
  // `.gestvenv.toml` names the environment; an environment made without the project is bound
  // by its first sync here.
  assertOk(await ctx.run(["create", "plain"]));
  // Its `groups` are the default of the first sync (later ones keep the binding's).
  await Deno.writeTextFile(
    join(ctx.work, ".gestvenv.toml"),
    'environment = "plain"\ngroups = ["dev"]\n',
  );
  const bound = await ctx.run(["sync"]);
  assertOk(bound);
  const record = (await ctx.registry()).environments["plain"]!;
  assertEquals(record.project?.groups, ["dev"]);
  assert((await pins(ctx, "plain")).includes("webapp==0.3.0"));
});

Deno.test("auto_sync: run and run-script sync first when pyproject.toml changed since the last sync, and only then", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(ctx.work);
  assertOk(await ctx.run(["create-from-pyproject", "app"]));
  const importStray = ["run", "app", "python", "-c", "import stray_pkg; print('stray here')"];
  await Deno.writeTextFile(
    join(project, "pyproject.toml"),
    PYPROJECT.replace('"demo-pkg>=1",  # the core library', '"demo-pkg>=1", "stray-pkg"'),
  );
  // auto_sync is off by default: the run does not sync.
  const off = await ctx.run(importStray);
  assertEquals(off.code, 1, off.stderr);
  assert(!off.stderr.includes("Syncing"), off.stderr);
  // `.gestvenv.toml` turns it on (it wins over [tool.gestvenv]).
  await Deno.writeTextFile(
    join(project, "pyproject.toml"),
    (await Deno.readTextFile(join(project, "pyproject.toml"))) +
      "\n[tool.gestvenv]\nauto_sync = false\n",
  );
  await Deno.writeTextFile(join(project, ".gestvenv.toml"), "auto_sync = true\n");
  const on = await ctx.run(importStray);
  assertOk(on);
  assertEquals(on.stdout.trim(), "stray here");
  assertStringIncludes(on.stderr, "Syncing `app` first");
  assert((await pins(ctx, "app")).includes("stray-pkg==1.0.0"));
  // Nothing changed since: no sync.
  const again = await ctx.run(importStray);
  assertOk(again);
  assert(!again.stderr.includes("Syncing"), again.stderr);
  // run-script too: a new dependency, then the project's script that imports it.
  await Deno.writeTextFile(
    join(project, ".gestvenv.toml"),
    "auto_sync = true\n[scripts]\ncheck = \"python -c 'import other_pkg; print(7)'\"\n",
  );
  await Deno.writeTextFile(
    join(project, "pyproject.toml"),
    (await Deno.readTextFile(join(project, "pyproject.toml")))
      .replace('"stray-pkg"', '"stray-pkg", "other-pkg"'),
  );
  const script = await ctx.run(["run-script", "check"]);
  assertOk(script);
  assertEquals(script.stdout.trim(), "7");
  assertStringIncludes(script.stderr, "Syncing `app` first");
  // An invalid value is a config error (exit 10), before anything runs.
  await Deno.writeTextFile(join(project, ".gestvenv.toml"), 'auto_sync = "maybe"\n');
  const bad = await ctx.run(importStray);
  assertEquals(bad.code, 10, bad.stderr);
  assertStringIncludes(bad.stderr, "Invalid switch `maybe`");
});

Deno.test("install --group adds a group to the binding; groups list shows requirements, includes, selected and installed", async (t) => {
  await using ctx = await createTestContext(wheels());
  await writeProject(ctx.work);
  // No environment yet: the groups are listed, nothing is installed.
  const bare = await ctx.run(["groups", "list", "--json"]);
  assertOk(bare);
  assertEquals(JSON.parse(bare.stdout).data.environment, null);
  assertOk(await ctx.run(["create-from-pyproject", "app"]));
  const listed = await ctx.run(["groups", "list"]);
  assertOk(listed);
  await assertSnapshot(t, filter(ctx, listed.stdout));
  const installed = await ctx.run(["install", "--group", "test"]);
  assertOk(installed);
  assertStringIncludes(installed.stderr, "Installed group test into `app`");
  assert((await pins(ctx, "app")).includes("other-pkg==2.0.0"));
  assert((await pins(ctx, "app")).includes("third_pkg==0.3.0"), "dev, included by test");
  assertEquals((await ctx.registry()).environments["app"]!.project!.groups, ["test"]);
  const json = await ctx.run(["groups", "list", "--env", "app", "--format", "json"]);
  assertOk(json);
  const data = JSON.parse(json.stdout).data;
  assertEquals(data.environment, "app");
  assertEquals(data.groups, [
    {
      name: "dev",
      normalized: "dev",
      requirements: 1,
      includes: [],
      selected: false,
      installed: true,
    },
    {
      name: "test",
      normalized: "test",
      requirements: 1,
      includes: ["dev"],
      selected: true,
      installed: true,
    },
  ]);
  const unknown = await ctx.run(["install", "--group", "docs", "--env", "app"]);
  assertEquals(unknown.code, 10, unknown.stderr);
  assertStringIncludes(unknown.stderr, "docs");
});

Deno.test("sync --locked without a project lock fails (exit 1); sync --lock creates it; --no-project uninstalls the project", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(ctx.work);
  assertOk(await ctx.run(["create-from-pyproject", "app"]));
  const missing = await ctx.run(["sync", "--locked"]);
  assertEquals(missing.code, 1, missing.stderr);
  assertStringIncludes(missing.stderr, "--locked: the project has no lock");
  assertStringIncludes(missing.stderr, "gestvenv sync app --lock");
  // A plain sync does not create a lock; --lock does.
  assertOk(await ctx.run(["sync"]));
  assert(await Deno.stat(join(project, "pylock.toml")).then(() => false, () => true));
  const locked = await ctx.run(["sync", "--lock", "--json"]);
  assertOk(locked);
  const data = JSON.parse(locked.stdout).data;
  assertEquals([data.lock, data.lock_written, data.resolved], [
    join(project, "pylock.toml"),
    true,
    true,
  ]);
  assertOk(await ctx.run(["sync", "--locked"]));
  // --no-project: the project itself goes, its dependencies stay.
  assertOk(await ctx.run(["sync", "--no-project"]));
  const after = await pins(ctx, "app");
  assert(!after.includes("webapp==0.3.0"), after.join());
  assert(after.includes("demo-pkg==1.1.0"), after.join());
  assertEquals((await ctx.registry()).environments["app"]!.project!.installed, false);
});

Deno.test("offline under --deny-net: a fresh project lock installs from the cache (create --lock, sync --frozen, sync)", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(ctx.work);
  assertOk(await ctx.run(["create-from-pyproject", "app", "--groups", "test", "--lock"]));
  const denyNet = (args: string[]) => runDenyNet(ctx, args);
  const created = await denyNet([
    "create-from-pyproject",
    "app2",
    "--groups",
    "test",
    "--lock",
    "--offline",
  ]);
  assertOk(created);
  assertStringIncludes(created.stderr, `Installed from ${join(project, "pylock.toml")}`);
  assertEquals(await pins(ctx, "app2"), await pins(ctx, "app"));
  assertOk(await ctx.run(["install", "stray-pkg", "--env", "app2"]));
  const frozen = await denyNet(["sync", "app2", "--frozen", "--clean", "--offline"]);
  assertOk(frozen);
  assertEquals(await pins(ctx, "app2"), await pins(ctx, "app"));
  assertOk(await denyNet(["sync", "app2", "--offline"]));
});

Deno.test("add/remove edit pyproject.toml keeping every other byte, then sync; bad input changes nothing", async (t) => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(ctx.work);
  const file = join(project, "pyproject.toml");
  assertOk(await ctx.run(["create-from-pyproject", "app", "--groups", "dev"]));

  const added = await ctx.run(["add", "stray-pkg>=1"]);
  assertOk(added);
  assertStringIncludes(added.stderr, "Added stray-pkg>=1 to [project] dependencies");
  const afterAdd = await Deno.readTextFile(file);
  // The whole file is unchanged but for the one line added (comments included).
  const inserted = afterAdd.split("\n").filter((l) => !PYPROJECT.split("\n").includes(l));
  assertEquals(inserted.map((l) => l.trim().replace(/,$/, "")), ['"stray-pkg>=1"']);
  assertEquals(afterAdd.split("\n").filter((l) => !inserted.includes(l)).join("\n"), PYPROJECT);
  assertStringIncludes(afterAdd, '"demo-pkg>=1",  # the core library');
  assert((await pins(ctx, "app")).includes("stray-pkg==1.0.0"), "synced");

  // To a group: the group joins those the environment installs; a version changes.
  assertOk(await ctx.run(["add", "demo-dep<2", "--group", "dev"]));
  assertEquals((await pins(ctx, "app"))[0], "demo-dep==1.0.0");
  // To an extra the binding did not have: it is added to the binding.
  assertOk(await ctx.run(["add", "other-pkg", "--optional", "fast"]));
  assert((await pins(ctx, "app")).includes("other-pkg==2.0.0"));
  assertEquals((await ctx.registry()).environments["app"]!.project!.extras, ["fast"]);
  assertOk(await ctx.run(["remove", "other-pkg", "--optional", "fast"]));
  assert(!(await pins(ctx, "app")).includes("other-pkg==2.0.0"), "uninstalled");

  // Removing gives the original file back, byte for byte, and uninstalls what nothing needs.
  assertOk(await ctx.run(["remove", "demo-dep", "--group", "dev"]));
  const removed = await ctx.run(["remove-dependency", "stray-pkg"]);
  assertOk(removed);
  assertStringIncludes(removed.stderr, "removed stray-pkg");
  assertEquals(await Deno.readTextFile(file), PYPROJECT);
  assert(!(await pins(ctx, "app")).includes("stray-pkg==1.0.0"));

  // Failures leave the file as it was.
  const bad = await ctx.run(["add", "bad req >>"]);
  assertEquals(bad.code, 2, bad.stderr);
  const absent = await ctx.run(["remove", "not-there", "--env", "app"]);
  assertEquals(absent.code, 4, absent.stderr);
  await assertSnapshot(t, filter(ctx, absent.stderr));
  // Declared elsewhere: the hint names the flag that finds it.
  const elsewhere = await ctx.run(["remove", "other-pkg", "--env", "app"]);
  assertEquals(elsewhere.code, 4, elsewhere.stderr);
  assertStringIncludes(elsewhere.stderr, "It is declared in: --group test");
  const unresolvable = await ctx.run(["add", "no-such-project"]);
  assert(unresolvable.code !== 0, unresolvable.stderr);
  const dry = await ctx.run(["add", "stray-pkg", "--dry-run"]);
  assertOk(dry);
  assertStringIncludes(dry.stderr, "Dry run: would add stray-pkg");
  assertEquals(await Deno.readTextFile(file), PYPROJECT, "nothing changed the file");
  // --no-sync only edits.
  assertOk(await ctx.run(["add", "stray-pkg", "--no-sync"]));
  assertStringIncludes(await Deno.readTextFile(file), '"stray-pkg"');
  assert(!(await pins(ctx, "app")).includes("stray-pkg==1.0.0"));
  // `remove ENV` without project flags still deletes an environment (spec 000).
  assertOk(await ctx.run(["remove", "app", "--yes"]));
  assertEquals(Object.keys((await ctx.registry()).environments), []);
});

Deno.test("remove takes the project form only with a project flag; spec 000's forms stay", () => {
  assertEquals(normalizeArgs(["remove", "httpx", "--group", "dev"]), [
    "remove-dependency",
    "httpx",
    "--group",
    "dev",
  ]);
  assertEquals(normalizeArgs(["remove", "httpx", "-g", "dev"])[0], "remove-dependency");
  assertEquals(normalizeArgs(["remove", "httpx", "--optional=fast"])[0], "remove-dependency");
  assertEquals(normalizeArgs(["remove", "a", "b", "--env", "web"])[0], "remove-dependency");
  assertEquals(normalizeArgs(["-v", "remove", "httpx", "--no-sync"]), [
    "remove-dependency",
    "-v",
    "httpx",
    "--no-sync",
  ]);
  assertEquals(normalizeArgs(["remove", "web", "flask"])[0], "uninstall");
  assertEquals(normalizeArgs(["remove", "web", "--yes"])[0], "remove");
});

Deno.test("add in a project with no environment yet only edits pyproject.toml, and says so", async () => {
  await using ctx = await createTestContext(wheels());
  const project = await writeProject(ctx.work);
  const added = await ctx.run(["add", "pytest>=8", "--group", "test"]);
  assertOk(added);
  assertStringIncludes(added.stderr, "No environment is bound to");
  assertStringIncludes(await Deno.readTextFile(join(project, "pyproject.toml")), '"pytest>=8"');
  // --env naming no environment is an error, and nothing is edited.
  const before = await Deno.readTextFile(join(project, "pyproject.toml"));
  const missing = await ctx.run(["add", "ruff", "--env", "nope"]);
  assertEquals(missing.code, 3, missing.stderr);
  assertEquals(await Deno.readTextFile(join(project, "pyproject.toml")), before);
});
