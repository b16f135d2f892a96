/**
 * Warm install of a set of wheels into a fresh environment: gestvenv's installer (`lib/installer`,
 * from unpacked manifests over a content-addressed file store) against `uv pip install` (warm uv
 * cache) and `pip install`, the same wheel files, `--no-deps`, whole-process times, the cases
 * interleaved run by run.
 * Before timing, it checks that gestvenv's install works: every distribution imports, `pip check`
 * is clean, console scripts run, and uninstalling everything gives back the empty environment.
 *
 * Usage:
 *   python3 -m pip download --only-binary=:all: -d WHEELS flask requests pandas django
 *   deno run -A scripts/bench_link.ts --wheels WHEELS [--runs 10] [--uv PATH] [--pip-runs 3]
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

// 4. Time it: whole processes, the cases interleaved run by run (this VM's speed drifts by tens
// of percent within minutes, so back-to-back blocks per tool would compare different machines).
const env = join(work, "env");
const uvCache = join(work, "uv-cache");
const uvInstall = (mode: string) => [
  uv,
  ...["pip", "install", "-q", "--no-deps", "--offline", "--no-index", "--cache-dir", uvCache],
  ...["--link-mode", mode, "--python", `${env}/bin/python`, ...wheels],
];
const pipInstall = (extra: string[]) => [
  python,
  ...["-m", "pip", "--python", `${env}/bin/python`, "install", "-q", "--no-deps", "--no-index"],
  ...extra,
  ...wheels,
];
const fresh = async () => {
  await Deno.remove(env, { recursive: true }).catch(() => {});
  await run(uv, ["venv", "-q", "--python", python, env]);
};
const timed = async (argv: string[]) => {
  const start = performance.now();
  await run(argv[0]!, argv.slice(1));
  return performance.now() - start;
};
interface Case {
  label: string;
  argv: string[];
  /** Install the set first (a no-op install), else start from an empty environment. */
  installed?: boolean;
  runs: number;
}
const cases: Case[] = [
  { label: "gestvenv applyPlan (hardlink)", argv: gestvenvApply(env), runs },
  { label: "uv pip install (hardlink, warm cache)", argv: uvInstall("hardlink"), runs },
  { label: "gestvenv applyPlan (copy)", argv: gestvenvApply(env, "copy"), runs },
  { label: "uv pip install (copy, warm cache)", argv: uvInstall("copy"), runs },
  {
    label: "pip install --no-compile",
    argv: pipInstall(["--no-compile"]),
    runs: pipRuns,
  },
  { label: "pip install (compiles, its default)", argv: pipInstall([]), runs: pipRuns },
  {
    label: "gestvenv applyPlan, nothing to do",
    argv: gestvenvApply(env),
    installed: true,
    runs,
  },
  { label: "uv pip install, nothing to do", argv: uvInstall("hardlink"), installed: true, runs },
];
const times = new Map<string, number[]>(cases.map((c) => [c.label, []]));
// Warm-up: uv's cache, Deno's code cache, the page cache.
await fresh();
await run(uvInstall("hardlink")[0]!, uvInstall("hardlink").slice(1));
await fresh();
await run(gestvenvApply(env)[0]!, gestvenvApply(env).slice(1));
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    if (i >= c.runs) continue;
    await fresh();
    if (c.installed) await run(uvInstall("hardlink")[0]!, uvInstall("hardlink").slice(1));
    times.get(c.label)!.push(await timed(c.argv));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (ms: number) => ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
const row = (label: string, base: string) => {
  const xs = times.get(label)!;
  const ratio = median(xs) / median(times.get(base)!);
  return `| ${label.padEnd(38)} | ${fmt(median(xs)).padStart(9)} | ${
    fmt(Math.min(...xs)).padStart(9)
  } | ${fmt(Math.max(...xs)).padStart(9)} | ${ratio.toFixed(2)}x |`;
};
say(`${wheels.length} wheels, ${fileCount} files; medians of ${runs} runs (pip: ${pipRuns})`);
say("| command | median | min | max | ratio to gestvenv |");
say("| --- | --- | --- | --- | --- |");
for (const c of cases.filter((c) => !c.installed)) {
  say(row(c.label, "gestvenv applyPlan (hardlink)"));
}
say("\n| command | median | min | max | ratio to gestvenv |");
say("| --- | --- | --- | --- | --- |");
for (const c of cases.filter((c) => c.installed)) {
  say(row(c.label, "gestvenv applyPlan, nothing to do"));
}
await Deno.remove(work, { recursive: true });
