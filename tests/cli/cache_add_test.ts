/**
 * `cache add` and `cache check-offline` against the local index: per-platform resolution of
 * synthesized machines (a Windows-only binary wheel, a manylinux wheel, a pure wheel, an
 * sdist-only project), exactly the right files in the cache (by sha256), nothing installed, the
 * offline verdict with what is missing, and the verdict again with the index gone and the network
 * denied.
 */
import { gzipSync } from "fflate";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel, type BuiltWheel } from "../helpers/build_wheel.ts";
import { makeTar, tinyBackendWheel, tinyProjectMembers } from "../helpers/build_fixtures.ts";
import { assertSnapshot, filterText } from "../helpers/snapshot.ts";
import { assertOk, createTestContext, type TestContext } from "../helpers/test_context.ts";
import { PERMISSION_FLAGS } from "../../commands/_self.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * An sdist built by the tiny backend (`build-system.requires = ["tiny-backend"]`) whose PKG-INFO
 * is static (Metadata-Version 2.2): its metadata is read without a build.
 */
function staticSdist(name: string, version: string): { filename: string; bytes: Uint8Array } {
  const members = tinyProjectMembers({ name, version }).map((m) =>
    m.name.endsWith("/PKG-INFO")
      ? { ...m, data: `Metadata-Version: 2.2\nName: ${name}\nVersion: ${version}\n` }
      : m
  );
  return { filename: `${name}-${version}.tar.gz`, bytes: gzipSync(makeTar(members)) };
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function fixtures() {
  const wheels = {
    pure: buildWheel({ name: "purepkg", version: "1.0" }),
    win: buildWheel({ name: "winonly", version: "1.0", tag: "cp312-cp312-win_amd64" }),
    linux: buildWheel({
      name: "linuxonly",
      version: "1.0",
      tag: "py3-none-manylinux_2_17_x86_64",
    }),
    mac: buildWheel({ name: "maconly", version: "1.0", tag: "cp312-cp312-macosx_11_0_arm64" }),
    backend: tinyBackendWheel(),
    app: buildWheel({
      name: "app",
      version: "1.0",
      dependencies: [
        "purepkg",
        "srconly",
        "winonly; sys_platform == 'win32'",
        "linuxonly; sys_platform == 'linux'",
      ],
    }),
  };
  const sdist = staticSdist("srconly", "1.0");
  return { wheels, sdist };
}

async function context(): Promise<{ ctx: TestContext; f: ReturnType<typeof fixtures> }> {
  const f = fixtures();
  const list: BuiltWheel[] = Object.values(f.wheels);
  const ctx = await createTestContext(list, {
    json: true,
    extraFiles: { [f.sdist.filename]: f.sdist.bytes },
  });
  return { ctx, f };
}

/** sha256 → file name of every artifact in the cache, read from the tree. */
async function cachedArtifacts(home: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const root = join(home, "cache", "artifacts-v1");
  const dirs = async function* (dir: string) {
    try {
      for await (const e of Deno.readDir(dir)) if (e.isDirectory) yield e.name;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  for await (const prefix of dirs(root)) {
    for await (const digest of dirs(join(root, prefix))) {
      for await (const file of Deno.readDir(join(root, prefix, digest))) {
        if (file.isFile) out.set(digest, file.name);
      }
    }
  }
  return out;
}

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

interface JsonFile {
  project: string;
  filename: string;
  sha256: string;
  state: string;
  kind: string;
  note: string | null;
  buildFor: string | null;
}

interface JsonPlatform {
  platform: string;
  python: string;
  files: JsonFile[];
  failure: { message: string; details: string | null } | null;
}

const TWO = ["--platforms", "win_amd64,manylinux_2_28_x86_64", "--python-version", "3.12"];

Deno.test("cache add fetches exactly each platform's files and installs nothing; check-offline says what is missing, then passes with the index gone and the network denied", async (t) => {
  const { ctx, f } = await context();
  await using _ = ctx;
  const { wheels, sdist } = f;

  await t.step(
    "one platform: its wheels, the sdist when no wheel fits and its build requirements, nothing installed",
    async () => {
      const r = await ctx.run([
        "cache",
        "add",
        "app",
        "--platforms",
        "manylinux_2_28_x86_64",
        "--python-version",
        "3.12",
        "--format",
        "json",
      ]);
      assertOk(r);
      const data = JSON.parse(r.stdout).data;
      assertEquals(data.added, 5);
      const [linux] = data.platforms as JsonPlatform[];
      assertEquals(linux!.python, "3.12.0");
      assertEquals(
        linux!.files.map((x) => [x.project, x.filename, x.kind, x.state, x.note, x.buildFor]),
        [
          ["app", wheels.app.filename, "wheel", "added", null, null],
          ["linuxonly", wheels.linux.filename, "wheel", "added", null, null],
          ["purepkg", wheels.pure.filename, "wheel", "added", null, null],
          [
            "srconly",
            sdist.filename,
            "sdist",
            "added",
            "no wheel for manylinux_2_28_x86_64",
            null,
          ],
          // The sdist is built where it is installed: its PEP 518 build requirements come too.
          ["tiny-backend", wheels.backend.filename, "wheel", "added", null, "srconly 1.0"],
        ],
      );
      assertEquals(
        await cachedArtifacts(ctx.home),
        new Map([
          [wheels.app.sha256, wheels.app.filename],
          [wheels.linux.sha256, wheels.linux.filename],
          [wheels.pure.sha256, wheels.pure.filename],
          [sha(sdist.bytes), sdist.filename],
          [wheels.backend.sha256, wheels.backend.filename],
        ]),
      );
      // Nothing was installed or created: no environment, no registry.
      assertEquals(await exists(join(ctx.home, "environments")), false);
      assertEquals(await exists(join(ctx.home, "environments.json")), false);
    },
  );

  await t.step("check-offline names what the other platform lacks, exit 4", async () => {
    const r = await ctx.run(["cache", "check-offline", "app", ...TWO, "--format", "json"]);
    assertEquals(r.code, 4, r.stderr);
    const data = JSON.parse(r.stdout).data;
    assertEquals(data.ready, false);
    const [win, linux] = data.platforms;
    assertEquals(linux.ready, true);
    assertEquals(win.ready, false);
    assertEquals(
      win.missing.map((m: { project: string; reason: string; platform: string }) => [
        m.project,
        m.platform,
        m.reason,
      ]),
      [["winonly", "win_amd64", "no cached index page"]],
    );
    // Each gap is named, even those a first missing page would hide (maconly stops the whole
    // resolution before app's dependencies are read).
    const both = await ctx.run([
      "cache",
      "check-offline",
      "maconly",
      "app",
      "--platforms",
      "win_amd64",
      "--python-version",
      "3.12",
      "--format",
      "json",
    ]);
    assertEquals(both.code, 4, both.stderr);
    assertEquals(
      JSON.parse(both.stdout).data.platforms[0].missing.map((m: { project: string }) => m.project)
        .sort(),
      ["maconly", "winonly"],
    );
    const text = await ctx.run(["cache", "check", "app", ...TWO]);
    assertEquals(text.code, 4);
    await assertSnapshot(
      t,
      filterText(`${text.stdout}${text.stderr}`, [[ctx.index.url, "<index>"]])
        // Column widths follow the port's digits.
        .replace(/ +│/g, " │").replace(/─+/g, "─"),
    );
  });

  await t.step(
    "both platforms: only the Windows wheel is new; the cache holds exactly six files",
    async () => {
      const r = await ctx.run(["cache", "add", "app", ...TWO, "--format", "json"]);
      assertOk(r);
      const data = JSON.parse(r.stdout).data;
      assertEquals([data.added, data.present], [1, 5]);
      const [win, linux] = data.platforms as JsonPlatform[];
      assertEquals(
        win!.files.map((x) => [x.filename, x.state]),
        [
          [wheels.app.filename, "present"],
          [wheels.pure.filename, "present"],
          [sdist.filename, "present"],
          [wheels.win.filename, "added"],
          [wheels.backend.filename, "present"],
        ],
      );
      assertEquals(linux!.files.every((x) => x.state === "present"), true);
      const cached = await cachedArtifacts(ctx.home);
      assertEquals(cached.size, 6);
      assertEquals(cached.get(wheels.win.sha256), wheels.win.filename);
      assertEquals(cached.has(wheels.mac.sha256), false);
      assertEquals(await exists(join(ctx.home, "environments")), false);
    },
  );

  await t.step("check-offline passes", async () => {
    const r = await ctx.run(["cache", "check-offline", "app", ...TWO]);
    assertOk(r);
    assertStringIncludes(
      r.stderr,
      "Ready offline: win_amd64 (Python 3.12.0), manylinux_2_28_x86_64 (Python 3.12.0)",
    );
    assertStringIncludes(r.stdout, wheels.win.filename);
  });

  await t.step("with the index stopped and --deny-net, check-offline still passes", async () => {
    await ctx.index.close();
    const before = ctx.index.requests.length;
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...PERMISSION_FLAGS.filter((p) => p !== "--allow-net"),
        "--deny-net",
        MAIN,
        "cache",
        "check-offline",
        "app",
        ...TWO,
        "--format",
        "json",
      ],
      env: ctx.env,
      clearEnv: true,
      cwd: ctx.work,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(child.stderr);
    assertEquals(child.code, 0, stderr);
    const data = JSON.parse(new TextDecoder().decode(child.stdout)).data;
    assertEquals(data.ready, true);
    assertEquals(ctx.index.requests.length, before);
  });

  await t.step(
    "an artifact removed from the cache is named, with its version and platform",
    async () => {
      const dir = join(
        ctx.home,
        "cache",
        "artifacts-v1",
        wheels.win.sha256.slice(0, 2),
        wheels.win.sha256,
      );
      await Deno.remove(dir, { recursive: true });
      const r = await ctx.run(["cache", "check-offline", "app", ...TWO, "--format", "json"]);
      assertEquals(r.code, 4, r.stderr);
      const [win, linux] = JSON.parse(r.stdout).data.platforms;
      assertEquals(linux.ready, true);
      assertEquals(win.missing, [{
        project: "winonly",
        version: "1.0",
        platform: "win_amd64",
        reason: "no cached artifact",
        detail: wheels.win.filename,
        buildFor: null,
      }]);
      // A build requirement missing is named with the sdist it builds.
      const backend = wheels.backend.sha256;
      await Deno.remove(join(ctx.home, "cache", "artifacts-v1", backend.slice(0, 2), backend), {
        recursive: true,
      });
      const linuxOnly = await ctx.run([
        "cache",
        "check-offline",
        "app",
        "--platforms",
        "manylinux_2_28_x86_64",
        "--python-version",
        "3.12",
        "--format",
        "json",
      ]);
      assertEquals(linuxOnly.code, 4, linuxOnly.stderr);
      assertEquals(JSON.parse(linuxOnly.stdout).data.platforms[0].missing, [{
        project: "tiny-backend",
        version: "1.0",
        platform: "manylinux_2_28_x86_64",
        reason: "no cached artifact",
        detail: wheels.backend.filename,
        buildFor: "srconly 1.0",
      }]);
    },
  );
});

Deno.test("cache add: a platform with no distribution is reported (exit 4) while the others are fetched; --no-deps takes only the named project; an sdist builds offline from what was added", async () => {
  const { ctx, f } = await context();
  await using _ = ctx;
  const { wheels } = f;
  const r = await ctx.run([
    "cache",
    "add",
    "maconly",
    "--platforms",
    "win_amd64,macosx_14_0_arm64",
    "--python-version",
    "3.12",
    "--format",
    "json",
  ]);
  assertEquals(r.code, 4, r.stderr);
  const json = JSON.parse(r.stdout);
  assertEquals(json.status, "error");
  const [win, mac] = json.data.platforms as JsonPlatform[];
  assertEquals(win!.files, []);
  assert(win!.failure !== null);
  assertStringIncludes(win!.failure.details ?? "", "macosx_11_0_arm64");
  assertEquals(mac!.files.map((x) => x.filename), [wheels.mac.filename]);
  assertEquals([...(await cachedArtifacts(ctx.home)).keys()], [wheels.mac.sha256]);

  const text = await ctx.run([
    "cache",
    "add",
    "maconly",
    "--platforms",
    "win_amd64",
    "--python-version",
    "3.12",
  ]);
  assertEquals(text.code, 4);
  assertStringIncludes(text.stderr, "win_amd64: No solution satisfies the requirements");
  assertStringIncludes(text.stdout, "no resolution");

  const noDeps = await ctx.run([
    "cache",
    "add",
    "app",
    "--no-deps",
    "--platforms",
    "win_amd64",
    "--python-version",
    "3.12",
    "--format",
    "json",
  ]);
  assertOk(noDeps);
  const [only] = JSON.parse(noDeps.stdout).data.platforms as JsonPlatform[];
  assertEquals(only!.files.map((x) => x.project), ["app"]);
  const cached = await cachedArtifacts(ctx.home);
  assertEquals(new Set(cached.keys()), new Set([wheels.mac.sha256, wheels.app.sha256]));

  // An sdist-only project, added for this interpreter, builds offline with the index gone: its
  // build requirement (tiny-backend) came with it.
  assertOk(await ctx.run(["cache", "add", "srconly"]));
  assertEquals((await cachedArtifacts(ctx.home)).has(wheels.backend.sha256), true);
  assertOk(await ctx.run(["cache", "check", "srconly"]));
  await ctx.index.close();
  assertOk(await ctx.run(["--offline", "create", "built", "--packages", "srconly"]));
  const imported = await ctx.exec(join(ctx.envPath("built"), "bin", "python"), [
    "-c",
    "import srconly; print(srconly.ANSWER)",
  ]);
  assertOk(imported);
  assertEquals(imported.stdout.trim(), "srconly");
});

Deno.test("cache add for this interpreter: --dry-run downloads nothing, check-offline agrees with --offline, which then creates from the cache with the index gone; bad input is a usage error", async () => {
  await using ctx = await createTestContext();
  const dry = await ctx.run(["cache", "add", "demo-pkg", "--dry-run", "--format", "json"]);
  assertOk(dry);
  const planned = JSON.parse(dry.stdout).data;
  assertEquals(planned.added, 2);
  assertEquals(
    planned.platforms[0].files.map((x: JsonFile) => [x.project, x.state]),
    [["demo-dep", "planned"], ["demo-pkg", "planned"]],
  );
  assertEquals((await cachedArtifacts(ctx.home)).size, 0);

  assertEquals((await ctx.run(["cache", "check", "demo-pkg"])).code, 4);
  assertOk(await ctx.run(["cache", "add", "demo-pkg==1.0.0"]));
  assertEquals(await exists(join(ctx.home, "environments.json")), false);
  assertEquals((await cachedArtifacts(ctx.home)).size, 2);
  // Ready as `--offline` resolves: from what the cache holds (1.0.0, though the index has 1.1.0).
  const ready = await ctx.run(["--offline", "cache", "check", "demo-pkg", "--format", "json"]);
  assertOk(ready);
  assertEquals(
    JSON.parse(ready.stdout).data.platforms[0].files.map((x: JsonFile) => x.filename).sort(),
    ["demo_dep-2.0.0-py3-none-any.whl", "demo_pkg-1.0.0-py3-none-any.whl"],
  );
  const newer = await ctx.run(["cache", "check", "demo-pkg>=1.1", "--format", "json"]);
  assertEquals(newer.code, 4, newer.stderr);
  assertEquals(
    JSON.parse(newer.stdout).data.platforms[0].missing.map((m: Record<string, unknown>) => [
      m.project,
      m.version,
      m.reason,
    ]),
    [["demo-pkg", "1.1.0", "no cached artifact"]],
  );
  // What check-offline called ready installs offline, with the index gone.
  await ctx.index.close();
  assertOk(await ctx.run(["--offline", "create", "offline-env", "--packages", "demo-pkg"]));
  const imported = await ctx.exec(join(ctx.envPath("offline-env"), "bin", "python"), [
    "-c",
    "import demo_pkg, demo_dep; print(demo_pkg.VERSION, demo_dep.VERSION)",
  ]);
  assertOk(imported);
  assertEquals(imported.stdout.trim(), "1.0.0 2.0.0");

  for (
    const args of [
      ["cache", "add"],
      ["cache", "add", "demo-pkg", "--platforms", "solaris_2_11"],
      ["cache", "add", "demo-pkg", "--python-version", "3.12"],
      ["cache", "add", "demo-pkg", "--platforms", "win_amd64", "--python-version", "2.7"],
      ["cache", "check-offline", "demo-pkg", "--platforms", "win_amd64", "--implementation", "pp"],
    ]
  ) {
    const r = await ctx.run(args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assertStringIncludes(r.stderr, "hint:");
  }
});

Deno.test("cache add: a file that does not match the index's sha256 is refused (exit 5) and never enters the cache", async () => {
  const good = buildWheel({ name: "liar", version: "1.0" });
  const liar = {
    ...good,
    bytes: buildWheel({ name: "liar", version: "1.0", moduleSource: "X = 1\n" }).bytes,
  };
  await using ctx = await createTestContext([liar]);
  const r = await ctx.run([
    "cache",
    "add",
    "liar",
    "--platforms",
    "win_amd64",
    "--python-version",
    "3.12",
  ]);
  assertEquals(r.code, 5, r.stderr);
  assertStringIncludes(r.stderr, "sha256");
  assertEquals((await cachedArtifacts(ctx.home)).size, 0);
  const check = await ctx.run([
    "cache",
    "check",
    "liar",
    "--platforms",
    "win_amd64",
    "--python-version",
    "3.12",
    "--format",
    "json",
  ]);
  assertEquals(check.code, 4, check.stderr);
  assertEquals(
    JSON.parse(check.stdout).data.platforms[0].missing.map((m: { reason: string }) => m.reason),
    ["no cached artifact"],
  );
});
