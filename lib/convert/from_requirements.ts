import { ConfigError, OperationError } from "../errors/mod.ts";
import { basename, dirname, type EnvLookup, join, normalize, readEnv } from "../paths/mod.ts";
import { formatRequirement, normalizeName } from "../pep508/mod.ts";
import { type GroupItem, setKey } from "../pyproject/mod.ts";
import {
  readRequirementsFile,
  type RequirementLine,
  type RequirementsFile,
  type RequirementsInclude,
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
 * (`requirements/dev.txt`; when `main` is itself in such a directory, its siblings). Several files
 * of one group (`requirements-dev.txt` and `requirements/dev.txt`) are all kept, to be merged;
 * `.in` files (pip-tools sources) only when the group has no `.txt` file; constraint files are
 * not groups.
 */
async function detectGroupFiles(main: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
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
      found.set(key, [...(found.get(key) ?? []), path]);
    }
  };
  const inRequirementsDir = basename(dir) === "requirements";
  await scan(dir, inRequirementsDir);
  if (!inRequirementsDir) await scan(join(dir, "requirements"), true);
  for (const [key, files] of found) {
    const txt = files.filter((f) => f.endsWith(".txt"));
    found.set(key, txt.length > 0 ? txt : files);
  }
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
  warnings: string[];
  env: EnvLookup;
}

async function parsed(walk: Walk, path: string): Promise<RequirementsFile> {
  let file = walk.parsed.get(path);
  if (file === undefined) {
    try {
      file = await readRequirementsFile(path, { env: walk.env });
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
      throw new ConfigError(error.message, { cause: error, hint: error.hint });
    }
    walk.parsed.set(path, file);
  }
  return file;
}

/** The `-r`/`-c` lines written in `path` itself (not in the files it includes). */
async function includes(walk: Walk, path: string): Promise<RequirementsInclude[]> {
  return (await parsed(walk, path)).includes.filter((i) =>
    i.from === path && !/^[a-z][a-z0-9+.-]*:\/\//i.test(i.path)
  ).map((i) => ({ ...i, path: normalize(i.path) }));
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
        // Another file of the group being made is merged into it anyway.
        if (group !== undefined && asGroup && group === walk.groupOf.get([...inlining][0]!)) {
          return [];
        }
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

/** `target` relative to the directory `base` (`./wheels`, `../shared/wheels`). */
function relativeTo(base: string, target: string): string {
  const a = normalize(base).split("/").filter((p) => p !== "");
  const b = normalize(target).split("/").filter((p) => p !== "");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rel = [...Array<string>(a.length - i).fill(".."), ...b.slice(i)].join("/");
  return rel === "" ? "." : rel.startsWith("..") ? rel : `./${rel}`;
}

/** Whether a value still holds a `${VAR}` reference pip would expand. */
const hasVariable = (text: string) => /\$\{[A-Z0-9_]+\}/.test(text);

/**
 * pip options of every file read, as `[tool.gestvenv]` index settings, with their values as
 * written (a `${TOKEN}` is never expanded into the file); every other option is a warning.
 */
function indexSettings(walk: Walk, projectDir: string): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const extra: string[] = [];
  const findLinks: string[] = [];
  const seen = new Set<string>();
  const variable = (origin: string, flag: string, value: string) => {
    if (!hasVariable(value)) return;
    walk.warnings.push(
      `${origin}: ${flag} ${value} is copied as written: gestvenv does not expand \`\${…}\` in ` +
        "[tool.gestvenv] (pip does in requirements files); give the index with its credentials " +
        "through pip's configuration or a keyring instead",
    );
  };
  for (const file of walk.parsed.values()) {
    for (const option of file.options) {
      if (seen.has(option.origin)) continue;
      seen.add(option.origin);
      const { flag, written, origin } = option;
      switch (flag) {
        case "-i":
        case "--index-url":
          variable(origin, flag, written);
          if (settings.index_url !== undefined && settings.index_url !== written) {
            walk.warnings.push(
              `${origin}: --index-url ${written} differs from ${settings.index_url}: the first ` +
                "is kept, this one becomes an extra index",
            );
            if (!extra.includes(written)) extra.push(written);
          } else settings.index_url = written;
          break;
        case "--extra-index-url":
          variable(origin, flag, written);
          if (!extra.includes(written)) extra.push(written);
          break;
        case "-f":
        case "--find-links": {
          variable(origin, flag, written);
          const link = /^[a-z][a-z0-9+.-]*:\/\//i.test(written) || written.startsWith("/") ||
              hasVariable(written)
            ? written
            : relativeTo(projectDir, join(option.baseDir, written));
          if (!findLinks.includes(link)) findLinks.push(link);
          break;
        }
        case "--no-index":
          walk.warnings.push(
            `${origin}: --no-index is not carried over (give --offline when needed)`,
          );
          break;
        case "--pre":
          walk.warnings.push(
            `${origin}: --pre is not carried over: write a pre-release specifier (\`>=2.0b1\`) instead`,
          );
          break;
        default:
          walk.warnings.push(
            `${origin}: ${flag}${written === "" ? "" : ` ${written}`} is not carried over ` +
              "(pyproject.toml and [tool.gestvenv] have no such setting)",
          );
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
    warnings: [],
    env: options.env ?? readEnv,
  };
  const groups = options.detectGroups === true
    ? await detectGroupFiles(main)
    : new Map<string, string[]>();
  const groupNames = new Map<string, string[]>();
  for (const [key, paths] of groups) {
    const name = displayGroup(paths[0]!, key);
    for (const path of paths) walk.groupOf.set(path, name);
    groupNames.set(name, paths);
    if (paths.length > 1) {
      walk.warnings.push(
        `${paths.map((p) => relativeTo(dirname(main), p)).join(", ")} are all the group ` +
          `\`${name}\`: their requirements are merged`,
      );
    }
  }
  await checkCycles(walk, [main, ...[...groups.values()].flat()]);
  const dependencies = (await itemsOf(walk, main, false, new Set([main]))).filter((
    i,
  ): i is string => typeof i === "string");
  const dependencyGroups: Record<string, GroupItem[]> = {};
  for (const [name, paths] of groupNames) {
    const items: GroupItem[] = [];
    for (const path of paths) {
      for (const item of await itemsOf(walk, path, true, new Set([path]))) {
        if (!items.some((i) => JSON.stringify(i) === JSON.stringify(item))) items.push(item);
      }
    }
    setKey(dependencyGroups, name, items);
  }
  const gestvenv = indexSettings(walk, requirementsProjectDir(main));
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
