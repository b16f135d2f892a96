import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { createInstallFixture, treeListing } from "../../tests/helpers/install_fixture.ts";
import { assertSnapshot, filterText } from "../../tests/helpers/snapshot.ts";
import { buildCustomWheel, unpackToStore } from "../../tests/helpers/unpacked_wheel.ts";
import { readInstalledDistributions } from "../distribution/mod.ts";
import { DistributionError, GestvenvError, OperationError } from "../errors/mod.ts";
import { compileBytecode } from "./compile_bytecode.ts";
import { installWheel, installWheelWithFiles } from "./install_wheel.ts";
import { uninstallDistribution } from "./uninstall.ts";
import { installTargetAt } from "./install_target.ts";

function richWheel(name: string) {
  const mod = name.replaceAll("-", "_");
  const data = `${mod}-1.0.data`;
  return buildCustomWheel({
    name,
    version: "1.0",
    files: {
      [`${mod}/__init__.py`]: "from . import sub\n",
      [`${mod}/sub/__init__.py`]: "",
      [`${mod}/sub/deep/mod.py`]: "X = 1\n",
      [`${mod}/py.typed`]: "",
      [`shared_ns/${mod}/__init__.py`]: "",
      [`${data}/scripts/${mod}-script`]: "#!python\nprint('hi')\n",
      [`${data}/headers/${mod}.h`]: "/* h */\n",
      [`${data}/data/share/${mod}/man/${mod}.1`]: ".TH X\n",
    },
    entryPoints: `[console_scripts]\n${mod}-cli = ${mod}:main\n`,
  });
}

Deno.test("uninstallDistribution() leaves the environment as it was before the install", async () => {
  await using fx = await createInstallFixture();
  const root = fx.target.layout.root;
  const before = await treeListing(root);
  // A neighbour sharing the namespace directory must survive.
  const neighbour = await installWheel(
    fx.target,
    await unpackToStore(fx.store, richWheel("neighbour")),
    { linkMode: "hardlink", requested: true },
  );
  const withNeighbour = await treeListing(root);
  const { distribution, pythonFiles } = await installWheelWithFiles(
    fx.target,
    await unpackToStore(fx.store, richWheel("victim")),
    { linkMode: "hardlink", requested: true },
  );
  // Bytecode as an import or --compile would leave it.
  const compiled = await compileBytecode(fx.target.layout.python, pythonFiles);
  assertEquals(compiled, { compiled: pythonFiles.length, failed: 0 });
  const site = fx.target.layout.sitePackages[0]!;
  const pyc = (await treeListing(site)).filter((p) => p.includes("victim") && p.endsWith(".pyc"));
  assert(pyc.length >= 4, `bytecode written: ${pyc}`);
  assert((await treeListing(root)).length > withNeighbour.length);

  await uninstallDistribution(fx.target, distribution);
  assertEquals(await treeListing(root), withNeighbour);
  await uninstallDistribution(fx.target, neighbour);
  assertEquals(await treeListing(root), before);
  assertEquals(await readInstalledDistributions([site]), []);
});

Deno.test("uninstallDistribution() refuses a RECORD that points outside the environment", async () => {
  await using fx = await createInstallFixture();
  const outside = join(fx.dir, "precious.txt");
  await Deno.writeTextFile(outside, "keep me");
  const dist = await installWheel(
    fx.target,
    await unpackToStore(
      fx.store,
      buildCustomWheel({ name: "liar", version: "1.0", files: { "liar.py": "X = 1\n" } }),
    ),
    { linkMode: "copy", requested: true },
  );
  const record = join(dist.dist_info, "RECORD");
  const honest = await Deno.readTextFile(record);
  for (const bad of ["../../../../precious.txt", outside, "../../../../env/../precious.txt"]) {
    await Deno.writeTextFile(record, honest + `${bad},,\n`);
    await assertRejects(
      () => uninstallDistribution(fx.target, dist),
      DistributionError,
      "outside the environment",
    );
    assertEquals(await Deno.readTextFile(outside), "keep me");
    const out = await fx.python("import liar; print(liar.X)");
    assertEquals(out.stdout.trim(), "1", "nothing was removed");
  }
  // A directory inside the environment that is a symbolic link out of it is refused too.
  const site = fx.target.layout.sitePackages[0]!;
  await Deno.symlink(fx.dir, join(site, "escape"));
  await Deno.writeTextFile(record, honest + "escape/precious.txt,,\n");
  await assertRejects(() => uninstallDistribution(fx.target, dist), DistributionError, "resolves");
  assertEquals(await Deno.readTextFile(outside), "keep me");
});

Deno.test("uninstallDistribution() without RECORD fails with a hint", async (t) => {
  await using fx = await createInstallFixture();
  const dist = await installWheel(
    fx.target,
    await unpackToStore(
      fx.store,
      buildCustomWheel({ name: "norecord", version: "1.0", files: { "norecord.py": "" } }),
    ),
    { linkMode: "hardlink", requested: true },
  );
  await Deno.remove(join(dist.dist_info, "RECORD"));
  const error = await assertRejects(
    () => uninstallDistribution(fx.target, dist),
    OperationError,
    "has no RECORD",
  ) as GestvenvError;
  assertEquals(error.code, "record_missing");
  await assertSnapshot(
    t,
    filterText(`${error.message}\nhint: ${error.hint}`, [[fx.dir, "<TMP>"]]),
  );
  const site = fx.target.layout.sitePackages[0]!;
  assert(await Deno.lstat(join(site, "norecord.py")).then(() => true), "nothing removed");
});

Deno.test("uninstallDistribution() can run again after an interrupted uninstall", async () => {
  await using fx = await createInstallFixture();
  const before = await treeListing(fx.target.layout.root);
  const dist = await installWheel(
    fx.target,
    await unpackToStore(fx.store, richWheel("halfgone")),
    { linkMode: "hardlink", requested: true },
  );
  // As if a first uninstall died after removing some files (RECORD goes last).
  const site = fx.target.layout.sitePackages[0]!;
  await Deno.remove(join(site, "halfgone", "sub"), { recursive: true });
  await Deno.remove(join(fx.target.layout.binDir, "halfgone-cli"));
  await uninstallDistribution(fx.target, dist);
  assertEquals(await treeListing(fx.target.layout.root), before);
});

Deno.test("pip uninstalls what gestvenv installed, and installTargetAt() reads the target back", async () => {
  await using fx = await createInstallFixture();
  assertEquals(await installTargetAt(fx.target.layout.root), fx.target);
  await assertRejects(() => installTargetAt(fx.dir), OperationError, "not a virtual environment");
  const before = await treeListing(fx.target.layout.root);
  await installWheel(fx.target, await unpackToStore(fx.store, richWheel("pipgone")), {
    linkMode: "hardlink",
    requested: true,
  });
  const out = await fx.run("python3", [
    "-m",
    "pip",
    "--python",
    fx.target.layout.python,
    "uninstall",
    "-y",
    "pipgone",
  ]);
  assertEquals(out.code, 0, out.stderr);
  // pip removes every file our RECORD lists; it keeps directories it did not see emptied.
  const left = (await treeListing(fx.target.layout.root)).filter((p) => !before.includes(p));
  assert(left.every((p) => p.startsWith("d ")), `only empty directories left: ${left}`);
});
