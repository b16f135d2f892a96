/**
 * Warm install of a set of wheels into a fresh environment: gestvenv's installer (`lib/installer`,
 * from unpacked manifests over a content-addressed file store) against `uv pip install` (warm uv
 * cache) and `pip install`, the same wheel files, `--no-deps`, whole-process times by hyperfine.
 * Before timing, it checks that gestvenv's install works: every distribution imports, `pip check`
 * is clean, console scripts run, and uninstalling everything gives back the empty environment.
 *
 * Usage:
 *   python3 -m pip download --only-binary=:all: -d WHEELS flask requests pandas django
 *   deno run -A scripts/bench_install.ts --wheels WHEELS [--runs 10] [--uv PATH] [--pip-runs 3]
 *
 * The store is filled once, as the cache would (unzip, one file per sha256); the child process
 * then does what `gestvenv install` will do with a warm cache: read the manifests, read the
 * environment's installed distributions, plan, link.
 *
 * @module
 */
import { unzipSync } from "fflate";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { flag } from "./_bench_args.ts";

const wheelDir = flag("--wheels");
if (wheelDir === undefined) throw new Error("--wheels DIR is required (see the module doc)");
const runs = Number(flag("--runs", "10"));
const pipRuns = Number(flag("--pip-runs", "3"));
const uv = flag("--uv", "uv")!;
const python = flag("--python", "python3")!;
const work = await Deno.makeTempDir({ prefix: "gestvenv-bench-install-" });
const store = join(work, "store");
const repo = new URL("..", import.meta.url).pathname;
const decoder = new TextDecoder();
const say = (text: string) => Deno.stdout.writeSync(new TextEncoder().encode(text + "\n"));

async function run(program: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(program, {
    args,
    env: { PIP_CONFIG_FILE: "/dev/null", ...env },
    stdin: "null",
  }).output();
  const text = decoder.decode(out.stdout) + decoder.decode(out.stderr);
  if (!out.success) throw new Error(`${program} ${args.join(" ")} failed:\n${text}`);
  return decoder.decode(out.stdout);
}

/** Unix modes from a zip's central directory (external attributes, high 16 bits). */
function zipModes(bytes: Uint8Array): Map<string, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = bytes.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const modes = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const attrs = view.getUint32(p + 38, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    modes.set(name, attrs >>> 16);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return modes;
}

// 1. Fill the store and write the manifests, as the cache would.
const wheels = [...Deno.readDirSync(wheelDir)].filter((e) => e.name.endsWith(".whl"))
  .map((e) => join(wheelDir, e.name)).sort();
const manifests: Array<{ filename: string; sha256: string; files: unknown[] }> = [];
let fileCount = 0;
for (const path of wheels) {
  const bytes = await Deno.readFile(path);
  const modes = zipModes(bytes);
  const files = [];
  for (const [name, content] of Object.entries(unzipSync(bytes))) {
    if (name.endsWith("/")) continue;
    const sha = createHash("sha256").update(content).digest("hex");
    await Deno.mkdir(join(store, sha.slice(0, 2)), { recursive: true });
    await Deno.writeFile(join(store, sha.slice(0, 2), sha), content, { mode: 0o444 });
    files.push({
      path: name,
      sha256: sha,
      size: content.length,
      executable: ((modes.get(name) ?? 0) & 0o100) !== 0,
    });
  }
  fileCount += files.length;
  manifests.push({
    filename: path.split("/").pop()!,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    files,
  });
}
await Deno.writeTextFile(join(work, "manifests.json"), JSON.stringify(manifests));

// 2. The child: plan + apply from the manifests (what a warm `gestvenv install` does).
const child = join(work, "apply.ts");
await Deno.writeTextFile(
  child,
  `
import { applyPlan, planInstall } from "${repo}lib/installer/mod.ts";
import { readInstalledDistributions } from "${repo}lib/distribution/mod.ts";
import { inspectVirtualenv } from "${repo}lib/virtualenv/mod.ts";
import { parseWheelFilename } from "${repo}lib/dist_filename/mod.ts";
const [root, mode = "hardlink"] = Deno.args;
const manifests = JSON.parse(await Deno.readTextFile("${join(work, "manifests.json")}"));
const layout = (await inspectVirtualenv(root))!;
const target = { layout, pythonVersion: layout.sitePackages[0].match(/python(\\d+\\.\\d+)/)[1] };
const byName = new Map(manifests.map((m) => [parseWheelFilename(m.filename).name, m]));
const desired = [...byName].map(([name, m]) => ({
  name, version: parseWheelFilename(m.filename).version.original, requested: true, source: m,
}));
const installed = await readInstalledDistributions(layout.sitePackages);
const plan = planInstall(desired, installed, { exact: false });
const storedFile = (h) => "${store}/" + h.slice(0, 2) + "/" + h;
await applyPlan(target, plan, (d) => Promise.resolve({ ...d.source, storedFile }), { linkMode: mode });
`,
);
const gestvenvApply = (
  env: string,
  mode = "hardlink",
) => [Deno.execPath(), "run", "-A", "--quiet", `--config=${repo}deno.json`, child, env, mode];

// 3. Check that the result works before timing anything.
const checkEnv = join(work, "check-env");
await run(uv, ["venv", "-q", "--python", python, checkEnv]);
const emptyTree = await run("find", [checkEnv, "-printf", "%y %P\\n"]);
await run(gestvenvApply(checkEnv)[0]!, gestvenvApply(checkEnv).slice(1));
const envPython = join(checkEnv, "bin", "python");
const imports = "import flask, requests, pandas, django, numpy; print('imports ok')";
say(await run(envPython, ["-c", imports]));
say(await run(python, ["-m", "pip", "--python", envPython, "check"]));
say(await run(join(checkEnv, "bin", "flask"), ["--version"]));
say(await run(join(checkEnv, "bin", "django-admin"), ["--version"]));
const uninstallAll = join(work, "uninstall.ts");
await Deno.writeTextFile(
  uninstallAll,
  `
import { uninstallDistribution } from "${repo}lib/installer/mod.ts";
import { readInstalledDistributions } from "${repo}lib/distribution/mod.ts";
import { inspectVirtualenv } from "${repo}lib/virtualenv/mod.ts";
const layout = (await inspectVirtualenv(Deno.args[0]))!;
const target = { layout, pythonVersion: layout.sitePackages[0].match(/python(\\d+\\.\\d+)/)[1] };
for (const d of await readInstalledDistributions(layout.sitePackages)) await uninstallDistribution(target, d);
`,
);
await run(Deno.execPath(), [
  "run",
  "-A",
  "--quiet",
  `--config=${repo}deno.json`,
  uninstallAll,
  checkEnv,
]);
// Running Python wrote bytecode into site-packages; uninstall removes the bytecode of the files it
// removes, so the tree must come back exactly.
const after = await run("find", [checkEnv, "-printf", "%y %P\\n"]);
const sorted = (t: string) => t.trim().split("\n").sort().join("\n");
if (sorted(after) !== sorted(emptyTree)) {
  throw new Error(`uninstall left files behind:\n${sorted(after)}\nvs\n${sorted(emptyTree)}`);
}
say("uninstall of everything gives back the empty environment");

// 4. Time it.
const env = join(work, "env");
const prepare = `sh -c "rm -rf ${env} && ${uv} venv -q --python ${python} ${env}"`;
const uvCache = join(work, "uv-cache");
const uvInstall = (mode: string) =>
  `${uv} pip install -q --no-deps --offline --no-index --cache-dir ${uvCache} --link-mode ${mode} ` +
  `--python ${env}/bin/python ${wheels.join(" ")}`;
const shell = async (cmd: string) => await run("sh", ["-c", cmd]);
const fresh = `rm -rf ${env} && ${uv} venv -q --python ${python} ${env}`;
await shell(`${fresh} && ${uvInstall("hardlink")}`); // Warm uv's cache.
const q = (argv: string[]) => argv.map((a) => `'${a}'`).join(" ");
const results = join(work, "results.json");
await run("hyperfine", [
  "-N",
  "-w",
  "1",
  "-r",
  String(runs),
  "--export-json",
  results,
  "--prepare",
  prepare,
  "-n",
  "gestvenv applyPlan (hardlink)",
  q(gestvenvApply(env)),
  "-n",
  "gestvenv applyPlan (copy)",
  q(gestvenvApply(env, "copy")),
  "-n",
  "uv pip install (hardlink, warm cache)",
  uvInstall("hardlink"),
  "-n",
  "uv pip install (copy, warm cache)",
  uvInstall("copy"),
]);
const noop = join(work, "noop.json");
await shell(`${fresh} && ${q(gestvenvApply(env))}`);
await run("hyperfine", [
  "-N",
  "-w",
  "1",
  "-r",
  String(runs),
  "--export-json",
  noop,
  "-n",
  "gestvenv applyPlan, nothing to do",
  q(gestvenvApply(env)),
  "-n",
  "uv pip install, nothing to do",
  uvInstall("hardlink"),
]);
const pipJson = join(work, "pip.json");
await run("hyperfine", [
  "-N",
  "-r",
  String(pipRuns),
  "--export-json",
  pipJson,
  "--prepare",
  prepare,
  "-n",
  "pip install --no-compile",
  `${python} -m pip --python ${env}/bin/python install -q --no-deps --no-index --no-compile ${
    wheels.join(" ")
  }`,
  "-n",
  "pip install (compiles, its default)",
  `${python} -m pip --python ${env}/bin/python install -q --no-deps --no-index ${wheels.join(" ")}`,
]);

const fmt = (s: number) => s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`;
const table = async (file: string, base: number) => {
  const data = JSON.parse(await Deno.readTextFile(file)) as {
    results: Array<{ command: string; median: number; min: number; max: number }>;
  };
  return data.results.map((r) =>
    `| ${r.command.padEnd(40)} | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${
      (r.median / base).toFixed(2)
    }x |`
  ).join("\n");
};
const base = (JSON.parse(await Deno.readTextFile(results)) as { results: { median: number }[] })
  .results[0]!.median;
const noopBase = (JSON.parse(await Deno.readTextFile(noop)) as { results: { median: number }[] })
  .results[0]!.median;
say(
  `${wheels.length} wheels, ${fileCount} files; medians of ${runs} runs (pip: ${pipRuns})`,
);
say("| command | median | min | max | ratio to gestvenv (hardlink) |");
say("| --- | --- | --- | --- | --- |");
say(await table(results, base));
say(await table(pipJson, base));
say("\n| command | median | min | max | ratio to gestvenv no-op |");
say("| --- | --- | --- | --- | --- |");
say(await table(noop, noopBase));
await Deno.remove(work, { recursive: true });
