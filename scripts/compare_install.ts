/**
 * Installs real projects from PyPI with gestvenv's native backend and checks the result against
 * pip and uv (issue 8, "Real index"): each environment imports its package, `python -m pip check`
 * inside it is clean, and uv installing the same lock (`uv pip install -r pylock.toml`) gives the
 * same distributions as `pip list` shows in gestvenv's environment. Prints a Markdown table.
 *
 * Usage: `deno run -A scripts/compare_install.ts [--uv PATH] [--python 3.11]
 *   [--sets "flask requests numpy pandas scikit-learn django jupyter"]`
 *
 * Needs the network (PyPI). pip's machine configuration is switched off (`PIP_CONFIG_FILE=/dev/null`)
 * and every tool reads https://pypi.org/simple.
 *
 * @module
 */
import { join } from "node:path";
import { flag, gestvenvCommand } from "./_bench_args.ts";
import { findExecutable } from "../lib/paths/mod.ts";
import { findInterpreter } from "../lib/python/mod.ts";

const INDEX = "https://pypi.org/simple";
/** Import name of each set's first project. */
const IMPORTS: Record<string, string> = {
  "scikit-learn": "sklearn",
  jupyter: "notebook",
};
const sets = (flag("--sets", "flask requests numpy pandas scikit-learn django jupyter") ?? "")
  .split(/\s+/).filter(Boolean);
const python = (await findInterpreter(flag("--python", "3.11"))).realPath;
const uv = flag("--uv") ?? await findExecutable("uv");
const work = await Deno.makeTempDir({ prefix: "gestvenv-compare-" });
const env: Record<string, string> = {
  ...Deno.env.toObject(),
  GESTVENV_HOME: join(work, "home"),
  GESTVENV_INDEX_URL: INDEX,
  PIP_CONFIG_FILE: "/dev/null",
  UV_NO_CONFIG: "1",
  NO_COLOR: "1",
};
const gestvenv = gestvenvCommand(new URL("../main.ts", import.meta.url).pathname);
const decoder = new TextDecoder();

async function run(argv: string[]): Promise<{ ok: boolean; out: string; ms: number }> {
  const start = performance.now();
  const o = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return {
    ok: o.success,
    out: decoder.decode(o.stdout) + decoder.decode(o.stderr),
    ms: performance.now() - start,
  };
}

function freezeSet(text: string): string[] {
  return text.split("\n").map((l) => l.trim().toLowerCase().replace(/_/g, "-"))
    .filter((l) => /^[a-z0-9.-]+==/.test(l) && !/^(pip|setuptools|wheel)==/.test(l)).sort();
}

const rows: string[] = [];
for (const set of sets) {
  const name = `s-${set}`;
  const created = await run([
    ...gestvenv,
    "create",
    name,
    "--python",
    python,
    "--packages",
    set,
    "--seed",
  ]);
  if (!created.ok) {
    rows.push(`| ${set} | create failed | | | | |`);
    await Deno.stderr.write(new TextEncoder().encode(created.out));
    continue;
  }
  const root = join(work, "home", "environments", name);
  const py = join(root, "bin", "python");
  const module = IMPORTS[set] ?? set.replace(/-/g, "_");
  const imported = await run([py, "-c", `import ${module}`]);
  const check = await run([py, "-m", "pip", "check"]);
  const ours = freezeSet((await run([py, "-m", "pip", "list", "--format", "freeze"])).out);
  let same = "uv not found";
  if (uv !== undefined) {
    const other = join(work, `uv-${set}`);
    await run([uv, "venv", other, "--python", python, "--quiet"]);
    const installed = await run([
      uv,
      "pip",
      "install",
      "--python",
      join(other, "bin", "python"),
      "-r",
      join(root, "pylock.toml"),
      "--index-url",
      INDEX,
      "--cache-dir",
      join(work, "uv-cache"),
      "--quiet",
    ]);
    const theirs = freezeSet(
      (await run([uv, "pip", "freeze", "--python", join(other, "bin", "python")])).out,
    );
    same = !installed.ok
      ? `uv failed: ${installed.out.trim().split("\n").pop()}`
      : JSON.stringify(ours) === JSON.stringify(theirs)
      ? "identical"
      : `differ: ${ours.filter((x) => !theirs.includes(x)).join(" ")} / ${
        theirs.filter((x) => !ours.includes(x)).join(" ")
      }`;
  }
  rows.push(
    `| ${set} | ${ours.length} | ${(created.ms / 1000).toFixed(1)} s | ${
      imported.ok ? "yes" : "NO"
    } | ${check.ok ? "clean" : check.out.trim().split("\n")[0]} | ${same} |`,
  );
}
const out = [
  `Command: \`deno run -A scripts/compare_install.ts${
    Deno.args.length ? " " + Deno.args.join(" ") : ""
  }\` (${new Date().toISOString().slice(0, 10)}, Python ${python})`,
  "",
  "| set | distributions | cold create (native) | imports | `pip check` | `pip list` vs uv from the same lock |",
  "|---|---|---|---|---|---|",
  ...rows,
].join("\n");
await Deno.stdout.write(new TextEncoder().encode(out + "\n"));
await Deno.remove(work, { recursive: true }).catch(() => {});
