import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
} from "../../tests/helpers/assert.ts";
import { createInstallFixture, treeListing } from "../../tests/helpers/install_fixture.ts";
import { buildCustomWheel, manifestOf, unpackToStore } from "../../tests/helpers/unpacked_wheel.ts";
import { readInstalledDistributions, readRecord } from "../distribution/mod.ts";
import { DistributionError } from "../errors/mod.ts";
import type { InstallEvent } from "./install_event.ts";
import { schemeDirs } from "./install_target.ts";
import { installWheel } from "./install_wheel.ts";

const TOOL_ENTRY_POINTS = `[console_scripts]
hello = toolpkg.cli:main
nested = toolpkg.cli:Runner.run [color]

[gui_scripts]
hello-gui = toolpkg.cli:gui

[other.group]
ignored = toolpkg:nothing
`;

const TOOL_SOURCE = `import sys
def main():
    print("hello from", sys.argv[0].rsplit("/", 1)[-1], sys.argv[1:])
    return 3
def gui():
    print("gui ran")
class Runner:
    @staticmethod
    def run():
        print("nested ran")
`;

Deno.test("installWheel() installs pure and platlib wheels that import, with metadata files", async () => {
  await using fx = await createInstallFixture();
  const pure = await unpackToStore(
    fx.store,
    buildCustomWheel({
      name: "Pure.Pkg",
      version: "1.0",
      files: { "pure_pkg/__init__.py": "WHERE = 'pure'\n" },
    }),
  );
  const plat = await unpackToStore(
    fx.store,
    buildCustomWheel({
      name: "plat-pkg",
      version: "2.0.0",
      rootIsPurelib: false,
      tag: "cp311-cp311-linux_x86_64",
      files: { "plat_pkg/__init__.py": "WHERE = 'plat'\n" },
    }),
  );
  const a = await installWheel(fx.target, pure, {
    linkMode: "hardlink",
    requested: true,
    directUrl: { url: "file:///src/pure", dir_info: { editable: false } },
  });
  const b = await installWheel(fx.target, plat, { linkMode: "hardlink", requested: false });
  assertEquals([a.name, a.normalized_name, a.version, a.requested], [
    "Pure.Pkg",
    "pure-pkg",
    "1.0",
    true,
  ]);
  assertEquals([b.name, b.installer, b.requested], ["plat-pkg", "gestvenv", false]);
  const out = await fx.python("import pure_pkg, plat_pkg; print(pure_pkg.WHERE, plat_pkg.WHERE)");
  assertEquals(out.stdout.trim(), "pure plat", out.stderr);

  // What lib/distribution (and pip) read back.
  const site = fx.target.layout.sitePackages[0]!;
  const listed = await readInstalledDistributions([site]);
  assertEquals(listed.map((d) => [d.normalized_name, d.version, d.installer, d.requested]), [
    ["plat-pkg", "2.0.0", "gestvenv", false],
    ["pure-pkg", "1.0", "gestvenv", true],
  ]);
  assertEquals(await Deno.readTextFile(join(a.dist_info, "INSTALLER")), "gestvenv\n");
  assertEquals(await Deno.readTextFile(join(a.dist_info, "REQUESTED")), "");
  assertEquals(JSON.parse(await Deno.readTextFile(join(a.dist_info, "direct_url.json"))), {
    url: "file:///src/pure",
    dir_info: { editable: false },
  });
  const record = (await readRecord(a.dist_info))!;
  assertEquals(record.map((r) => r.path), [
    "Pure_Pkg-1.0.dist-info/INSTALLER",
    "Pure_Pkg-1.0.dist-info/METADATA",
    "Pure_Pkg-1.0.dist-info/RECORD",
    "Pure_Pkg-1.0.dist-info/REQUESTED",
    "Pure_Pkg-1.0.dist-info/WHEEL",
    "Pure_Pkg-1.0.dist-info/direct_url.json",
    "pure_pkg/__init__.py",
  ]);
  for (const row of record) {
    if (row.path.endsWith("/RECORD")) {
      assertEquals([row.hash, row.size], ["", null]);
      continue;
    }
    const bytes = await Deno.readFile(join(site, row.path));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const b64 = btoa(String.fromCharCode(...digest)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    assertEquals([row.hash, row.size], [`sha256=${b64}`, bytes.length], row.path);
  }
  // pip agrees the environment holds what RECORD says.
  const pip = await fx.run("python3", [
    "-m",
    "pip",
    "--python",
    fx.target.layout.python,
    "list",
    "--format=json",
  ]);
  assertEquals(
    (JSON.parse(pip.stdout) as Array<{ name: string; version: string }>).map((d) => d.name).sort(),
    ["Pure.Pkg", "plat-pkg"],
    pip.stderr,
  );
});

Deno.test("installWheel() writes console and GUI launchers that run the entry points", async () => {
  await using fx = await createInstallFixture();
  const wheel = await unpackToStore(
    fx.store,
    buildCustomWheel({
      name: "toolpkg",
      version: "0.1",
      files: { "toolpkg/__init__.py": "", "toolpkg/cli.py": TOOL_SOURCE },
      entryPoints: TOOL_ENTRY_POINTS,
    }),
  );
  const dist = await installWheel(fx.target, wheel, { linkMode: "hardlink", requested: true });
  const bin = fx.target.layout.binDir;
  const hello = await fx.run(join(bin, "hello"), ["a", "b"]);
  assertEquals([hello.code, hello.stdout.trim()], [3, "hello from hello ['a', 'b']"], hello.stderr);
  const nested = await fx.run(join(bin, "nested"));
  assertEquals([nested.code, nested.stdout.trim()], [0, "nested ran"], nested.stderr);
  const gui = await fx.run(join(bin, "hello-gui"));
  assertEquals([gui.code, gui.stdout.trim()], [0, "gui ran"], gui.stderr);
  const launcher = await Deno.readTextFile(join(bin, "hello"));
  assertEquals(launcher.split("\n")[0], `#!${fx.target.layout.python}`);
  assertStringIncludes(launcher, "from toolpkg.cli import main\n");
  assertEquals((await Deno.stat(join(bin, "hello"))).mode! & 0o777, 0o755);
  assert(!(await Deno.lstat(join(bin, "ignored")).then(() => true, () => false)));
  const record = (await readRecord(dist.dist_info))!.map((r) => r.path);
  for (const name of ["hello", "nested", "hello-gui"]) {
    assert(record.includes(`../../../bin/${name}`), `RECORD lists bin/${name}: ${record}`);
  }
});

Deno.test("installWheel() spreads .data: scripts rewritten, headers, data, purelib", async () => {
  await using fx = await createInstallFixture();
  const data = "datapkg-1.0.data";
  const wheel = await unpackToStore(
    fx.store,
    buildCustomWheel({
      name: "datapkg",
      version: "1.0",
      rootIsPurelib: false,
      files: {
        [`${data}/scripts/pytool`]: "#!python\nimport sys\nprint('pytool on', sys.prefix)\n",
        [`${data}/scripts/pytoolw`]: "#!pythonw\r\nprint('windowed')\r\n",
        [`${data}/scripts/shtool`]: "#!/bin/sh\necho shell tool\n",
        [`${data}/scripts/notrewritten`]: "#!python3\nprint('kept')\n",
        [`${data}/headers/datapkg.h`]: "#define DATAPKG 1\n",
        [`${data}/data/share/datapkg/readme.txt`]: "data file\n",
        [`${data}/purelib/datapkg_pure.py`]: "X = 'from purelib'\n",
        [`${data}/platlib/datapkg_plat.py`]: "X = 'from platlib'\n",
      },
    }),
  );
  const dist = await installWheel(fx.target, wheel, { linkMode: "hardlink", requested: true });
  const { root, binDir } = fx.target.layout;
  const pytool = await fx.run(join(binDir, "pytool"));
  assertEquals(pytool.stdout.trim(), `pytool on ${root}`, pytool.stderr);
  const pytoolw = await fx.run(join(binDir, "pytoolw"));
  assertEquals(pytoolw.stdout.trim(), "windowed", pytoolw.stderr);
  const shtool = await fx.run(join(binDir, "shtool"));
  assertEquals(shtool.stdout.trim(), "shell tool", shtool.stderr);
  assertEquals(
    await Deno.readTextFile(join(binDir, "notrewritten")),
    "#!python3\nprint('kept')\n",
    "only a first line of exactly #!python or #!pythonw is rewritten",
  );
  assertEquals((await Deno.stat(join(binDir, "shtool"))).mode! & 0o111, 0o111);
  const version = fx.target.pythonVersion;
  assertEquals(
    await Deno.readTextFile(
      join(root, "include", "site", `python${version}`, "datapkg", "datapkg.h"),
    ),
    "#define DATAPKG 1\n",
  );
  assertEquals(
    await Deno.readTextFile(join(root, "share", "datapkg", "readme.txt")),
    "data file\n",
  );
  const out = await fx.python(
    "import datapkg_pure, datapkg_plat; print(datapkg_pure.X, '/', datapkg_plat.X)",
  );
  assertEquals(out.stdout.trim(), "from purelib / from platlib", out.stderr);
  const site = fx.target.layout.sitePackages[0]!;
  assert(!(await Deno.lstat(join(site, data)).then(() => true, () => false)), "no .data dir left");
  const record = (await readRecord(dist.dist_info))!;
  const paths = record.map((r) => r.path);
  for (
    const expected of [
      "../../../bin/pytool",
      "../../../share/datapkg/readme.txt",
      `../../../include/site/python${version}/datapkg/datapkg.h`,
      "datapkg_pure.py",
    ]
  ) assert(paths.includes(expected), `${expected} in ${paths}`);
  // The rewritten script is recorded with its new hash and size.
  const rewritten = await Deno.readFile(join(binDir, "pytool"));
  assertEquals(record.find((r) => r.path === "../../../bin/pytool")!.size, rewritten.length);
});

Deno.test("installWheel() installs two wheels sharing a namespace package", async () => {
  await using fx = await createInstallFixture();
  for (const part of ["alpha", "beta"]) {
    await installWheel(
      fx.target,
      await unpackToStore(
        fx.store,
        buildCustomWheel({
          name: `ns-${part}`,
          version: "1.0",
          files: { [`ns/${part}/__init__.py`]: `NAME = '${part}'\n` },
        }),
      ),
      { linkMode: "hardlink", requested: true },
    );
  }
  const out = await fx.python("import ns.alpha, ns.beta; print(ns.alpha.NAME, ns.beta.NAME)");
  assertEquals(out.stdout.trim(), "alpha beta", out.stderr);
});

Deno.test("installWheel() rejects hostile manifests and writes nothing", async (t) => {
  await using fx = await createInstallFixture();
  const before = await treeListing(fx.target.layout.root);
  const good = [
    {
      path: "evil-1.0.dist-info/METADATA",
      content: "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n\n",
    },
    { path: "evil-1.0.dist-info/WHEEL", content: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n\n" },
  ];
  const cases: Array<[string, Array<{ path: string; content: string }>, string]> = [
    ["traversal", [{ path: "../../../../evil.py", content: "x" }], "unsafe path"],
    ["inner traversal", [{ path: "evil/../../../../../x.py", content: "x" }], "unsafe path"],
    ["absolute", [{ path: "/tmp/evil.py", content: "x" }], "unsafe path"],
    ["backslash", [{ path: "..\\..\\evil.py", content: "x" }], "unsafe path"],
    ["data traversal", [{ path: "evil-1.0.data/data/../../../x", content: "x" }], "unsafe path"],
    ["unknown .data dir", [{ path: "evil-1.0.data/bogus/x", content: "x" }], "unknown .data"],
    [
      "duplicate",
      [{ path: "evil.py", content: "a" }, { path: "evil.py", content: "b" }],
      "duplicate",
    ],
    ["same destination", [
      { path: "evil.py", content: "a" },
      { path: "evil-1.0.data/purelib/evil.py", content: "b" },
    ], "same path"],
  ];
  for (const [label, extra, message] of cases) {
    await t.step(label, async () => {
      const wheel = await manifestOf(fx.store, "evil-1.0-py3-none-any.whl", [...good, ...extra]);
      await assertRejects(
        () => installWheel(fx.target, wheel, { linkMode: "hardlink", requested: true }),
        DistributionError,
        message,
      );
      assertEquals(await treeListing(fx.target.layout.root), before);
    });
  }
  await t.step("METADATA that disagrees with the file name", async () => {
    for (
      const spec of [{ metadataName: "other" }, { metadataVersion: "1.1" }, { wheelVersion: "2.0" }]
    ) {
      const wheel = await unpackToStore(
        fx.store,
        buildCustomWheel({ name: "evil", version: "1.0", files: { "evil.py": "" }, ...spec }),
      );
      await assertRejects(
        () => installWheel(fx.target, wheel, { linkMode: "hardlink", requested: true }),
        DistributionError,
      );
    }
    assertEquals(await treeListing(fx.target.layout.root), before);
  });
  await t.step("entry point without a callable", async () => {
    const wheel = await unpackToStore(
      fx.store,
      buildCustomWheel({
        name: "evil",
        version: "1.0",
        files: { "evil.py": "" },
        entryPoints: "[console_scripts]\nevil = evil\n",
      }),
    );
    await assertRejects(
      () => installWheel(fx.target, wheel, { linkMode: "hardlink", requested: true }),
      DistributionError,
      "module:callable",
    );
  });
});

async function storedInodes(store: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const shard of Deno.readDir(store)) {
    for await (const f of Deno.readDir(join(store, shard.name))) {
      out.set(f.name, (await Deno.stat(join(store, shard.name, f.name))).ino!);
    }
  }
  return out;
}

Deno.test("installWheel() hard-links or copies from the store, and never writes to it", async () => {
  const spec = { name: "linked", version: "1.0", files: { "linked/__init__.py": "V = 1\n" } };
  for (const mode of ["hardlink", "copy", "clone"] as const) {
    await using fx = await createInstallFixture();
    const wheel = await unpackToStore(fx.store, buildCustomWheel(spec));
    const events: InstallEvent[] = [];
    await installWheel(fx.target, wheel, {
      linkMode: mode,
      requested: true,
      onEvent: (e) => events.push(e),
    });
    const installed = join(schemeDirs(fx.target).purelib, "linked", "__init__.py");
    const file = wheel.files.find((f) => f.path === "linked/__init__.py")!;
    const storedIno = (await Deno.stat(wheel.storedFile(file.sha256))).ino;
    const installedStat = await Deno.stat(installed);
    const linkEvent = events.find((e) => e.kind === "link-mode");
    if (mode === "copy") {
      assert(installedStat.ino !== storedIno, "a copy is a new inode");
      assertEquals(installedStat.mode! & 0o777, 0o644, "a copy gets the usual mode");
      assertEquals(linkEvent, { kind: "link-mode", mode: "copy" });
    } else if (mode === "hardlink") {
      assertEquals(installedStat.ino, storedIno, "a hard link shares the stored inode");
      assertEquals(linkEvent, { kind: "link-mode", mode: "hardlink" });
    } else if (linkEvent?.kind === "link-mode" && linkEvent.mode === "hardlink") {
      // ext4/tmpfs cannot reflink: clone falls back to hard links, with a warning.
      assertStringIncludes(linkEvent.warning ?? "", "cannot clone");
      assertEquals(installedStat.ino, storedIno);
    } else {
      assertEquals(linkEvent, { kind: "link-mode", mode: "clone" });
      assert(installedStat.ino !== storedIno);
    }
    assertEquals(await Deno.readTextFile(installed), "V = 1\n");
    // Overwriting the linked file with another wheel's replaces it by rename: the store keeps
    // its bytes and inode.
    const before = await storedInodes(fx.store);
    const other = await unpackToStore(
      fx.store,
      buildCustomWheel({ ...spec, name: "intruder", files: { "linked/__init__.py": "V = 2\n" } }),
    );
    const overwrites: InstallEvent[] = [];
    await installWheel(fx.target, other, {
      linkMode: "copy",
      requested: true,
      onEvent: (e) => overwrites.push(e),
    });
    assertEquals(overwrites.filter((e) => e.kind === "overwritten"), [
      { kind: "overwritten", name: "intruder", version: "1.0", path: installed },
    ]);
    assertEquals(await Deno.readTextFile(installed), "V = 2\n");
    assertEquals(await Deno.readTextFile(wheel.storedFile(file.sha256)), "V = 1\n");
    for (const [hash, ino] of before) assertEquals((await storedInodes(fx.store)).get(hash), ino);
  }
});

Deno.test("installWheel() copies with a warning when the store is on another filesystem", async () => {
  let shm: string;
  try {
    shm = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "gestvenv-store-" });
  } catch {
    return; // No tmpfs here: the cross-filesystem case cannot be built.
  }
  const tmpDev = (await Deno.stat(await Deno.makeTempDir())).dev;
  if ((await Deno.stat(shm)).dev === tmpDev) {
    await Deno.remove(shm, { recursive: true });
    return;
  }
  await using fx = await createInstallFixture({ store: shm });
  const wheel = await unpackToStore(
    fx.store,
    buildCustomWheel({ name: "far", version: "1.0", files: { "far.py": "WHERE = 'far'\n" } }),
  );
  const events: InstallEvent[] = [];
  await installWheel(fx.target, wheel, {
    linkMode: "hardlink",
    requested: true,
    onEvent: (e) => events.push(e),
  });
  const linkEvents = events.filter((e) => e.kind === "link-mode");
  assertEquals(linkEvents.length, 1);
  assertEquals(linkEvents[0]!.kind === "link-mode" && linkEvents[0]!.mode, "copy");
  assertStringIncludes(
    (linkEvents[0] as { warning?: string }).warning ?? "",
    "different filesystems",
  );
  const out = await fx.python("import far; print(far.WHERE)");
  assertEquals(out.stdout.trim(), "far", out.stderr);
});

Deno.test("installWheel() uses the /bin/sh launcher form for a long path with spaces", async () => {
  const longName = "env with spaces " + "x".repeat(120);
  await using fx = await createInstallFixture({ envName: longName });
  const wheel = await unpackToStore(
    fx.store,
    buildCustomWheel({
      name: "toolpkg",
      version: "0.1",
      files: {
        "toolpkg/__init__.py": "",
        "toolpkg/cli.py": TOOL_SOURCE,
        "toolpkg-0.1.data/scripts/pyscript": "#!python\nprint('data script ran')\n",
      },
      entryPoints: TOOL_ENTRY_POINTS,
    }),
  );
  await installWheel(fx.target, wheel, { linkMode: "hardlink", requested: true });
  const bin = fx.target.layout.binDir;
  const launcher = await Deno.readTextFile(join(bin, "hello"));
  assertEquals(launcher.split("\n").slice(0, 3), [
    "#!/bin/sh",
    `'''exec' '${fx.target.layout.python}' "$0" "$@"`,
    "' '''",
  ]);
  const hello = await fx.run(join(bin, "hello"), ["x y"]);
  assertEquals([hello.code, hello.stdout.trim()], [3, "hello from hello ['x y']"], hello.stderr);
  const script = await fx.run(join(bin, "pyscript"));
  assertEquals(script.stdout.trim(), "data script ran", script.stderr);
});

Deno.test("installWheel() refuses to install through a symbolic link out of the environment", async () => {
  await using fx = await createInstallFixture();
  const outside = join(fx.dir, "outside");
  await Deno.mkdir(outside);
  const site = schemeDirs(fx.target).purelib;
  await Deno.symlink(outside, join(site, "escape"));
  await Deno.symlink(outside, join(fx.target.layout.root, "share"));
  for (
    const files of [
      { "escape/sub/__init__.py": "X = 1\n" },
      { "escape-1.0.data/data/share/deep/file.txt": "x\n" },
    ]
  ) {
    const wheel = await unpackToStore(
      fx.store,
      buildCustomWheel({ name: "escape", version: "1.0", files }),
    );
    await assertRejects(
      () => installWheel(fx.target, wheel, { linkMode: "hardlink", requested: true }),
      DistributionError,
      "resolves outside the environment",
    );
    assertEquals(await treeListing(outside), [], "nothing was made outside");
  }
});

Deno.test("installWheel() makes executable files executable without touching the store's mode", async () => {
  await using fx = await createInstallFixture();
  const wheel = await manifestOf(fx.store, "exe-1.0-py3-none-any.whl", [
    {
      path: "exe-1.0.dist-info/METADATA",
      content: "Metadata-Version: 2.1\nName: exe\nVersion: 1.0\n\n",
    },
    { path: "exe-1.0.dist-info/WHEEL", content: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n\n" },
    { path: "exe/helper", content: "#!/bin/sh\necho helper ran\n", executable: true },
    { path: "exe/plain.txt", content: "plain\n" },
    { path: "exe-1.0.data/scripts/hello", content: "#!/bin/sh\necho from data\n" },
  ]);
  const events: InstallEvent[] = [];
  // A script of the same name as a file already in bin/ replaces it, and says so.
  await Deno.writeTextFile(join(fx.target.layout.binDir, "hello"), "stale\n");
  await installWheel(fx.target, wheel, {
    linkMode: "hardlink",
    requested: true,
    onEvent: (e) => events.push(e),
  });
  const site = schemeDirs(fx.target).purelib;
  const helper = await fx.run(join(site, "exe", "helper"));
  assertEquals(helper.stdout.trim(), "helper ran", helper.stderr);
  const file = wheel.files.find((f) => f.path === "exe/helper")!;
  assertEquals((await Deno.stat(wheel.storedFile(file.sha256))).mode! & 0o777, 0o444);
  assert(
    (await Deno.stat(join(site, "exe", "helper"))).ino !==
      (await Deno.stat(wheel.storedFile(file.sha256))).ino,
    "a stored file without execute bits is copied, not linked",
  );
  const plain = wheel.files.find((f) => f.path === "exe/plain.txt")!;
  assertEquals(
    (await Deno.stat(join(site, "exe", "plain.txt"))).ino,
    (await Deno.stat(wheel.storedFile(plain.sha256))).ino,
  );
  assertEquals((await fx.run(join(fx.target.layout.binDir, "hello"))).stdout.trim(), "from data");
  assertEquals(events.filter((e) => e.kind === "overwritten"), [
    {
      kind: "overwritten",
      name: "exe",
      version: "1.0",
      path: join(fx.target.layout.binDir, "hello"),
    },
  ]);
});
