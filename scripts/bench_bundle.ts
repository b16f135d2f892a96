/**
 * `cache export` / `cache import` of a large cache (issue 9 §4): fills a cache with synthetic
 * wheels (Python's zipfile: half compressible source text, half random bytes, as native wheels
 * carry), then times exporting it as tar, gzip and zstd and importing each bundle into a fresh
 * cache, with the bundle sizes, against GNU tar packing and unpacking the cache's artifact tree
 * with the same compression (no verification, no manifest, no index: the floor for moving the
 * bytes). Prints a Markdown table for BENCHMARKS.md.
 *
 * Usage: deno run -A scripts/bench_bundle.ts [MEGABYTES=500]
 */
import { join } from "node:path";
import { openCache } from "../lib/cache/mod.ts";

const encoder = new TextEncoder();
const progress = (line: string) => Deno.stderr.writeSync(encoder.encode(`${line}\n`));
const print = (line: string) => Deno.stdout.writeSync(encoder.encode(`${line}\n`));
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const megabytes = Number(Deno.args[0] ?? "500");
const root = await Deno.makeTempDir({ prefix: "gestvenv-bench-bundle-" });

const MAKE = `
import os, random, sys, zipfile
out, total = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
random.seed(1)
made, i = 0, 0
while made < total:
    name = f"synth{i}"
    path = os.path.join(out, f"{name}-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for j in range(20):
            z.writestr(f"{name}/mod{j}.py", ("def f%d(x):\\n    return x * %d\\n" % (j, j)) * 4000)
        z.writestr(f"{name}/_native.so", random.randbytes(2 * 1024 * 1024))
        z.writestr(f"{name}-1.0.dist-info/METADATA", f"Metadata-Version: 2.1\\nName: {name}\\nVersion: 1.0\\n")
        z.writestr(f"{name}-1.0.dist-info/RECORD", "")
    made += os.path.getsize(path)
    i += 1
print(i, made)
`;

async function run(program: string, args: string[], env: Record<string, string> = {}) {
  const start = performance.now();
  const out = await new Deno.Command(program, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const ms = performance.now() - start;
  if (!out.success) {
    throw new Error(`${program} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return { ms, stdout: new TextDecoder().decode(out.stdout) };
}

const cli = (home: string, args: string[]) =>
  run(Deno.execPath(), ["run", "-A", MAIN, ...args], { GESTVENV_HOME: home, NO_COLOR: "1" });

try {
  const wheels = join(root, "wheels");
  await Deno.mkdir(wheels);
  const made = await run("python3", ["-c", MAKE, wheels, String(megabytes)]);
  const [count, bytes] = made.stdout.trim().split(" ").map(Number) as [number, number];
  const home = join(root, "home-a");
  const cache = await openCache(join(home, "cache"));
  for await (const entry of Deno.readDir(wheels)) {
    await cache.addArtifact(join(wheels, entry.name), {
      filename: entry.name,
      project: "",
      version: "",
      origin: `https://example.invalid/${entry.name}`,
    });
  }
  cache.close();
  await Deno.remove(wheels, { recursive: true });
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  const rows: string[] = [];
  const tarFlag: Record<string, string> = { none: "-cf", gzip: "-czf", zstd: "--zstd -cf" };
  for (const [kind, name] of [["none", "b.tar"], ["gzip", "b.tar.gz"], ["zstd", "b.tar.zst"]]) {
    const bundle = join(root, name!);
    progress(`export ${kind}…`);
    const exported = await cli(home, ["cache", "export", bundle]);
    progress(`import ${kind}…`);
    const size = (await Deno.stat(bundle)).size;
    const target = join(root, `home-${kind}`);
    const imported = await cli(target, ["cache", "import", bundle]);
    rows.push(
      `| ${kind} | ${mib(size)} MiB (${(size / bytes * 100).toFixed(0)}%) | ${
        (exported.ms / 1000).toFixed(1)
      } s | ${(imported.ms / 1000).toFixed(1)} s |`,
    );
    await Deno.remove(bundle);
    await Deno.remove(target, { recursive: true });
    const plain = join(root, `plain-${name}`);
    const packed = await run("sh", [
      "-c",
      `tar ${tarFlag[kind!]} "${plain}" -C "${join(home, "cache")}" artifacts-v1`,
    ]);
    const out = join(root, "unpacked");
    await Deno.mkdir(out);
    const unpacked = await run("tar", ["-xf", plain, "-C", out]);
    rows.push(
      `| ${kind} (GNU tar of the cache tree) | ${mib((await Deno.stat(plain)).size)} MiB | ${
        (packed.ms / 1000).toFixed(1)
      } s (gestvenv ${(exported.ms / packed.ms).toFixed(1)}x) | ${
        (unpacked.ms / 1000).toFixed(1)
      } s (gestvenv ${(imported.ms / unpacked.ms).toFixed(1)}x) |`,
    );
    await Deno.remove(plain);
    await Deno.remove(out, { recursive: true });
  }
  print(
    `Cache: ${count} wheels, ${
      mib(bytes)
    } MiB. Command: deno run -A scripts/bench_bundle.ts ${megabytes}\n`,
  );
  print("| compression | bundle | `cache export` | `cache import` (fresh cache) |");
  print("|---|---|---|---|");
  for (const row of rows) print(row);
} finally {
  await Deno.remove(root, { recursive: true }).catch(() => {});
}
