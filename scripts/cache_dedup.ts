/**
 * How much the cache's second level (unpacked files stored once by sha256) saves on a real set:
 * downloads every `py3-none-any` wheel of the chosen versions of one project from PyPI (PEP 691
 * JSON), fetches and unpacks each through `lib/cache` into a fresh cache, then prints the bytes
 * of the artifacts, the bytes of all their unpacked files (what one unpacked tree per wheel would
 * take, as uv's archive bucket does), and the bytes `files-v1` actually holds.
 *
 * ```sh
 * deno run -A scripts/cache_dedup.ts --project django --versions '^5\.[01]\.' [--cache DIR]
 * ```
 *
 * @module
 */
import { flag } from "./_bench_args.ts";
import { openCache } from "../lib/cache/mod.ts";
import { HttpClient } from "../lib/index/mod.ts";
import { join } from "../lib/paths/mod.ts";

const project = flag("--project", "django")!;
const pattern = new RegExp(flag("--versions", "^5\\.[01]\\.")!);
const index = flag("--index", "https://pypi.org/simple")!;
const root = flag("--cache") ?? await Deno.makeTempDir({ prefix: "gv-dedup-" });

const http = new HttpClient();
const page = await http.request(`${index}/${project}/`, {
  headers: { accept: "application/vnd.pypi.simple.v1+json" },
});
const data = JSON.parse(new TextDecoder().decode(page.body)) as {
  files: { filename: string; url: string; hashes: { sha256?: string }; size?: number }[];
};
const wheels = data.files.filter((f) => {
  const m = /^[^-]+-([^-]+)-py3-none-any\.whl$/.exec(f.filename);
  return m !== null && pattern.test(m[1]!) && f.hashes.sha256 !== undefined;
});
if (wheels.length === 0) throw new Error(`no py3-none-any wheel of ${project} matches ${pattern}`);

async function du(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0, files = 0;
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) {
      const sub = await du(path);
      bytes += sub.bytes;
      files += sub.files;
    } else if (e.isFile) {
      bytes += (await Deno.stat(path)).size;
      files++;
    }
  }
  return { bytes, files };
}

const encoder = new TextEncoder();
const say = (line: string) => Deno.stdout.writeSync(encoder.encode(line + "\n"));
const note = (line: string) => Deno.stderr.writeSync(encoder.encode(line + "\n"));

const cache = await openCache(root);
let artifactBytes = 0, unpackedBytes = 0, unpackedFiles = 0;
const started = performance.now();
for (const file of wheels) {
  const version = /^[^-]+-([^-]+)-/.exec(file.filename)![1]!;
  const stored = await cache.fetchArtifact({
    url: new URL(file.url, `${index}/${project}/`).href,
    filename: file.filename,
    sha256: file.hashes.sha256!,
    size: file.size,
    project,
    version,
  }, http);
  const t = performance.now();
  const unpacked = await cache.unpackWheel(stored);
  const ms = performance.now() - t;
  artifactBytes += stored.size;
  for (const f of unpacked.files) unpackedBytes += f.size;
  unpackedFiles += unpacked.files.length;
  note(
    `${file.filename}: ${unpacked.files.length} files, unpacked in ${ms.toFixed(0)} ms`,
  );
}
const elapsed = performance.now() - started;
cache.close();
const store = await du(join(root, "files-v1"));
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
say(
  `project: ${project}, ${wheels.length} wheels (${
    wheels.map((w) => /^[^-]+-([^-]+)-/.exec(w.filename)![1]).join(", ")
  })`,
);
say(`artifacts (wheels):        ${mib(artifactBytes)}`);
say(`unpacked, one tree each:   ${mib(unpackedBytes)} in ${unpackedFiles} files`);
say(`files-v1 actually stored:  ${mib(store.bytes)} in ${store.files} files`);
say(
  `saving: ${((1 - store.bytes / unpackedBytes) * 100).toFixed(1)}% of the unpacked bytes ` +
    `(${(unpackedBytes / store.bytes).toFixed(1)}x); total ${(elapsed / 1000).toFixed(1)} s`,
);
say(`cache: ${root}`);
