import { assert, assertEquals, assertStringIncludes } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { BuildError, DistributionError, InterruptedError } from "../errors/mod.ts";
import { findInterpreter, type Interpreter } from "../python/mod.ts";
import { serveIndex } from "../../tests/helpers/local_index.ts";
import { writeLocalProject } from "../../tests/helpers/local_project.ts";
import {
  buildHelperWheel,
  pipInstallInto,
  readCounter,
  tinyBackendWheel,
  tinyProjectMembers,
  writeSdist,
} from "../../tests/helpers/build_fixtures.ts";
import { assertSnapshot, filterText } from "../../tests/helpers/snapshot.ts";
import { BUILD_ENVS_BUCKET, buildMetadata, buildWheel, type InstallInto } from "./mod.ts";

const decoder = new TextDecoder();

async function wheelFiles(path: string): Promise<Record<string, string>> {
  const files = unzipSync(await Deno.readFile(path));
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, decoder.decode(v)]));
}

async function buildEnvDirs(cacheRoot: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(cacheRoot, BUILD_ENVS_BUCKET))) {
      if (e.isDirectory) names.push(e.name);
    }
  } catch { /* no bucket */ }
  return names.sort();
}

const noInstall: InstallInto = () => {
  throw new Error("installInto must not be called for a build without requirements");
};

let python: Interpreter | undefined;
async function interpreter(): Promise<Interpreter> {
  return python ??= await findInterpreter(undefined);
}

/** A temp dir with a local index serving the tiny backend (and a helper wheel). */
async function withIndex(
  fn: (dir: string, cacheRoot: string, pip: ReturnType<typeof pipInstallInto>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-build-test-" });
  const index = serveIndex([tinyBackendWheel(), buildHelperWheel()]);
  try {
    await fn(dir, join(dir, "cache"), pipInstallInto(index.url));
  } finally {
    await index.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("buildWheel() builds a tree with an in-tree backend (backend-path), and an editable wheel (PEP 660)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-build-test-" });
  try {
    const tree = await writeLocalProject(join(dir, "proj"));
    const options = {
      interpreter: await interpreter(),
      cacheRoot: join(dir, "cache"),
      installInto: noInstall,
    };
    const wheel = await buildWheel({ kind: "tree", path: tree }, options);
    assertEquals(wheel.filename, "localproj-0.1.0-py3-none-any.whl");
    assertEquals(wheel.cached, false);
    assert(wheel.path.startsWith(join(dir, "cache", "built-wheels-v1", "tree-")));
    const files = await wheelFiles(wheel.path);
    assertEquals(files["localproj/__init__.py"], "ANSWER = 42\n");
    assertStringIncludes(files["localproj-0.1.0.dist-info/METADATA"]!, "Name: localproj");

    const editable = await buildWheel({ kind: "tree", path: tree }, { ...options, editable: true });
    assertEquals(editable.cached, false);
    assert(editable.path !== wheel.path, "editable wheels have their own cache entry");
    const editableFiles = await wheelFiles(editable.path);
    assertEquals(editableFiles["__editable__.localproj.pth"], `${await Deno.realPath(tree)}\n`);
    assertEquals(editableFiles["localproj/__init__.py"], undefined);

    // A source change rebuilds the wheel, but not the editable wheel (it points at the sources).
    await Deno.writeTextFile(join(tree, "localproj", "__init__.py"), "ANSWER = 43\n");
    const rebuilt = await buildWheel({ kind: "tree", path: tree }, options);
    assertEquals(rebuilt.cached, false);
    assertEquals((await wheelFiles(rebuilt.path))["localproj/__init__.py"], "ANSWER = 43\n");
    assertEquals(
      (await buildWheel({ kind: "tree", path: tree }, { ...options, editable: true })).cached,
      true,
    );
    // A change of pyproject.toml is a new editable build.
    await Deno.writeTextFile(
      join(tree, "pyproject.toml"),
      (await Deno.readTextFile(join(tree, "pyproject.toml"))) + "\n",
    );
    assertEquals(
      (await buildWheel({ kind: "tree", path: tree }, { ...options, editable: true })).cached,
      false,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildWheel() builds an sdist in an isolated build environment filled from the local index; the second build is a cache hit", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const counter = join(dir, "counter.jsonl");
    const sdist = await writeSdist(dir, "demo_proj-1.0.tar.gz", tinyProjectMembers({ counter }));
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    const lines: string[] = [];
    const wheel = await buildWheel({ kind: "sdist", path: sdist.path, sha256: sdist.sha256 }, {
      ...options,
      onOutput: (line) => lines.push(line),
    });
    assertEquals(wheel.filename, "demo_proj-1.0-py3-none-any.whl");
    assertEquals(wheel.path, join(cacheRoot, "built-wheels-v1", sdist.sha256, wheel.filename));
    assertEquals(wheel.cached, false);
    const files = await wheelFiles(wheel.path);
    assertEquals(files["demo_proj/__init__.py"], 'ANSWER = "demo-proj"\n');

    // The build environment was created natively and filled with build-system.requires.
    const envs = await buildEnvDirs(cacheRoot);
    assertEquals(envs.length, 1);
    assertEquals(pip.calls.map((c) => c.requirements), [["tiny-backend"]]);
    const envRoot = join(cacheRoot, BUILD_ENVS_BUCKET, envs[0]!);
    const calls = await readCounter(counter);
    assertEquals(calls.map((c) => c.hook), ["get_requires_for_build_wheel", "build_wheel"]);
    for (const call of calls) {
      assertEquals(call.prefix, envRoot, "the backend ran in the build env");
    }
    // The host interpreter never saw the backend: the build was isolated.
    const host = await new Deno.Command("python3", {
      args: ["-c", "import tiny_backend"],
      stderr: "null",
    }).output();
    assertEquals(host.success, false);

    // The second build is a cache hit: no backend run, no install.
    const again = await buildWheel(
      { kind: "sdist", path: sdist.path, sha256: sdist.sha256 },
      options,
    );
    assertEquals(again, { ...wheel, cached: true });
    assertEquals((await readCounter(counter)).length, 2);
    assertEquals(pip.calls.length, 1);

    // Its metadata comes from the cached wheel, without a backend run either.
    const metadata = await buildMetadata(
      { kind: "sdist", path: sdist.path, sha256: sdist.sha256 },
      options,
    );
    assertStringIncludes(metadata, "Name: demo-proj\nVersion: 1.0\n");
    assertEquals((await readCounter(counter)).length, 2);
  });
});

Deno.test("buildMetadata() calls prepare_metadata_for_build_wheel and caches the METADATA", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const counter = join(dir, "counter.jsonl");
    const sdist = await writeSdist(
      dir,
      "meta_proj-2.0.tar.gz",
      tinyProjectMembers({ name: "meta-proj", version: "2.0", counter, dependencies: ["dep>=1"] }),
    );
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    const source = { kind: "sdist" as const, path: sdist.path, sha256: sdist.sha256 };
    const metadata = await buildMetadata(source, options);
    assertEquals(
      metadata,
      "Metadata-Version: 2.1\nName: meta-proj\nVersion: 2.0\nRequires-Dist: dep>=1\n\n",
    );
    assertEquals((await readCounter(counter)).map((c) => c.hook), [
      "get_requires_for_build_wheel",
      "prepare_metadata_for_build_wheel",
    ]);
    assertEquals(await buildMetadata(source, options), metadata);
    assertEquals((await readCounter(counter)).length, 2, "the second call is a cache hit");
  });
});

Deno.test("buildWheel() reuses the build environment of the same requirement set, and makes another for get_requires additions", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const counter = join(dir, "counter.jsonl");
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    const one = await writeSdist(
      dir,
      "one-1.0.tar.gz",
      tinyProjectMembers({ name: "one", counter }),
    );
    const two = await writeSdist(
      dir,
      "two-1.0.tar.gz",
      tinyProjectMembers({ name: "two", counter }),
    );
    await buildWheel({ kind: "sdist", ...one }, options);
    await buildWheel({ kind: "sdist", ...two }, options);
    assertEquals(pip.calls.length, 1, "the second build reused the environment");
    assertEquals((await buildEnvDirs(cacheRoot)).length, 1);
    const prefixes = new Set((await readCounter(counter)).map((c) => c.prefix));
    assertEquals(prefixes.size, 1);

    // get_requires_for_build_wheel asks for more: a second environment, with both sets.
    const three = await writeSdist(
      dir,
      "three-1.0.tar.gz",
      tinyProjectMembers({ name: "three", counter, extraRequires: ["build-helper==2.0"] }),
    );
    const wheel = await buildWheel({ kind: "sdist", ...three }, options);
    assertEquals(wheel.filename, "three-1.0-py3-none-any.whl");
    assertEquals(pip.calls.map((c) => c.requirements), [
      ["tiny-backend"],
      ["build-helper==2.0", "tiny-backend"],
    ]);
    assertEquals((await buildEnvDirs(cacheRoot)).length, 2);
    const last = (await readCounter(counter)).at(-1)!;
    assertEquals(last.hook, "build_wheel");
    assertEquals(last.prefix, pip.calls[1]!.root.replace(/\.tmp-([0-9a-f]+)-.*$/, "$1"));
  });
});

Deno.test("buildWheel() builds one source once when two builds race", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const counter = join(dir, "counter.jsonl");
    const sdist = await writeSdist(
      dir,
      "race-1.0.tar.gz",
      tinyProjectMembers({ name: "race", counter }),
    );
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    const [a, b] = await Promise.all([
      buildWheel({ kind: "sdist", ...sdist }, options),
      buildWheel({ kind: "sdist", ...sdist }, options),
    ]);
    assertEquals(a.path, b.path);
    assertEquals([a.cached, b.cached].sort(), [false, true]);
    assertEquals((await readCounter(counter)).filter((c) => c.hook === "build_wheel").length, 1);
    assertEquals(pip.calls.length, 1);
  });
});

Deno.test("buildWheel() reports a failing backend with its exit code and the tail of its output", async (t) => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const sdist = await writeSdist(
      dir,
      "broken-1.0.tar.gz",
      tinyProjectMembers({ name: "broken", fail: 3 }),
    );
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    const seen: string[] = [];
    let error: unknown;
    try {
      await buildWheel({ kind: "sdist", ...sdist }, { ...options, onOutput: (l) => seen.push(l) });
    } catch (e) {
      error = e;
    }
    assert(error instanceof BuildError, `expected a BuildError, got ${error}`);
    assertEquals(error.exitCode, 3);
    assertEquals(error.backendExitCode, 3);
    assertEquals(error.code, "build_failed");
    assertEquals(seen.length, 60, "every line reached onOutput");
    assertEquals(seen, Array.from({ length: 60 }, (_, i) => `tiny-backend line ${i}`));
    const tail = Array.from({ length: 40 }, (_, i) => `  tiny-backend line ${i + 20}`).join("\n");
    assert(error.message.endsWith(`output:\n${tail}`), "the last 40 lines, in order");
    assert(error.hint !== undefined);
    // Nothing was cached.
    const bucket = join(cacheRoot, "built-wheels-v1");
    for await (const entry of Deno.readDir(bucket)) {
      assert(!entry.isDirectory, `unexpected ${entry.name} in the wheel cache`);
    }
    const text = filterText(`${error.message}\nhint: ${error.hint}`, [[dir, "<TMP>"]]);
    await assertSnapshot(t, text);
  });
});

Deno.test("buildWheel() refuses an editable build of an sdist and a missing build_editable hook", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const sdist = await writeSdist(dir, "e-1.0.tar.gz", tinyProjectMembers({ name: "e" }));
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    let error: unknown;
    try {
      await buildWheel({ kind: "sdist", ...sdist }, { ...options, editable: true });
    } catch (e) {
      error = e;
    }
    assertEquals((error as Error).name, "UsageError");
    // A tree whose backend has no build_editable: the driver says so.
    const tree = join(dir, "tree");
    await Deno.mkdir(join(tree, "noedit"), { recursive: true });
    await Deno.writeTextFile(
      join(tree, "pyproject.toml"),
      '[build-system]\nrequires = []\nbuild-backend = "be"\nbackend-path = ["."]\n',
    );
    await Deno.writeTextFile(
      join(tree, "be.py"),
      "def build_wheel(d, c=None, m=None):\n    raise SystemExit(9)\n",
    );
    error = undefined;
    try {
      await buildWheel({ kind: "tree", path: tree }, {
        ...options,
        installInto: noInstall,
        editable: true,
      });
    } catch (e) {
      error = e;
    }
    assert(error instanceof BuildError);
    assertEquals(error.exitCode, 1);
    assertStringIncludes(error.message, "no build_editable hook (PEP 660)");
    // A backend-path that does not hold the backend: the backend is unavailable.
    await Deno.writeTextFile(
      join(tree, "pyproject.toml"),
      '[build-system]\nrequires = []\nbuild-backend = "nowhere"\nbackend-path = ["."]\n',
    );
    error = undefined;
    try {
      await buildWheel({ kind: "tree", path: tree }, { ...options, installInto: noInstall });
    } catch (e) {
      error = e;
    }
    assert(error instanceof BuildError);
    assertStringIncludes(error.message, "cannot import the build backend 'nowhere'");
  });
});

Deno.test("buildWheel() refuses a hostile sdist before any build environment exists", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const sdist = await writeSdist(dir, "hostile-1.0.tar.gz", [
      ...tinyProjectMembers({ name: "hostile" }),
      { name: "hostile-1.0/escape", type: "symlink", linkName: "../../../../../../etc/passwd" },
    ]);
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    let error: unknown;
    try {
      await buildWheel({ kind: "sdist", ...sdist }, options);
    } catch (e) {
      error = e;
    }
    assert(error instanceof DistributionError, `expected a DistributionError, got ${error}`);
    assertEquals(error.source, "hostile-1.0.tar.gz");
    assertEquals(pip.calls.length, 0);
    assertEquals(await buildEnvDirs(cacheRoot), []);
  });
});

Deno.test("buildWheel() passes config_settings to every hook and keys the cache by them", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const counter = join(dir, "counter.jsonl");
    const sdist = await writeSdist(
      dir,
      "cs-1.0.tar.gz",
      tinyProjectMembers({ name: "cs", counter }),
    );
    const options = { interpreter: await interpreter(), cacheRoot, installInto: pip.installInto };
    const plain = await buildWheel({ kind: "sdist", ...sdist }, options);
    const configSettings = { "--build-option": ["--a", "--b"], mode: "fast" };
    const tuned = await buildWheel({ kind: "sdist", ...sdist }, { ...options, configSettings });
    assertEquals(tuned.cached, false, "other settings, other wheel");
    assert(tuned.path !== plain.path);
    assert(tuned.path.includes(`${sdist.sha256}-cs`));
    const calls = await readCounter(counter);
    assertEquals(calls.map((c) => c.config_settings), [null, null, configSettings, configSettings]);
    assertEquals(
      (await buildWheel({ kind: "sdist", ...sdist }, { ...options, configSettings })).cached,
      true,
    );
  });
});

Deno.test("buildMetadata() without prepare_metadata_for_build_wheel builds the wheel once and keeps it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-build-test-" });
  try {
    // The local project's in-tree backend has no prepare_metadata_for_build_wheel.
    const tree = await writeLocalProject(join(dir, "proj"));
    const options = {
      interpreter: await interpreter(),
      cacheRoot: join(dir, "cache"),
      installInto: noInstall,
    };
    const metadata = await buildMetadata({ kind: "tree", path: tree }, options);
    assertEquals(metadata, "Metadata-Version: 2.1\nName: localproj\nVersion: 0.1.0\n");
    // The wheel built to get the metadata is in the cache: building it is a hit.
    const wheel = await buildWheel({ kind: "tree", path: tree }, options);
    assertEquals(wheel.cached, true);
    assertEquals((await wheelFiles(wheel.path))["localproj/__init__.py"], "ANSWER = 42\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildWheel() stops the backend on Ctrl-C and caches nothing", async () => {
  await withIndex(async (dir, cacheRoot, pip) => {
    const counter = join(dir, "counter.jsonl");
    const sdist = await writeSdist(
      dir,
      "slow-1.0.tar.gz",
      tinyProjectMembers({ name: "slow", counter, sleep: 30 }),
    );
    const controller = new AbortController();
    const options = {
      interpreter: await interpreter(),
      cacheRoot,
      installInto: pip.installInto,
      signal: controller.signal,
    };
    const started = performance.now();
    const build = buildWheel({ kind: "sdist", ...sdist }, options);
    const watch = (async () => {
      while (!(await readCounter(counter)).some((c) => c.hook === "build_wheel")) {
        await new Promise((r) => setTimeout(r, 20));
      }
      controller.abort("SIGINT");
    })();
    let error: unknown;
    try {
      await build;
    } catch (e) {
      error = e;
    }
    await watch;
    assert(error instanceof InterruptedError, `expected an InterruptedError, got ${error}`);
    assertEquals(error.exitCode, 130);
    assert(performance.now() - started < 25_000, "the backend was stopped, not waited for");
    for await (const entry of Deno.readDir(join(cacheRoot, "built-wheels-v1"))) {
      assert(!entry.isDirectory, `unexpected ${entry.name} in the wheel cache`);
    }
  });
});

const CRASH_SCRIPT = `
import { buildWheel } from ${JSON.stringify(new URL("./mod.ts", import.meta.url).href)};
import { findInterpreter } from ${
  JSON.stringify(new URL("../python/mod.ts", import.meta.url).href)
};
await buildWheel({ kind: "tree", path: Deno.args[0] }, {
  interpreter: await findInterpreter(undefined),
  cacheRoot: Deno.args[1],
  installInto: () => Promise.reject(new Error("no requirements expected")),
});
`;

Deno.test("buildWheel() killed before storing its wheel leaves no cache entry; the next build cleans up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-build-test-" });
  try {
    const tree = await writeLocalProject(join(dir, "proj"));
    const cacheRoot = join(dir, "cache");
    const script = join(dir, "crash.ts");
    await Deno.writeTextFile(script, CRASH_SCRIPT);
    const crashed = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        new URL("../../deno.json", import.meta.url).pathname,
        script,
        tree,
        cacheRoot,
      ],
      env: { GESTVENV_FAILPOINT: "build.before-store:exit" },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert(!crashed.success, new TextDecoder().decode(crashed.stderr));
    const bucket = join(cacheRoot, "built-wheels-v1");
    const entries = async () => {
      const names: string[] = [];
      for await (const e of Deno.readDir(bucket)) if (e.isDirectory) names.push(e.name);
      return names;
    };
    const debris = await entries();
    assertEquals(debris.length, 1, "only the build's temp directory");
    assert(debris[0]!.startsWith(".tmp-tree-"), debris[0]);

    const options = { interpreter: await interpreter(), cacheRoot, installInto: noInstall };
    const wheel = await buildWheel({ kind: "tree", path: tree }, options);
    assertEquals(wheel.cached, false);
    assertEquals(await entries(), [wheel.path.split("/").at(-2)!], "debris removed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
