/**
 * The air-gap round trip of issue 9 §4, end to end: machine A (its own home and the local index)
 * fills its cache for two platforms with `cache add -r reqs.txt --platforms` and exports it;
 * machine B (a fresh home, the index stopped, the network denied) imports the bundle, creates an
 * environment `--offline` from the same requirements, and its packages import; the bundle's
 * `simple/` tree also serves pip in a plain venv.
 */
import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { buildWheel } from "../helpers/build_wheel.ts";
import { assertOk, createTestContext, runDenyNet } from "../helpers/test_context.ts";

Deno.test("air gap: cache add for two platforms, export, import on a machine with no network, --offline create", async () => {
  const wheels = [
    buildWheel({
      name: "app",
      version: "1.0",
      dependencies: ["purepkg", "winonly; sys_platform == 'win32'"],
    }),
    buildWheel({ name: "purepkg", version: "1.0" }),
    buildWheel({ name: "purepkg", version: "2.0" }),
    buildWheel({ name: "winonly", version: "1.0", tag: "cp312-cp312-win_amd64" }),
  ];
  await using a = await createTestContext(wheels);
  const reqs = join(a.work, "reqs.txt");
  await Deno.writeTextFile(reqs, "app\npurepkg<2\n");
  // This machine (linux x86_64) and a Windows one.
  const added = await a.run([
    "cache",
    "add",
    "-r",
    reqs,
    "--platforms",
    "manylinux_2_17_x86_64,win_amd64",
    "--python-version",
    "3.12",
    "--json",
  ]);
  assertOk(added);
  assertStringIncludes(added.stdout, "winonly");
  // Nothing was installed: no environment exists on A.
  assertEquals(
    Object.keys((await a.registry().catch(() => ({ environments: {} }))).environments),
    [],
  );
  const bundle = join(a.work, "offline.tar.gz");
  assertOk(await a.run(["cache", "export", bundle]));

  // Machine B: a fresh home; the index is stopped and gestvenv runs with --deny-net.
  await using b = await createTestContext([]);
  await a.index.close();
  const denyNet = (args: string[]) => runDenyNet(b, args, { GESTVENV_INDEX_URL: a.index.url });
  const imported = await denyNet(["cache", "import", bundle, "--json"]);
  assertOk(imported);
  const bReqs = join(b.work, "reqs.txt");
  await Deno.writeTextFile(bReqs, "app\npurepkg<2\n");
  assertOk(await denyNet(["cache", "check-offline", "-r", bReqs]));
  assertOk(await denyNet(["--offline", "create", "proj", "-r", bReqs]));
  const python = join(b.envPath("proj"), "bin", "python");
  const ran = await b.exec(python, [
    "-c",
    "import app, purepkg, importlib.metadata as m; print(m.version('purepkg'))",
  ]);
  assertEquals(ran.stdout.trim(), "1.0", ran.stderr);
  const win = await b.exec(python, ["-c", "import winonly"]);
  assert(win.code !== 0, "the Windows-only wheel is not installed on Linux");

  // The same bundle is an index for pip: its simple/ tree, in a plain venv, no network.
  const dir = join(b.work, "extracted");
  await Deno.mkdir(dir);
  assertOk(await b.exec("tar", ["-xzf", bundle, "-C", dir]));
  const venv = join(b.work, "venv");
  assertOk(await b.exec("python3", ["-m", "venv", venv]));
  const pip = await b.exec(join(venv, "bin", "pip"), [
    "install",
    "--index-url",
    `file://${dir}/simple`,
    "app",
    "purepkg<2",
  ]);
  assertOk(pip);
  const viaPip = await b.exec(join(venv, "bin", "python"), ["-c", "import app, purepkg"]);
  assertEquals(viaPip.code, 0, viaPip.stderr);
});
