/**
 * Enforces the layout rules of code-style.md §6: no `index.ts` and no default exports; `lib/`
 * never imports `commands/`; imports across `lib/` folders go through the folder's `mod.ts`;
 * `Deno.exit` only in `main.ts`; the root `mod.ts` re-exports named symbols of `lib/<area>/mod.ts`
 * only (no `export *`); only `lib/pep440/version.ts` imports `@renovatebot/pep440` (one PEP 440
 * engine); the standards modules import nothing outside themselves (see `STANDARDS`); the CLI's
 * version equals deno.json's; what ships (main.ts, mod.ts, lib/, commands/, templates/) imports npm
 * packages by full `npm:<name>@<version>` specifiers equal to deno.json's `imports`. Exits 1
 * listing every violation.
 *
 * Usage: `deno run --allow-read scripts/check_layout.ts`
 *
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

const root = normalize(join(dirname(new URL(import.meta.url).pathname), ".."));
const problems: string[] = [];

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

const denoJson = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))) as {
  version: string;
  imports: Record<string, string>;
};

/**
 * Files that run when gestvenv is used from a URL (`deno run <url>/main.ts`, `import "<url>/mod.ts"`):
 * a remote module gets no import map, so they name dependencies with full, pinned `npm:` specifiers,
 * and each must equal the deno.json `imports` entry (the one place versions are chosen, which
 * `deno.lock` locks).
 */
const SHIPPED = /^(main\.ts|mod\.ts|lib\/|commands\/|templates\/)/;
const PINNED = /^npm:((?:@[^/@]+\/)?[^/@]+)@(\d+\.\d+\.\d+[^/]*)(\/.*)?$/;

for (const [name, target] of Object.entries(denoJson.imports)) {
  const m = PINNED.exec(target);
  if (!m || m[1] !== name || m[3] !== undefined) {
    problems.push(
      `deno.json: imports["${name}"] must be "npm:${name}@<exact version>", not ${target}`,
    );
  }
}

function checkShippedSpecifier(rel: string, spec: string): void {
  if (spec.startsWith(".") || spec.startsWith("node:")) return;
  const m = PINNED.exec(spec);
  if (!m) {
    problems.push(
      `${rel}: import "${spec}" by its full specifier (npm:<name>@<version> as in deno.json); ` +
        "remote use has no import map",
    );
    return;
  }
  const declared = denoJson.imports[m[1]!];
  if (declared !== `npm:${m[1]}@${m[2]}`) {
    problems.push(
      `${rel}: "${spec}" does not match deno.json imports["${m[1]}"] (${declared ?? "missing"})`,
    );
  }
}

/**
 * The standards modules depend on nothing outside themselves but each other (pep440 ← pep508 ←
 * dist_filename, metadata) and `lib/errors` (a leaf: their errors carry exit codes and hints
 * without a conversion at every call site). `metadata` may use the archive reader (`lib/zip`).
 */
const STANDARDS: Readonly<Record<string, readonly string[]>> = {
  pep440: ["errors"],
  pep508: ["errors", "pep440"],
  pep425: [],
  dist_filename: ["errors", "pep440", "pep508"],
  metadata: ["errors", "pep440", "pep508", "zip"],
  platforms: ["errors", "pep425", "pep508", "dist_filename"],
};

const IMPORT =
  /(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

for await (const file of walk(root)) {
  const rel = relative(root, file);
  const text = await Deno.readTextFile(file);
  if (/(^|\/)index\.ts$/.test(rel)) problems.push(`${rel}: no index.ts files (use mod.ts)`);
  if (/^\s*export\s+default\b/m.test(text)) problems.push(`${rel}: no default exports`);
  if (rel === "mod.ts" && /^\s*export\s+\*/m.test(text)) {
    problems.push("mod.ts: re-export named symbols (the curated library API), not `export *`");
  }
  if (
    rel !== "main.ts" && !rel.startsWith("scripts/") && !rel.startsWith("tests/") &&
    !rel.endsWith("_test.ts") && /\bDeno\.exit\(/.test(text)
  ) {
    problems.push(`${rel}: Deno.exit is only allowed in main.ts`);
  }
  const shipped = SHIPPED.test(rel) && !rel.endsWith("_test.ts");
  for (const match of text.matchAll(IMPORT)) {
    // Imports in documentation examples (` * import ...`) and comments are not the file's own.
    const lineStart = text.lastIndexOf("\n", match.index) + 1;
    if (/^\s*(\*|\/\/)/.test(text.slice(lineStart, match.index + 1))) continue;
    const spec = match[1] ?? match[2]!;
    if (shipped) checkShippedSpecifier(rel, spec);
    if (spec.startsWith("@renovatebot/pep440") && rel !== "lib/pep440/version.ts") {
      problems.push(
        `${rel}: only lib/pep440/version.ts imports @renovatebot/pep440 (use lib/pep440)`,
      );
    }
    if (!spec.startsWith(".")) continue;
    const target = relative(root, normalize(join(dirname(file), spec)));
    if (rel.startsWith("lib/") && target.startsWith("commands/")) {
      problems.push(`${rel}: lib/ must not import ${target}`);
    }
    if (rel.startsWith("lib/") && !rel.endsWith("_test.ts") && target.startsWith("lib/")) {
      const [, fromArea] = rel.split("/");
      const [, toArea, ...rest] = target.split("/");
      if (fromArea !== toArea && rest.join("/") !== "mod.ts") {
        problems.push(`${rel}: import ${target} through lib/${toArea}/mod.ts`);
      }
      const allowed = STANDARDS[fromArea!];
      if (allowed !== undefined && fromArea !== toArea && !allowed.includes(toArea!)) {
        problems.push(
          `${rel}: the standards module lib/${fromArea} may import only ${
            allowed.map((x) => `lib/${x}`).join(", ") || "itself"
          }, not lib/${toArea}`,
        );
      }
    }
    if (rel === "mod.ts" && !/^lib\/[^/]+\/mod\.ts$/.test(target)) {
      problems.push(`mod.ts: re-export only lib/<area>/mod.ts, not ${target}`);
    }
  }
}

const versionFile = await Deno.readTextFile(join(root, "commands", "_version.ts"));
if (!versionFile.includes(`"${denoJson.version}"`)) {
  problems.push(`commands/_version.ts: VERSION must equal deno.json version ${denoJson.version}`);
}

if (problems.length > 0) {
  for (const p of problems) Deno.stderr.writeSync(new TextEncoder().encode(`layout: ${p}\n`));
  Deno.exit(1);
}
Deno.stdout.writeSync(new TextEncoder().encode("layout: ok\n"));
