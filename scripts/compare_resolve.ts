/**
 * Compares gestvenv's resolutions with pip's (`pip install --dry-run --ignore-installed
 * --report`) and uv's (`uv pip compile`) for the same requirements and interpreter, against the
 * real index, and prints a Markdown table of agreements and each difference.
 *
 * Usage: `deno run -A scripts/compare_resolve.ts [--uv PATH] [--only NAME]`
 * Needs network access to PyPI. Each tool uses its own cache (warm after the first run).
 *
 * @module
 */
import { join } from "node:path";
import { PERMISSION_FLAGS } from "../commands/_self.ts";
import { uvCompileCommand } from "./_bench_args.ts";
import { findExecutable } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

/** The requirement sets of the issue, with the Python each is resolved for. */
const SETS: { name: string; requirements: string[]; python: string }[] = [
  { name: "flask", requirements: ["flask"], python: "3.11" },
  { name: "requests[socks]", requirements: ["requests[socks]"], python: "3.11" },
  { name: "pandas", requirements: ["pandas"], python: "3.11" },
  { name: "jupyter", requirements: ["jupyter"], python: "3.11" },
  { name: "apache-airflow==2.9.3", requirements: ["apache-airflow==2.9.3"], python: "3.11" },
  { name: "homeassistant", requirements: ["homeassistant"], python: "3.13" },
];

const INDEX = "https://pypi.org/simple";
const uv = flag("--uv") ?? await findExecutable("uv");
const only = flag("--only");
const main = new URL("../main.ts", import.meta.url).pathname;
const work = await Deno.makeTempDir({ prefix: "gestvenv-compare-" });
const decoder = new TextDecoder();

async function run(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ ok: boolean; out: string; err: string; ms: number }> {
  const t0 = performance.now();
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env: { ...Deno.env.toObject(), NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    ok: out.success,
    out: decoder.decode(out.stdout),
    err: decoder.decode(out.stderr),
    ms: performance.now() - t0,
  };
}

function pins(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z0-9._-]+)==([^\s;]+)/.exec(line.trim());
    if (m !== null) map.set(m[1]!.toLowerCase().replace(/[-_.]+/g, "-"), m[2]!);
  }
  return map;
}

function diff(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(name) !== b.get(name)) {
      out.push(`${name}: ${a.get(name) ?? "-"} vs ${b.get(name) ?? "-"}`);
    }
  }
  return out;
}

const rows: string[] = [];
for (const set of SETS) {
  if (only !== undefined && set.name !== only) continue;
  const python = (await findInterpreter(set.python)).realPath;
  const reqFile = join(work, `${set.name.replace(/[^a-z0-9]+/gi, "_")}.in`);
  await Deno.writeTextFile(reqFile, set.requirements.join("\n") + "\n");
  const g = await run(
    [
      Deno.execPath(),
      "run",
      "--quiet",
      ...PERMISSION_FLAGS,
      main,
      "resolve",
      "-r",
      reqFile,
      "--python",
      python,
      "--format",
      "requirements",
      "--index-url",
      INDEX,
    ],
    { GESTVENV_HOME: join(work, "home") },
  );
  const p = await run([
    python,
    "-m",
    "pip",
    "install",
    "--dry-run",
    "--ignore-installed",
    "--quiet",
    "--report",
    "-",
    "--index-url",
    INDEX,
    "--no-cache-dir",
    "-r",
    reqFile,
  ], { PIP_CONFIG_FILE: "/dev/null" });
  const pipPins = new Map<string, string>();
  if (p.ok) {
    for (
      const item of JSON.parse(p.out).install as { metadata: { name: string; version: string } }[]
    ) {
      pipPins.set(item.metadata.name.toLowerCase().replace(/[-_.]+/g, "-"), item.metadata.version);
    }
  }
  const u = uv === undefined ? undefined : await run(
    uvCompileCommand(
      uv,
      { requirements: reqFile, python, index: INDEX, cache: join(work, "uv-cache") },
      ["--no-header"],
    ),
  );
  const gPins = pins(g.out);
  const vsPip = g.ok && p.ok ? diff(gPins, pipPins) : [`gestvenv ok=${g.ok} pip ok=${p.ok}`];
  const vsUv = u === undefined
    ? ["uv not found"]
    : g.ok && u.ok
    ? diff(gPins, pins(u.out))
    : [`uv ok=${u.ok}`];
  rows.push(
    `| ${set.name} (Python ${set.python}) | ${gPins.size} | ${
      vsPip.length === 0 ? "same" : vsPip.join("<br>")
    } | ${vsUv.length === 0 ? "same" : vsUv.join("<br>")} | ${(g.ms / 1000).toFixed(1)} s / ${
      (p.ms / 1000).toFixed(1)
    } s / ${u === undefined ? "-" : (u.ms / 1000).toFixed(1) + " s"} |`,
  );
  if (!g.ok) {
    Deno.stderr.writeSync(new TextEncoder().encode(`gestvenv failed on ${set.name}:\n${g.err}\n`));
  }
  if (!p.ok) {
    Deno.stderr.writeSync(
      new TextEncoder().encode(`pip failed on ${set.name}:\n${p.err.slice(-2000)}\n`),
    );
  }
}
const report = [
  "| Requirements | Distributions | vs pip | vs uv | time gestvenv / pip / uv (first run) |",
  "|---|---|---|---|---|",
  ...rows,
].join("\n");
Deno.stdout.writeSync(new TextEncoder().encode(report + "\n"));
await Deno.remove(work, { recursive: true });
