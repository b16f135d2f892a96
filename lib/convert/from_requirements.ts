import { ConfigError } from "../errors/mod.ts";
import { basename, dirname, type EnvLookup, join, normalize, readEnv } from "../paths/mod.ts";
import { formatRequirement, normalizeName } from "../pep508/mod.ts";
import type { GroupItem } from "../pyproject/mod.ts";
import {
  readRequirementsFile,
  type RequirementLine,
  type RequirementsFile,
} from "../requirements_file/mod.ts";
import { type Conversion, projectNameFrom } from "./conversion.ts";

/**
 * The project directory of a requirements file: its directory, or the parent of a
 * `requirements/` directory (`requirements/base.txt` belongs to the project above it).
 */
export function requirementsProjectDir(file: string): string {
  const dir = dirname(file);
  return basename(dir) === "requirements" ? dirname(dir) : dir;
}

/** Options of {@linkcode convertRequirements}. */
export interface ConvertRequirementsOptions {
  /**
   * Turn the requirement files beside the main one into PEP 735 groups: `requirements-dev.txt`,
   * `requirements_test.txt`, `docs-requirements.txt`, and `requirements/<group>.txt`.
   */
  detectGroups?: boolean;
  /** Environment lookup for `${VAR}` expansion while reading. @default readEnv */
  env?: EnvLookup;
}

/** One `-r` or `-c` line of a file, where it was written. */
interface Include {
  kind: "requirement" | "constraint";
  path: string;
  line: number;
}

/** Logical lines with comments stripped and `\` continuations joined (pip's reader). */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let current = "";
  let start = 0;
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    if (current === "") start = i + 1;
    const line = physical[i]!.replace(/(^|\s+)#.*$/, "");
    if (line.endsWith("\\")) {
      current += line.slice(0, -1);
      continue;
    }
    current += line;
    if (current.trim() !== "") out.push({ line: start, text: current.trim() });
    current = "";
  }
  if (current.trim() !== "") out.push({ line: start, text: current.trim() });
  return out;
}

const isUrl = (text: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(text);

/** The `-r`/`-c` lines of one file (paths made absolute, relative to the file). */
async function includesOf(path: string): Promise<Include[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read requirements file ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: "Check the path (nested -r/-c paths are relative to the file that names them)",
    });
  }
  const out: Include[] = [];
  for (const { line, text: content } of logicalLines(text)) {
    const m = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=\S))(\S.*)$/.exec(content);
    if (m === null) continue;
    const target = m[2]!.trim();
    if (isUrl(target)) continue;
    out.push({
      kind: m[1] === "-c" || m[1] === "--constraint" ? "constraint" : "requirement",
      path: normalize(target.startsWith("/") ? target : join(dirname(path), target)),
      line,
    });
  }
  return out;
}

/** Group name of a requirements file beside the main one, or null when it is not a group file. */
function groupName(file: string, inRequirementsDir: boolean): string | null {
  const name = basename(file);
  if (!/\.(txt|in)$/.test(name)) return null;
  const stem = name.replace(/\.(txt|in)$/, "");
  if (inRequirementsDir) return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(stem) ? stem : null;
  const m = /^requirements[-_.]([A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(stem) ??
    /^([A-Za-z0-9][A-Za-z0-9._-]*?)[-_]requirements$/.exec(stem);
  return m === null ? null : m[1]!;
}

const CONSTRAINT_STEMS = /^(constraints?|requirements[-_.]lock|lock)$/i;

/**
 * The group files beside `main` (`--detect-groups`), keyed by normalized group name: in the same
 * directory (`requirements-dev.txt`, `dev-requirements.txt`) and in a `requirements/` directory
 * (`requirements/dev.txt`; when `main` is itself in such a directory, its siblings). `.txt` wins
 * over `.in` for the same group; constraint files are not groups.
 */
async function detectGroupFiles(main: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const dir = dirname(main);
  const scan = async (where: string, inRequirementsDir: boolean) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(where));
    } catch {
      return;
    }
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const entry of entries) {
      if (!entry.isFile) continue;
      const path = join(where, entry.name);
      if (path === main) continue;
      const group = groupName(path, inRequirementsDir);
      if (group === null || CONSTRAINT_STEMS.test(group)) continue;
      if (inRequirementsDir && /^(base|main|common|requirements)$/i.test(group)) continue;
      const key = normalizeName(group);
      const existing = found.get(key);
      if (existing === undefined || (existing.endsWith(".in") && path.endsWith(".txt"))) {
        found.set(key, path);
      }
    }
  };
  const inRequirementsDir = basename(dir) === "requirements";
  await scan(dir, inRequirementsDir);
  if (!inRequirementsDir) await scan(join(dir, "requirements"), true);
  return found;
}

/** The name a group file is known by (its stem, as written), given its normalized key. */
function displayGroup(path: string, key: string): string {
  const stem = basename(path).replace(/\.(txt|in)$/, "").replace(/^requirements[-_.]/, "")
    .replace(/[-_]requirements$/, "");
  return normalizeName(stem) === key ? stem : key;
}

interface Walk {
  main: string;
  groupOf: Map<string, string>;
  parsed: Map<string, RequirementsFile>;
  includes: Map<string, Include[]>;
  warnings: string[];
  env: EnvLookup;
}

async function parsed(walk: Walk, path: string): Promise<RequirementsFile> {
  let file = walk.parsed.get(path);
  if (file === undefined) {
    file = await readRequirementsFile(path, { env: walk.env });
    walk.parsed.set(path, file);
  }
  return file;
}

async function includes(walk: Walk, path: string): Promise<Include[]> {
  let list = walk.includes.get(path);
  if (list === undefined) {
    list = await includesOf(path);
    walk.includes.set(path, list);
  }
  return list;
}

/** Refuses an include cycle (`a.txt -r b.txt -r a.txt`): no pyproject.toml can express it. */
async function checkCycles(walk: Walk, roots: string[]): Promise<void> {
  const state = new Map<string, "open" | "done">();
  const visit = async (path: string, chain: string[]): Promise<void> => {
    if (state.get(path) === "done") return;
    if (state.get(path) === "open") {
      const cycle = [...chain.slice(chain.indexOf(path)), path].map((p) => basename(p));
      throw new ConfigError(`Requirements files include each other: ${cycle.join(" -> ")}`, {
        hint: "Remove one of the `-r` lines that close the cycle, then convert again",
      });
    }
    state.set(path, "open");
    for (const inc of await includes(walk, path)) {
      if (inc.kind === "requirement") await visit(inc.path, [...chain, path]);
    }
    state.set(path, "done");
  };
  for (const root of roots) await visit(root, []);
}

/** A requirement line as a `[project]`/group item (PEP 508), with a warning when it changes. */
function requirementText(walk: Walk, line: RequirementLine): string | null {
  if (line.form === "editable") {
    const target = line.requirement.url ?? "";
    const projectDir = `file://${requirementsProjectDir(walk.main)}`;
    if (target.replace(/\/+$/, "") === projectDir) {
      walk.warnings.push(
        `${line.origin}: \`-e ${line.text}\` is the project itself: not a dependency ` +
          "(create-from-pyproject installs the project in editable mode)",
      );
      return null;
    }
    const text = formatRequirement(line.requirement);
    walk.warnings.push(
      `${line.origin}: \`-e ${line.text}\` became \`${text}\`: a dependency cannot be editable ` +
        "in pyproject.toml, and an absolute path is not portable",
    );
    return text;
  }
  if (line.form === "archive") {
    const text = formatRequirement(line.requirement);
    if (text !== line.text) {
      walk.warnings.push(`${line.origin}: \`${line.text}\` became \`${text}\` (PEP 508 form)`);
    }
    return text;
  }
  if (line.text.includes("${")) {
    walk.warnings.push(
      `${line.origin}: \`${line.text}\` keeps its \`\${VAR}\` reference: pip expands it, ` +
        "pyproject.toml readers do not",
    );
  }
  if (line.hashes.length > 0) {
    walk.warnings.push(
      `${line.origin}: the --hash values of \`${line.text}\` are not kept (pyproject.toml has ` +
        "none): use `gestvenv lock` for a lock with hashes",
    );
  }
  return line.text;
}

/**
 * The items of one file: its own requirements and, in place of each `-r`, the included file's
 * items (inlined), an `{include-group}` when that file is a group and `asGroup`, or nothing when
 * it is the main file included from a group (the project's dependencies come with the project).
 */
async function itemsOf(
  walk: Walk,
  path: string,
  asGroup: boolean,
  inlining: Set<string>,
): Promise<GroupItem[]> {
  const file = await parsed(walk, path);
  const own = file.requirements.filter((r) => r.origin.startsWith(`${path}:`));
  const lineOf = (r: RequirementLine) => Number(r.origin.slice(path.length + 1));
  const events: { line: number; run: () => Promise<GroupItem[]> }[] = [];
  for (const r of own) {
    events.push({
      line: lineOf(r),
      run: () => {
        const text = requirementText(walk, r);
        return Promise.resolve(text === null ? [] : [text]);
      },
    });
  }
  for (const inc of await includes(walk, path)) {
    if (inc.kind === "constraint") {
      const included = await parsed(walk, inc.path);
      const constraints = [...included.requirements, ...included.constraints];
      walk.warnings.push(
        `${path}:${inc.line}: the constraints of \`-c ${basename(inc.path)}\` ` +
          `(${constraints.length} line${constraints.length === 1 ? "" : "s"}) are not carried ` +
          "over: pyproject.toml has no constraints (keep the file for pip, or pin versions " +
          "with `gestvenv lock`)",
      );
      continue;
    }
    events.push({
      line: inc.line,
      run: async () => {
        if (inc.path === walk.main && asGroup) {
          walk.warnings.push(
            `${path}:${inc.line}: \`-r ${basename(inc.path)}\` names the project's own ` +
              "dependencies: the group does not repeat them (they are installed with the project)",
          );
          return [];
        }
        const group = walk.groupOf.get(inc.path);
        if (group !== undefined && asGroup) return [{ "include-group": group }];
        if (inlining.has(inc.path)) return [];
        return await itemsOf(walk, inc.path, asGroup, new Set([...inlining, inc.path]));
      },
    });
  }
  events.sort((a, b) => a.line - b.line);
  const items: GroupItem[] = [];
  for (const event of events) {
    for (const item of await event.run()) {
      const duplicate = items.some((i) =>
        typeof i === "string" ? i === item : typeof item !== "string" &&
          i["include-group"] === item["include-group"]
      );
      if (!duplicate) items.push(item);
    }
  }
  return items;
}

/** pip options of every file read, as `[tool.gestvenv]` index settings; the rest are warnings. */
function indexSettings(walk: Walk): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const extra: string[] = [];
  const findLinks: string[] = [];
  for (const [path, file] of walk.parsed) {
    if (file.indexUrl !== undefined) {
      if (settings.index_url !== undefined && settings.index_url !== file.indexUrl) {
        walk.warnings.push(
          `${path}: --index-url ${file.indexUrl} differs from ${settings.index_url}: the first ` +
            "is kept, this one becomes an extra index",
        );
        if (!extra.includes(file.indexUrl)) extra.push(file.indexUrl);
      } else settings.index_url = file.indexUrl;
    }
    for (const url of file.extraIndexUrls) if (!extra.includes(url)) extra.push(url);
    for (const link of file.findLinks) if (!findLinks.includes(link)) findLinks.push(link);
    if (file.noIndex) {
      walk.warnings.push(`${path}: --no-index is not carried over (give --offline when needed)`);
    }
    if (file.pre) {
      walk.warnings.push(
        `${path}: --pre is not carried over: write a pre-release specifier (\`>=2.0b1\`) instead`,
      );
    }
    for (
      const [flag, names] of [["--only-binary", file.onlyBinary], [
        "--no-binary",
        file.noBinary,
      ]] as const
    ) {
      if (names.length > 0) {
        walk.warnings.push(`${path}: ${flag} ${names.join(",")} is not carried over`);
      }
    }
  }
  if (extra.length > 0) settings.extra_index_urls = extra;
  if (findLinks.length > 0) settings.find_links = findLinks;
  return settings;
}

/**
 * Converts a requirements file (pip's format, `lib/requirements_file`) to pyproject.toml tables:
 * its requirements become `[project] dependencies` (PEP 621) with markers and URLs kept; `-r`
 * includes are inlined; with `detectGroups`, the group files beside it become PEP 735 groups in
 * which a `-r` of another group becomes `{include-group = …}`; `--index-url`,
 * `--extra-index-url` and `--find-links` become `[tool.gestvenv]` `index_url`,
 * `extra_index_urls` and `find_links`. Constraints, hashes, `-e`, `--pre`, `--no-index` and
 * binary options are reported as warnings. The project name defaults to the directory's name.
 *
 * @param file Path of the main requirements file.
 * @param options `detectGroups`, `env`.
 * @returns The conversion (data, defaults, warnings, the files read).
 * @throws {ConfigError} (exit 10) When a file cannot be read or files include each other.
 * @throws {InvalidSyntaxError} When a line is not valid (named `file:line`).
 */
export async function convertRequirements(
  file: string,
  options: ConvertRequirementsOptions = {},
): Promise<Conversion> {
  const main = normalize(file);
  const walk: Walk = {
    main,
    groupOf: new Map(),
    parsed: new Map(),
    includes: new Map(),
    warnings: [],
    env: options.env ?? readEnv,
  };
  const groups = options.detectGroups === true ? await detectGroupFiles(main) : new Map();
  const groupNames = new Map<string, string>();
  for (const [key, path] of groups) {
    const name = displayGroup(path, key);
    walk.groupOf.set(path, name);
    groupNames.set(path, name);
  }
  await checkCycles(walk, [main, ...groups.values()]);
  const dependencies = (await itemsOf(walk, main, false, new Set([main]))).filter((
    i,
  ): i is string => typeof i === "string");
  const dependencyGroups: Record<string, GroupItem[]> = {};
  for (const [path, name] of groupNames) {
    Object.defineProperty(dependencyGroups, name, {
      value: await itemsOf(walk, path, true, new Set([path])),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const gestvenv = indexSettings(walk);
  const data: Conversion["data"] = { project: { dependencies } };
  if (Object.keys(dependencyGroups).length > 0) data["dependency-groups"] = dependencyGroups;
  if (Object.keys(gestvenv).length > 0) data.tool = { gestvenv };
  return {
    kind: "requirements",
    source: main,
    files: [...walk.parsed.keys()],
    data,
    projectDefaults: {
      name: projectNameFrom(basename(requirementsProjectDir(main))),
      version: "0.1.0",
    },
    warnings: [...new Set(walk.warnings)],
  };
}
