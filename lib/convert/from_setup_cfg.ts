import { ConfigError } from "../errors/mod.ts";
import { basename, dirname } from "../paths/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";
import { checkLicenseExpression, type GroupItem, setKey as put } from "../pyproject/mod.ts";
import { type Conversion, projectNameFrom } from "./conversion.ts";
import { type IniSection, parseSetupCfg } from "./setup_cfg_ini.ts";

/** A setup.cfg list: one item a line, or comma-separated on one line (setuptools' `_parse_list`). */
function list(value: string): string[] {
  const items = value.includes("\n") ? value.split("\n") : value.split(",");
  return items.map((s) => s.trim()).filter((s) => s !== "");
}

/** `key = value` lines (entry points, project_urls, package_data). */
function mapping(value: string, emptyKey = false): [string, string][] {
  const out: [string, string][] = [];
  for (const line of value.split("\n")) {
    const m = /^([^=]*?)\s*=\s*(.*)$/.exec(line.trim());
    if (m !== null && (emptyKey || m[1] !== "")) out.push([m[1]!, m[2]!]);
  }
  return out;
}

/** `file: a.md, b.md` → the paths, or null when the value is not a `file:` directive. */
function fileDirective(value: string): string[] | null {
  const m = /^file:\s*(.*)$/s.exec(value.trim());
  return m === null ? null : m[1]!.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "");
}

interface Context {
  file: string;
  warnings: string[];
}

function requirements(ctx: Context, where: string, value: string): string[] {
  if (fileDirective(value) !== null) {
    ctx.warnings.push(
      `${where} = ${value.trim()}: a \`file:\` list is not converted: copy the requirements ` +
        "into pyproject.toml (or declare them dynamic for setuptools)",
    );
    return [];
  }
  const out: string[] = [];
  for (const line of value.split("\n").map((s) => s.trim()).filter((s) => s !== "")) {
    if (line.startsWith("#")) continue;
    try {
      parseRequirement(line, ctx.file);
    } catch (error) {
      throw new ConfigError(
        `${ctx.file}: ${where}: \`${line}\` is not a PEP 508 requirement: ${
          (error as Error).message
        }`,
        { cause: error, hint: "Fix the requirement in setup.cfg, then convert again" },
      );
    }
    out.push(line);
  }
  return out;
}

function people(names: string | undefined, emails: string | undefined) {
  const n = names === undefined ? [] : names.split(",").map((s) => s.trim());
  const e = emails === undefined ? [] : emails.split(",").map((s) => s.trim());
  const out: Record<string, string>[] = [];
  for (let i = 0; i < Math.max(n.length, e.length); i++) {
    const person: Record<string, string> = {};
    if (n[i]) person.name = n[i]!;
    if (e[i]) person.email = e[i]!;
    if (Object.keys(person).length > 0) out.push(person);
  }
  return out;
}

const get = (section: IniSection | undefined, key: string) =>
  section?.get(key)?.value ?? section?.get(key.replaceAll("_", "-"))?.value;

const METADATA_KEYS = new Set([
  "name",
  "version",
  "description",
  "summary",
  "long_description",
  "long-description",
  "long_description_content_type",
  "author",
  "author_email",
  "author-email",
  "maintainer",
  "maintainer_email",
  "license",
  "license_file",
  "license_files",
  "url",
  "home_page",
  "home-page",
  "download_url",
  "project_urls",
  "classifiers",
  "classifier",
  "keywords",
]);

const OPTIONS_KEYS = new Set([
  "install_requires",
  "python_requires",
  "tests_require",
  "setup_requires",
  "packages",
  "package_dir",
  "py_modules",
  "include_package_data",
  "zip_safe",
]);

/**
 * Converts a setuptools `setup.cfg` (INI, read as setuptools reads it: case kept, `%(name)s`
 * interpolation) to pyproject.toml tables: `[metadata]` name, version (`attr:`/`file:` become
 * `dynamic` with `[tool.setuptools.dynamic]`), description, `long_description = file:` (readme),
 * author/maintainer, license (an SPDX expression as PEP 639 `license`, other text as
 * `{text = …}`), license files, url/project_urls, classifiers, keywords; `[options]`
 * install_requires, python_requires, packages/package_dir/py_modules (`[tool.setuptools]`),
 * `[options.extras_require]`, `[options.entry_points]` (console_scripts → `[project.scripts]`),
 * and a setuptools `[build-system]`. Anything else is a warning (tool sections stay in setup.cfg).
 *
 * @param file Path of the setup.cfg.
 * @param text Its contents.
 * @throws {ConfigError} (exit 10) For unreadable INI, a bad interpolation, a missing `name`, or a
 *   requirement that is not PEP 508.
 */
export function convertSetupCfg(file: string, text: string): Conversion {
  const ini = parseSetupCfg(text, file);
  const ctx: Context = { file, warnings: [] };
  const meta = ini.get("metadata");
  const options = ini.get("options");
  if (meta === undefined && options === undefined) {
    throw new ConfigError(`${file} has neither [metadata] nor [options]: nothing to convert`, {
      hint: "Is it a setuptools setup.cfg? Give the right file",
    });
  }
  const project: Record<string, unknown> = {};
  const dynamic: string[] = [];
  const setuptools: Record<string, unknown> = {};
  const setuptoolsDynamic: Record<string, unknown> = {};
  const name = get(meta, "name");
  const projectDefaults: Record<string, unknown> = {};
  if (name === undefined) {
    ctx.warnings.push("[metadata] has no name: the directory's name is used");
  } else project.name = name;
  const version = get(meta, "version");
  if (version !== undefined) {
    const attr = /^attr:\s*(.+)$/.exec(version);
    const files = fileDirective(version);
    if (attr !== null) {
      dynamic.push("version");
      setuptoolsDynamic.version = { attr: attr[1]!.trim() };
    } else if (files !== null) {
      dynamic.push("version");
      setuptoolsDynamic.version = { file: files };
    } else project.version = version;
  }
  const description = get(meta, "description") ?? get(meta, "summary");
  if (description !== undefined) project.description = description;
  const longDescription = get(meta, "long_description");
  const contentType = get(meta, "long_description_content_type");
  if (longDescription !== undefined) {
    const files = fileDirective(longDescription);
    if (files !== null && files.length === 1) {
      project.readme = contentType === undefined
        ? files[0]
        : { file: files[0], "content-type": contentType };
    } else if (files !== null) {
      dynamic.push("readme");
      setuptoolsDynamic.readme = contentType === undefined
        ? { file: files }
        : { file: files, "content-type": contentType };
    } else {
      project.readme = { text: longDescription, "content-type": contentType ?? "text/plain" };
    }
  }
  const authors = people(get(meta, "author"), get(meta, "author_email"));
  if (authors.length > 0) project.authors = authors;
  const maintainers = people(get(meta, "maintainer"), get(meta, "maintainer_email"));
  if (maintainers.length > 0) project.maintainers = maintainers;
  const license = get(meta, "license");
  let spdx = false;
  if (license !== undefined) {
    spdx = !license.includes("\n") && checkLicenseExpression(license).length === 0;
    project.license = spdx ? license : { text: license };
    if (!spdx) {
      ctx.warnings.push(
        `license = ${license.split("\n")[0]} is not an SPDX expression: written as the ` +
          'deprecated `license = {text = …}` (PEP 639 prefers an SPDX id such as "MIT")',
      );
    }
  }
  const licenseFiles = [
    ...list(get(meta, "license_files") ?? ""),
    ...list(get(meta, "license_file") ?? ""),
  ];
  if (licenseFiles.length > 0) {
    if (license === undefined || spdx) project["license-files"] = licenseFiles;
    else {
      ctx.warnings.push(
        `license_files (${licenseFiles.join(", ")}) not carried over: PEP 639 allows ` +
          "`license-files` only with an SPDX `license`",
      );
    }
  }
  const urls: Record<string, unknown> = {};
  const home = get(meta, "url") ?? get(meta, "home_page");
  if (home !== undefined) urls.Homepage = home;
  const download = get(meta, "download_url");
  if (download !== undefined) urls.Download = download;
  for (const [label, url] of mapping(get(meta, "project_urls") ?? "")) put(urls, label, url);
  if (Object.keys(urls).length > 0) project.urls = urls;
  const classifiers = get(meta, "classifiers") ?? get(meta, "classifier");
  if (classifiers !== undefined) {
    const files = fileDirective(classifiers);
    if (files !== null) {
      dynamic.push("classifiers");
      setuptoolsDynamic.classifiers = { file: files };
    } else project.classifiers = list(classifiers);
  }
  const licenseClassifiers = Array.isArray(project.classifiers)
    ? (project.classifiers as string[]).filter((c) => c.startsWith("License ::"))
    : [];
  if (spdx && licenseClassifiers.length > 0) {
    project.classifiers = (project.classifiers as string[]).filter((c) =>
      !c.startsWith("License ::")
    );
    ctx.warnings.push(
      `License classifiers (${licenseClassifiers.join("; ")}) removed: PEP 639 forbids them ` +
        `beside the license expression \`${license}\``,
    );
  }
  const keywords = get(meta, "keywords");
  if (keywords !== undefined) project.keywords = list(keywords);
  for (const key of meta?.keys() ?? []) {
    if (!METADATA_KEYS.has(key)) ctx.warnings.push(`[metadata] ${key} is not carried over`);
  }

  const pythonRequires = get(options, "python_requires");
  if (pythonRequires !== undefined) project["requires-python"] = pythonRequires;
  project.dependencies = requirements(
    ctx,
    "install_requires",
    get(options, "install_requires") ?? "",
  );
  const extras: Record<string, unknown> = {};
  for (const [extra, entry] of ini.get("options.extras_require") ?? []) {
    put(extras, extra, requirements(ctx, `extras_require.${extra}`, entry.value));
  }
  if (Object.keys(extras).length > 0) project["optional-dependencies"] = extras;
  const groups: Record<string, GroupItem[]> = {};
  const testsRequire = get(options, "tests_require");
  if (testsRequire !== undefined) {
    groups.test = requirements(ctx, "tests_require", testsRequire);
    ctx.warnings.push(
      "tests_require (deprecated by setuptools) became the dependency group `test`",
    );
  }
  const buildRequires = ["setuptools>=61"];
  const setupRequires = get(options, "setup_requires");
  if (setupRequires !== undefined) {
    for (const r of requirements(ctx, "setup_requires", setupRequires)) {
      if (!/^setuptools\b/i.test(r)) buildRequires.push(r);
    }
    ctx.warnings.push("setup_requires moved to [build-system] requires");
  }
  for (const [group, entry] of ini.get("options.entry_points") ?? []) {
    const points: Record<string, unknown> = {};
    for (const [k, v] of mapping(entry.value)) put(points, k, v);
    if (group === "console_scripts") project.scripts = points;
    else if (group === "gui_scripts") project["gui-scripts"] = points;
    else {
      const table = (project["entry-points"] ??= {}) as Record<string, unknown>;
      put(table, group, points);
    }
  }
  // setuptools' own options, to `[tool.setuptools]` (its pyproject.toml configuration).
  const packages = get(options, "packages");
  if (packages !== undefined) {
    if (/^find(_namespace)?:$/.test(packages.trim())) {
      const find: Record<string, unknown> = {};
      const findSection = ini.get("options.packages.find");
      const where = get(findSection, "where");
      if (where !== undefined) find.where = list(where);
      const include = get(findSection, "include");
      if (include !== undefined) find.include = list(include);
      const exclude = get(findSection, "exclude");
      if (exclude !== undefined) find.exclude = list(exclude);
      if (packages.trim() === "find_namespace:") find.namespaces = true;
      setuptools.packages = { find };
    } else setuptools.packages = list(packages);
  }
  const packageDir = get(options, "package_dir");
  if (packageDir !== undefined) {
    const dirs: Record<string, unknown> = {};
    for (const [k, v] of mapping(packageDir, true)) put(dirs, k, v);
    setuptools["package-dir"] = dirs;
  }
  const pyModules = get(options, "py_modules");
  if (pyModules !== undefined) setuptools["py-modules"] = list(pyModules);
  const includeData = get(options, "include_package_data");
  if (includeData !== undefined) {
    setuptools["include-package-data"] = /^(true|yes|on|1)$/i.test(includeData.trim());
  }
  const zipSafe = get(options, "zip_safe");
  if (zipSafe !== undefined) setuptools["zip-safe"] = /^(true|yes|on|1)$/i.test(zipSafe.trim());
  for (
    const [section, key] of [
      ["options.package_data", "package-data"],
      ["options.exclude_package_data", "exclude-package-data"],
    ] as const
  ) {
    const s = ini.get(section);
    if (s === undefined) continue;
    const data: Record<string, unknown> = {};
    for (const [pkg, entry] of s) put(data, pkg, list(entry.value));
    setuptools[key] = data;
  }
  for (const key of options?.keys() ?? []) {
    if (!OPTIONS_KEYS.has(key)) ctx.warnings.push(`[options] ${key} is not carried over`);
  }
  const handled = new Set([
    "metadata",
    "options",
    "options.extras_require",
    "options.entry_points",
    "options.packages.find",
    "options.package_data",
    "options.exclude_package_data",
    "DEFAULT",
  ]);
  const others = [...ini.keys()].filter((s) => !handled.has(s));
  if (others.length > 0) {
    ctx.warnings.push(
      `${others.map((s) => `[${s}]`).join(", ")} stay in setup.cfg (tool settings are not ` +
        "converted)",
    );
  }
  if (dynamic.length > 0) project.dynamic = dynamic;
  if (Object.keys(setuptoolsDynamic).length > 0) setuptools.dynamic = setuptoolsDynamic;
  if (!("version" in project) && !dynamic.includes("version")) {
    projectDefaults.version = "0.1.0";
    ctx.warnings.push("[metadata] has no version: 0.1.0 is used");
  }
  if (name === undefined) {
    projectDefaults.name = projectNameFrom(basename(dirname(file)));
  }
  const data: Conversion["data"] = {
    "build-system": { requires: buildRequires, "build-backend": "setuptools.build_meta" },
    project,
  };
  if (Object.keys(groups).length > 0) data["dependency-groups"] = groups;
  if (Object.keys(setuptools).length > 0) data.tool = { setuptools };
  return {
    kind: "setup.cfg",
    source: file,
    files: [file],
    data,
    projectDefaults,
    warnings: ctx.warnings,
  };
}
