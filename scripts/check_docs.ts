/**
 * Checks the library's documentation, as JSR would before publishing: every entry point in
 * deno.json `exports` has a module `@example`; `deno doc --lint` passes over all of them together
 * (every exported symbol documented, no reference to an unexported type, explicit return types);
 * and every example in shipped code (`mod.ts`, `lib/`) runs with `deno test --doc`, without network
 * permission, so examples stay hermetic. Exits 1 on any failure.
 *
 * Usage: `deno run --allow-read --allow-run scripts/check_docs.ts` (`deno task doc`)
 *
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

const root = normalize(join(dirname(new URL(import.meta.url).pathname), ".."));
const problems: string[] = [];

const denoJson = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))) as {
  exports: Record<string, string>;
};
const entries = Object.values(denoJson.exports).map((p) => normalize(p));
for (const [name, path] of Object.entries(denoJson.exports)) {
  const text = await Deno.readTextFile(join(root, path));
  const moduleDoc = /^\/\*\*([\s\S]*?)\*\//m.exec(text)?.[1] ?? "";
  if (!moduleDoc.includes("@module") || !moduleDoc.includes("@example")) {
    problems.push(`${path} (exports["${name}"]): its module documentation needs an @example`);
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) yield path;
  }
}
const withExamples: string[] = [];
for (const file of [join(root, "mod.ts")]) withExamples.push(file);
for await (const file of walk(join(root, "lib"))) {
  if ((await Deno.readTextFile(file)).includes("@example")) withExamples.push(file);
}

async function deno(args: string[]): Promise<boolean> {
  const status = await new Deno.Command(Deno.execPath(), { args, cwd: root }).spawn().status;
  return status.success;
}

if (!await deno(["doc", "--lint", ...entries])) problems.push("deno doc --lint failed (above)");
const files = withExamples.map((f) => relative(root, f)).sort();
const permissions = ["--allow-read", "--allow-write", "--allow-env", "--allow-run", "--allow-sys"];
if (!await deno(["test", "--doc", ...permissions, ...files])) {
  problems.push("an example failed (above)");
}

if (problems.length > 0) {
  for (const p of problems) Deno.stderr.writeSync(new TextEncoder().encode(`doc: ${p}\n`));
  Deno.exit(1);
}
Deno.stdout.writeSync(
  new TextEncoder().encode(
    `doc: ok (${entries.length} entry points, examples of ${files.length} files)\n`,
  ),
);
