import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { parsePylock, type Pylock } from "../lock/mod.ts";
import { parsePyproject, projectRequirements } from "../pyproject/mod.ts";
import { editPyproject, formatProjectLock, lockStaleness, projectInputs } from "./project_sync.ts";

const PYPROJECT = `[project]
name = "Web_App"
version = "1.0"
requires-python = ">=3.9"
dependencies = ["demo-pkg>=1"]

[project.optional-dependencies]
fast = ["demo-dep<2"]

[dependency-groups]
dev = ["third-pkg"]
test = [{include-group = "dev"}, "other-pkg"]
`;

async function inputsOf(text: string, groups: string[], extras: string[] = [], withProject = true) {
  const pyproject = parsePyproject(text, "/p/pyproject.toml");
  return await projectInputs(
    pyproject,
    projectRequirements(pyproject, { groups, extras }),
    withProject,
  );
}

function lockWith(inputs: Awaited<ReturnType<typeof inputsOf>>): Pylock {
  const lock: Pylock = {
    lockVersion: "1.0",
    createdBy: "gestvenv test",
    packages: [{
      name: "web-app",
      version: "1.0",
      dependencies: [],
      wheels: [],
      directory: { path: "/p", editable: true },
    }],
    gestvenv: { requirements: [], python: "3.11.7", environment: "app" },
  };
  return parsePylock(formatProjectLock(lock, "/p", inputs), "/p/pylock.toml");
}

Deno.test("projectInputs: same choice, same hash, whatever the order; any change gives another", async () => {
  const a = await inputsOf(PYPROJECT, ["test", "dev"]);
  const b = await inputsOf(PYPROJECT, ["Dev", "test"]);
  assertEquals(a.hash, b.hash);
  assertEquals(a.project, "web-app");
  assertEquals(a.requirements, ["demo-pkg>=1", "other-pkg", "third-pkg"]);
  const others = [
    await inputsOf(PYPROJECT, ["dev"]),
    await inputsOf(PYPROJECT, ["test", "dev"], ["fast"]),
    await inputsOf(PYPROJECT, ["test", "dev"], [], false),
    await inputsOf(PYPROJECT.replace(">=3.9", ">=3.10"), ["test", "dev"]),
    await inputsOf(PYPROJECT.replace('"demo-pkg>=1"', '"demo-pkg>=1.1"'), ["test", "dev"]),
  ];
  for (const o of others) assertEquals(o.hash === a.hash, false, JSON.stringify(o));
});

Deno.test("a project lock round-trips its inputs; staleness names what changed", async () => {
  const inputs = await inputsOf(PYPROJECT, ["dev"]);
  const lock = lockWith(inputs);
  // The project's own directory is written relative to the lock and read back absolute.
  assertEquals(lock.packages[0]!.directory, { path: "/p", editable: true });
  assertEquals(lock.gestvenv?.environment, undefined);
  assertEquals(lock.gestvenv?.groups, ["dev"]);
  assertEquals(lock.gestvenv?.inputs, inputs.hash);
  assertEquals(lockStaleness(lock, inputs), []);
  const changed = await inputsOf(
    PYPROJECT.replace('"demo-pkg>=1"', '"demo-pkg>=1", "httpx"'),
    ["dev", "test"],
    ["fast"],
  );
  assertEquals(lockStaleness(lock, changed), [
    "added `demo-dep<2`, `httpx`, `other-pkg`",
    "groups dev → dev, test",
    "extras none → fast",
  ]);
  const fewer = await inputsOf(PYPROJECT.replace('"demo-pkg>=1"', ""), ["dev"]);
  assertEquals(lockStaleness(lock, fewer), ["removed `demo-pkg>=1`"]);
  const noProject = await inputsOf(PYPROJECT, ["dev"], [], false);
  assertEquals(lockStaleness(lock, noProject), [
    "requires-python or whether the project itself is installed changed",
  ]);
  // A lock another tool wrote has no inputs: never fresh.
  const foreign = parsePylock('lock-version = "1.0"\ncreated-by = "uv"\n', "/p/pylock.toml");
  assertEquals(lockStaleness(foreign, inputs).length, 1);
});

Deno.test("a project lock with a hostile [tool.gestvenv] is refused", () => {
  const base = 'lock-version = "1.0"\ncreated-by = "x"\n[tool.gestvenv]\nrequirements = []\n';
  for (
    const bad of [
      'inputs = "not-a-hash"',
      'inputs = "' + "A".repeat(64) + '"',
      'groups = ["Dev Tools"]',
      'extras = "fast"',
      "groups = [1]",
      'groups = ["dev\\n[x]"]',
    ]
  ) {
    assertThrows(() => parsePylock(base + bad + "\n", "/p/pylock.toml"), Error, "tool.gestvenv");
  }
});

Deno.test("editPyproject: an edit that breaks the file is refused before writing; a failed sync puts it back", async () => {
  const root = await Deno.makeTempDir();
  try {
    const file = `${root}/pyproject.toml`;
    await Deno.writeTextFile(file, PYPROJECT);
    await assertRejectsText(
      () =>
        editPyproject(root, (t) => t.replace('"demo-pkg>=1"', '"demo pkg >>"'), () => {
          throw new Error("must not run");
        }),
      "not a valid PEP 508 requirement",
    );
    assertEquals(await Deno.readTextFile(file), PYPROJECT);
    await assertRejectsText(
      () =>
        editPyproject(root, (t) => t.replace('"demo-pkg>=1"', '"demo-pkg>=9"'), async () => {
          assertEquals((await Deno.readTextFile(file)).includes("demo-pkg>=9"), true);
          throw new Error("resolution failed");
        }),
      "resolution failed",
    );
    assertEquals(await Deno.readTextFile(file), PYPROJECT, "put back");
    const dry = await editPyproject(root, (t) => t + "\n# x\n", () => Promise.resolve(1), true);
    assertEquals([dry.result, await Deno.readTextFile(file)], [undefined, PYPROJECT]);
    const done = await editPyproject(root, (t) => t + "\n# x\n", () => Promise.resolve(1));
    assertEquals([done.result, await Deno.readTextFile(file)], [1, PYPROJECT + "\n# x\n"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

async function assertRejectsText(fn: () => Promise<unknown>, text: string): Promise<void> {
  try {
    await fn();
  } catch (error) {
    assertEquals((error as Error).message.includes(text), true, (error as Error).message);
    return;
  }
  throw new Error(`expected a rejection with ${text}`);
}

Deno.test("editPyproject: a symlinked 0600 pyproject.toml stays a symlink to a 0600 file; an edit made meanwhile wins", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/real`);
    const real = `${root}/real/pyproject.toml`;
    await Deno.writeTextFile(real, PYPROJECT, { mode: 0o600 });
    await Deno.chmod(real, 0o600);
    await Deno.mkdir(`${root}/proj`);
    await Deno.symlink(real, `${root}/proj/pyproject.toml`);
    const edited = await editPyproject(
      `${root}/proj`,
      (t) => t.replace('"demo-pkg>=1"', '"demo-pkg>=1.1"'),
      () => Promise.resolve("synced"),
    );
    assertEquals(edited.result, "synced");
    assertEquals((await Deno.lstat(`${root}/proj/pyproject.toml`)).isSymlink, true);
    assertEquals((await Deno.stat(real)).mode! & 0o777, 0o600);
    assertEquals((await Deno.readTextFile(real)).includes('"demo-pkg>=1.1"'), true);
    // The sync fails after the user saved another change: theirs is kept, not put back.
    await assertRejectsText(
      () =>
        editPyproject(`${root}/proj`, (t) => t.replace(">=1.1", ">=1.2"), async () => {
          await Deno.writeTextFile(real, PYPROJECT);
          throw new Error("resolution failed");
        }),
      "resolution failed",
    );
    assertEquals(await Deno.readTextFile(real), PYPROJECT);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
