import { parse } from "npm:smol-toml@1.9.1";
import { ConfigError } from "../errors/mod.ts";
import { basename, dirname, join, normalize, toFileUrl } from "../paths/mod.ts";
import { isValidProjectName, normalizeName, parseRequirement } from "../pep508/mod.ts";
import { type GroupItem, isTable, setKey } from "../pyproject/mod.ts";
import { type Conversion, projectNameFrom } from "./conversion.ts";

/** Options of {@linkcode convertPipfile}. */
export interface ConvertPipfileOptions {
  /** Copy `[scripts]` to `[tool.gestvenv.scripts]` (`gestvenv run-script NAME`). */
  preserveScripts?: boolean;
}

/** Marker variables pipenv accepts as keys of a package table (`sys_platform = "== 'linux'"`). */
const MARKER_KEYS = new Set([
  "os_name",
  "sys_platform",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_version",
  "python_full_version",
  "implementation_name",
  "implementation_version",
]);

/** Tables of a Pipfile that are not package categories. */
const NOT_CATEGORIES = new Set(["source", "requires", "scripts", "pipenv", "packages"]);

interface Context {
  file: string;
  dir: string;
  warnings: string[];
  sources: Map<string, string>;
  defaultSource: string | undefined;
}

/** A pipenv version value (`"*"`, `"==1.0"`, `">=1,<2"`, `"1.0"`) as PEP 440 specifiers. */
function versionSpec(value: string): string {
  const v = value.trim();
  if (v === "*" || v === "") return "";
  if (/^[0-9]/.test(v)) return `==${v}`;
  return v;
}

/**
 * One package entry (`name = "*"`, `name = {version = "...", extras = [...], markers = "...",
 * index = "...", git = "...", ref = "...", path = "...", editable = true, file = "..."}`) as a
 * PEP 508 requirement, or null for the project itself (`path = "."`).
 */
function packageRequirement(
  ctx: Context,
  where: string,
  name: string,
  value: unknown,
): string | null {
  const origin = `${basename(ctx.file)} [${where}] ${name}`;
  if (typeof value === "string") {
    return checkedRequirement(ctx, where, name, `${name}${versionSpec(value)}`);
  }
  if (!isTable(value)) {
    throw new ConfigError(`${ctx.file}: [${where}] ${name} must be a version string or a table`, {
      hint: `Write it as \`${name} = "*"\` or \`${name} = {version = ">=1.0"}\``,
    });
  }
  if (value.extras !== undefined && !Array.isArray(value.extras)) {
    throw new ConfigError(`${ctx.file}: [${where}] ${name}: \`extras\` must be a list`, {
      hint: `Write it as \`extras = ["name"]\``,
    });
  }
  const extras = Array.isArray(value.extras) ? `[${value.extras.map(String).join(",")}]` : "";
  const markers: string[] = [];
  if (typeof value.markers === "string" && value.markers.trim() !== "") {
    markers.push(`(${value.markers.trim()})`);
  }
  for (const key of Object.keys(value)) {
    if (MARKER_KEYS.has(key) && typeof value[key] === "string") {
      const expr = (value[key] as string).trim();
      markers.push(
        /^(==|!=|<=|>=|<|>|~=|===|in |not in )/.test(expr)
          ? `${key} ${expr}`
          : `${key} == ${JSON.stringify(expr)}`,
      );
    }
  }
  const marker = markers.length === 0
    ? ""
    : `; ${markers.length === 1 ? markers[0]!.replace(/^\((.*)\)$/, "$1") : markers.join(" and ")}`;
  let spec: string;
  if (typeof value.git === "string") {
    let url = value.git.startsWith("git+") ? value.git : `git+${value.git}`;
    if (typeof value.ref === "string") url += `@${value.ref}`;
    if (typeof value.subdirectory === "string") url += `#subdirectory=${value.subdirectory}`;
    spec = ` @ ${url}`;
  } else if (typeof value.path === "string") {
    const path = normalize(value.path.startsWith("/") ? value.path : join(ctx.dir, value.path));
    if (path === normalize(ctx.dir)) {
      ctx.warnings.push(
        `${origin}: \`path = "${value.path}"\` is the project itself: not a dependency ` +
          "(create-from-pyproject installs the project in editable mode)",
      );
      return null;
    }
    spec = ` @ ${toFileUrl(path)}`;
    ctx.warnings.push(
      `${origin}: the local path became the absolute URL ${toFileUrl(path)}, which is not portable`,
    );
  } else if (typeof value.file === "string") {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value.file)) spec = ` @ ${value.file}`;
    else {
      // A local file, as pipenv allows: a file URL like `path` (PEP 508 needs a URL).
      const path = normalize(value.file.startsWith("/") ? value.file : join(ctx.dir, value.file));
      spec = ` @ ${toFileUrl(path)}`;
      ctx.warnings.push(
        `${origin}: the local file became the absolute URL ${
          toFileUrl(path)
        }, which is not portable`,
      );
    }
  } else {
    spec = typeof value.version === "string" ? versionSpec(value.version) : "";
  }
  if (value.editable === true && typeof value.path !== "string") {
    ctx.warnings.push(
      `${origin}: \`editable = true\` is not carried over (no editable dependencies in pyproject.toml)`,
    );
  } else if (value.editable === true) {
    ctx.warnings.push(
      `${origin}: \`editable = true\` is not carried over: it is installed as a regular dependency`,
    );
  }
  if (typeof value.index === "string") {
    const url = ctx.sources.get(value.index);
    if (url === undefined) {
      ctx.warnings.push(`${origin}: index \`${value.index}\` is not a [[source]] of the Pipfile`);
    } else if (value.index !== ctx.defaultSource) {
      ctx.warnings.push(
        `${origin}: pinned to index \`${value.index}\` (${url}): gestvenv searches every index ` +
          "listed in [tool.gestvenv], the pin is not kept",
      );
    }
  }
  const known = new Set([
    "version",
    "extras",
    "markers",
    "git",
    "ref",
    "subdirectory",
    "path",
    "file",
    "editable",
    "index",
    ...MARKER_KEYS,
  ]);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) ctx.warnings.push(`${origin}: \`${key}\` is not carried over`);
  }
  if (
    typeof value.git === "string" || typeof value.path === "string" ||
    typeof value.file === "string"
  ) {
    if (typeof value.version === "string" && versionSpec(value.version) !== "") {
      ctx.warnings.push(`${origin}: the version of a direct reference is not kept`);
    }
  }
  const text = `${name}${extras}${spec}${
    spec.startsWith(" @") && marker !== "" ? " " : ""
  }${marker}`;
  return checkedRequirement(ctx, where, name, text);
}

/** `text` when it is a valid PEP 508 requirement. @throws {ConfigError} */
function checkedRequirement(ctx: Context, where: string, name: string, text: string): string {
  try {
    parseRequirement(text, ctx.file);
  } catch (error) {
    throw new ConfigError(
      `${ctx.file}: [${where}] ${name} does not make a valid PEP 508 requirement (\`${text}\`): ${
        (error as Error).message
      }`,
      { cause: error, hint: "Fix the entry's version, extras or markers" },
    );
  }
  return text;
}

function packages(ctx: Context, where: string, table: unknown): string[] {
  if (table === undefined) return [];
  if (!isTable(table)) {
    throw new ConfigError(`${ctx.file}: [${where}] must be a table of packages`, {
      hint: `Write it as \`[${where}]\` then \`requests = "*"\``,
    });
  }
  const out: string[] = [];
  for (const [name, value] of Object.entries(table)) {
    if (!isValidProjectName(name)) {
      throw new ConfigError(`${ctx.file}: [${where}] \`${name}\` is not a valid project name`, {
        hint: "Letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit " +
          "(PEP 508)",
      });
    }
    const text = packageRequirement(ctx, where, name, value);
    if (text !== null) out.push(text);
  }
  return out;
}

/**
 * Converts a Pipfile (pipenv's TOML file) to pyproject.toml tables: `[packages]` become
 * `[project] dependencies` (PEP 621), `[dev-packages]` the PEP 735 group `dev` (and any other
 * package category a group of its name), `[requires] python_version` `requires-python` (and
 * `[tool.gestvenv] python_version`), `[[source]]` the `[tool.gestvenv]` index settings (the
 * first source is `index_url`, the others `extra_index_urls`), and `[scripts]`, with
 * `preserveScripts`, `[tool.gestvenv.scripts]`. Every entry form (`"*"`, a version, `{version,
 * extras, markers, index, git, ref, path, file, editable}`, marker keys) becomes PEP 508; what
 * cannot be carried (an index pin, `editable`, `verify_ssl = false`, `[pipenv]`) is a warning.
 *
 * @param file Path of the Pipfile.
 * @param text Its contents.
 * @param options `preserveScripts`.
 * @throws {ConfigError} (exit 10) When the file is not TOML or an entry is malformed.
 */
export function convertPipfile(
  file: string,
  text: string,
  options: ConvertPipfileOptions = {},
): Conversion {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `${file} is not a valid Pipfile (TOML): ${(error as Error).message.split("\n")[0]}`,
      { cause: error, hint: "Fix the TOML syntax at the position given (or run `pipenv lock`)" },
    );
  }
  const ctx: Context = {
    file,
    dir: dirname(file),
    warnings: [],
    sources: new Map(),
    defaultSource: undefined,
  };
  const gestvenv: Record<string, unknown> = {};
  const rawSources = doc.source === undefined ? [] : doc.source;
  if (!Array.isArray(rawSources) || !rawSources.every(isTable)) {
    throw new ConfigError(`${file}: [[source]] must be an array of tables`, {
      hint: 'Write each as `[[source]]` with `name = "pypi"` and `url = "https://pypi.org/simple"`',
    });
  }
  const urls: string[] = [];
  for (const [i, source] of rawSources.entries()) {
    if (typeof source.url !== "string") {
      throw new ConfigError(`${file}: [[source]] number ${i + 1} has no \`url\``, {
        hint: 'Add `url = "https://pypi.org/simple"`',
      });
    }
    const name = typeof source.name === "string" ? source.name : `source-${i + 1}`;
    if (/\$\{[^}]*\}|\$[A-Za-z_]/.test(source.url)) {
      ctx.warnings.push(
        `[[source]] ${name}: ${source.url} is copied as written: gestvenv does not expand ` +
          "`${…}` in [tool.gestvenv] (pipenv does); give the index with its credentials through " +
          "pip's configuration or a keyring instead",
      );
    }
    ctx.sources.set(name, source.url);
    if (i === 0) ctx.defaultSource = name;
    if (!urls.includes(source.url)) urls.push(source.url);
    if (source.verify_ssl === false) {
      ctx.warnings.push(
        `[[source]] ${name}: \`verify_ssl = false\` is not carried over: gestvenv always checks ` +
          "TLS certificates (use an http:// URL for an index you trust without TLS)",
      );
    }
  }
  const isPypi = (url: string) => /^https?:\/\/(pypi\.org|pypi\.python\.org)\/simple\/?$/.test(url);
  if (urls.length > 0 && !(urls.length === 1 && isPypi(urls[0]!))) {
    gestvenv.index_url = urls[0];
    if (urls.length > 1) gestvenv.extra_index_urls = urls.slice(1);
  }
  const project: Record<string, unknown> = {};
  const requires = doc.requires;
  if (requires !== undefined) {
    if (!isTable(requires)) throw new ConfigError(`${file}: [requires] must be a table`);
    if (typeof requires.python_full_version === "string") {
      project["requires-python"] = `==${requires.python_full_version}`;
      gestvenv.python_version = requires.python_full_version;
    } else if (typeof requires.python_version === "string") {
      project["requires-python"] = `>=${requires.python_version}`;
      gestvenv.python_version = requires.python_version;
    }
    for (const key of Object.keys(requires)) {
      if (key !== "python_version" && key !== "python_full_version") {
        ctx.warnings.push(`[requires] ${key} is not carried over`);
      }
    }
  }
  project.dependencies = packages(ctx, "packages", doc.packages);
  const groups: Record<string, GroupItem[]> = {};
  const groupKeys = new Map<string, { group: string; from: string }>();
  for (const [key, value] of Object.entries(doc)) {
    if (NOT_CATEGORIES.has(key) || !isTable(value)) continue;
    const group = key === "dev-packages" ? "dev" : key;
    if (!isValidProjectName(group)) {
      throw new ConfigError(
        `${file}: the package category [${key}] cannot be a dependency group: \`${key}\` is ` +
          "not a valid group name (PEP 735)",
        { hint: "Rename the category to letters, digits, `.`, `_` and `-`, then convert again" },
      );
    }
    const items = packages(ctx, key, value);
    const same = groupKeys.get(normalizeName(group));
    if (same === undefined) {
      groupKeys.set(normalizeName(group), { group, from: key });
      setKey(groups, group, items);
    } else {
      // `[dev-packages]` and `[dev]` are one group: merged, nothing lost.
      const list = groups[same.group]!;
      for (const item of items) if (!list.includes(item)) list.push(item);
      ctx.warnings.push(
        `[${key}] and [${same.from}] are both the dependency group \`${same.group}\`: merged`,
      );
    }
    if (key !== "dev-packages") {
      ctx.warnings.push(
        `[${key}] (a pipenv package category) became the dependency group \`${key}\``,
      );
    }
  }
  if (doc.scripts !== undefined) {
    if (!isTable(doc.scripts)) throw new ConfigError(`${file}: [scripts] must be a table`);
    const names = Object.keys(doc.scripts);
    if (options.preserveScripts === true) {
      const scripts: Record<string, unknown> = {};
      for (const [name, command] of Object.entries(doc.scripts)) {
        const line = Array.isArray(command) ? command.map(String).join(" ") : command;
        if (typeof line !== "string") {
          ctx.warnings.push(`[scripts] ${name}: not a command line, not carried over`);
          continue;
        }
        setKey(scripts, name, line);
      }
      gestvenv.scripts = scripts;
    } else if (names.length > 0) {
      ctx.warnings.push(
        `[scripts] (${names.join(", ")}) not carried over: give --preserve-scripts to copy them ` +
          "to [tool.gestvenv.scripts]",
      );
    }
  }
  if (doc.pipenv !== undefined) {
    ctx.warnings.push(
      "[pipenv] settings are not carried over (allow_prereleases: write pre-release specifiers)",
    );
  }
  const data: Conversion["data"] = { project };
  if (Object.keys(groups).length > 0) data["dependency-groups"] = groups;
  if (Object.keys(gestvenv).length > 0) data.tool = { gestvenv };
  return {
    kind: "pipfile",
    source: file,
    files: [file],
    data,
    projectDefaults: { name: projectNameFrom(basename(dirname(file))), version: "0.1.0" },
    warnings: ctx.warnings,
  };
}
