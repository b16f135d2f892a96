import { ConfigError, OperationError, UsageError } from "../errors/mod.ts";
import { pathExists } from "../fs/mod.ts";
import { basename, type HomeLayout, join } from "../paths/mod.ts";
import type { RenderedFile } from "./render_template.ts";
import {
  builtinTemplates,
  findTemplate,
  readTemplateFiles,
  TEMPLATE_NAME,
  userTemplateNames,
  userTemplatesDir,
} from "./template_catalog.ts";
import { fileError } from "./file_error.ts";
import { gitListedFilter } from "../git/mod.ts";
import { parseTemplateManifest } from "./template_manifest.ts";
import { packageNameFor } from "./template_values.ts";
import { writeProject } from "./write_project.ts";

/** Options of {@linkcode createUserTemplate}. */
export interface CreateUserTemplateOptions {
  /** The template it extends (built-in or the user's). */
  readonly base?: string | undefined;
  /** One-line description (wins over the config's). */
  readonly description?: string | undefined;
  /**
   * Settings read from `--config FILE` (JSON or TOML): the keys of a `template.toml`
   * (`description`, `groups`, `verbatim`, `skip`, `variables`, `when`; `base` too).
   */
  readonly config?: Readonly<Record<string, unknown>> | undefined;
  /** A project directory whose files become the template's `files/` (see the function). */
  readonly from?: string | undefined;
  /** Compute everything, write nothing. */
  readonly dryRun?: boolean | undefined;
}

/** What {@linkcode createUserTemplate} wrote (or would write). */
export interface CreatedUserTemplate {
  /** The template's directory. */
  readonly dir: string;
  /** The `template.toml` written. */
  readonly manifest: string;
  /** The files under `files/` (paths relative to `files/`). */
  readonly files: readonly string[];
  /** With `--from`: the project name found and replaced by `{{ project_name }}`. */
  readonly projectName?: string;
  /** With `--from`: how many occurrences of the names were replaced by variables. */
  readonly replacements: number;
  /** With `--from`: text files kept as they are because they already contain `{{` or `{%`. */
  readonly verbatim: readonly string[];
  /** With `--from`: files left out because they may hold secrets (`.env`, `.env.local`…). */
  readonly secrets: readonly string[];
  /** With `--from`: whether the files are git's list (`git ls-files`: git-ignored files left out). */
  readonly gitListed: boolean;
}

/** Directories and files of a project that are not part of it (`--from`). */
const NOT_PROJECT =
  /^(\.git|\.hg|\.svn|\.venv|venv|env|__pycache__|\.pytest_cache|\.mypy_cache|\.ruff_cache|\.tox|\.nox|node_modules|dist|build|htmlcov|\.coverage|\.DS_Store|.*\.egg-info|.*\.pyc)$/;

/**
 * Files that may hold secrets (`.env`, `.env.local`, `.envrc`…), never copied into a template; an
 * example or sample (`.env.example`, `.env.sample`) is copied.
 */
const SECRET_FILE = /^\.env(?!.*\.(example|sample)$)/;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The project name of a directory: `[project].name` of its pyproject.toml, else its basename. */
async function projectNameOf(dir: string): Promise<string> {
  const file = join(dir, "pyproject.toml");
  if (await pathExists(file)) {
    const { parse } = await import("npm:smol-toml@1.9.1");
    try {
      const doc = parse(await Deno.readTextFile(file)) as { project?: { name?: unknown } };
      if (typeof doc.project?.name === "string" && doc.project.name !== "") return doc.project.name;
    } catch {
      // An unreadable pyproject.toml: the directory's name is the project's name.
    }
  }
  return basename(dir);
}

/**
 * Creates a user template `<home>/templates/<name>/` (`template.toml` and `files/`), written
 * through a staging directory renamed into place. With `from`, the project directory's files
 * become `files/`: when it is in a git work tree, only those git lists (`git ls-files -co
 * --exclude-standard`: tracked, and untracked but not ignored); never VCS folders, virtual
 * environments, caches and build output, nor files that may hold secrets (`.env*` except
 * `*.example` and `*.sample`: listed in `secrets`). The
 * project's name (`[project].name`, else the folder name) is replaced by `{{ project_name }}` and
 * its import name by `{{ package_name }}` — as whole words, in paths and in text files; a text file
 * that already contains `{{` or `{%` is kept as it is and listed in `verbatim` (its path is still
 * rendered). The manifest is checked with the parser `create-from-template` uses before anything
 * is written. Requires `--allow-read` and `--allow-write`.
 *
 * @throws {UsageError} For an invalid name, a built-in's name, an existing user template, an
 *   unknown base, neither `base` nor `from`, or a `from` that is not a directory.
 * @throws {ConfigError} When the config (and flags) make an invalid `template.toml`.
 * @throws {OperationError} (`permission_denied`, `file_error`) When a file of `from` cannot be read
 *   or the template cannot be written (the message names the path).
 */
export async function createUserTemplate(
  home: HomeLayout,
  name: string,
  options: CreateUserTemplateOptions,
): Promise<CreatedUserTemplate> {
  if (!TEMPLATE_NAME.test(name)) {
    throw new UsageError(`Invalid template name \`${name}\``, {
      hint: "Use lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit",
    });
  }
  if ((await builtinTemplates()).some((t) => t.name === name)) {
    throw new UsageError(`\`${name}\` is a built-in template`, {
      hint: `Choose another name, e.g. \`gestvenv template create my-${name} --base ${name}\``,
    });
  }
  if ((await userTemplateNames(home)).includes(name)) {
    throw new UsageError(`Template \`${name}\` already exists`, {
      hint: `Remove it first with \`gestvenv template remove ${name}\`, or choose another name`,
    });
  }
  const config: Record<string, unknown> = { ...(options.config ?? {}) };
  if (options.description !== undefined) config.description = options.description;
  if (options.base !== undefined) config.base = options.base;
  if (config.base === undefined && options.from === undefined) {
    throw new UsageError("A template needs a base or files", {
      hint: "Give `--base basic` (or another template), `--from DIR`, or both",
    });
  }
  if (typeof config.base === "string") await findTemplate(config.base, home);
  config.description ??= options.from === undefined
    ? `Based on ${config.base}`
    : `From ${basename(options.from)}`;

  const files: RenderedFile[] = [];
  let replacements = 0;
  let projectName: string | undefined;
  const verbatim: string[] = [];
  const secrets: string[] = [];
  let gitListed = false;
  if (options.from !== undefined) {
    const from = options.from;
    if (!(await Deno.stat(from).then((s) => s.isDirectory, () => false))) {
      throw new UsageError(`${from} is not a directory`, { hint: "Give the project's directory" });
    }
    projectName = await projectNameOf(from);
    const packageName = packageNameFor(projectName);
    const word = (text: string) =>
      new RegExp(`(?<![A-Za-z0-9_.-])${escapeRe(text)}(?![A-Za-z0-9_])`, "g");
    const project = word(projectName);
    const pkg = word(packageName);
    const substitute = (text: string, inCode: boolean) => {
      // In paths and Python code the import name is meant; elsewhere the project name first.
      const first = inCode
        ? [pkg, "{{ package_name }}"] as const
        : [project, "{{ project_name }}"] as const;
      const second = inCode
        ? [project, "{{ project_name }}"] as const
        : [pkg, "{{ package_name }}"] as const;
      let out = text.replace(first[0], () => (replacements++, first[1]));
      out = out.replace(second[0], () => (replacements++, second[1]));
      return out;
    };
    const listed = await gitListedFilter(from);
    gitListed = listed !== undefined;
    const skip = (entry: string, path: string, isDirectory: boolean) => {
      if (NOT_PROJECT.test(entry)) return true;
      if (listed !== undefined && !listed(path, isDirectory)) return true;
      if (!isDirectory && SECRET_FILE.test(entry)) {
        secrets.push(path);
        return true;
      }
      return false;
    };
    const read = await readTemplateFiles(from, skip).catch(
      (error) => {
        throw error instanceof ConfigError
          ? new UsageError(`${from} holds a link or special file: ${error.message}`, {
            hint: "Copy the project without links first",
          })
          : error;
      },
    );
    for (const f of read) {
      const path = f.path.split("/").map((s) => substitute(s, true)).join("/");
      let content: Uint8Array;
      if (f.text === undefined) content = f.bytes ?? new Uint8Array();
      else if (/\{\{|\{%/.test(f.text)) {
        content = new TextEncoder().encode(f.text);
        verbatim.push(path);
      } else content = new TextEncoder().encode(substitute(f.text, f.path.endsWith(".py")));
      files.push({
        path: `files/${path}`,
        content,
        executable: f.executable,
        from: name,
        verbatim: false,
      });
    }
  }
  if (verbatim.length > 0) {
    const existing = Array.isArray(config.verbatim) ? config.verbatim as unknown[] : [];
    config.verbatim = [...existing, ...verbatim];
  }
  const { stringify } = await import("npm:smol-toml@1.9.1");
  const ordered: Record<string, unknown> = {};
  for (const key of ["description", "base", "groups", "verbatim", "skip"]) {
    if (config[key] !== undefined) ordered[key] = config[key];
  }
  for (const key of Object.keys(config)) if (!(key in ordered)) ordered[key] = config[key];
  let manifest: string;
  try {
    manifest = `# gestvenv project template (gestvenv template info ${name})\n${
      stringify(ordered)
    }\n`;
  } catch (error) {
    throw new ConfigError(
      `The template's settings cannot be written as TOML: ${(error as Error).message}`,
      {
        cause: error,
        hint: "Check the --config file",
      },
    );
  }
  await parseTemplateManifest(
    manifest,
    options.from === undefined ? "the template settings" : `the template made from ${options.from}`,
  );
  files.unshift({
    path: "template.toml",
    content: new TextEncoder().encode(manifest),
    executable: false,
    from: name,
    verbatim: true,
  });
  const dir = join(userTemplatesDir(home), name);
  if (!(options.dryRun ?? false)) await writeProject(dir, files);
  return {
    dir,
    manifest,
    files: files.filter((f) => f.path.startsWith("files/")).map((f) =>
      f.path.slice("files/".length)
    ),
    ...(projectName === undefined ? {} : { projectName }),
    replacements,
    verbatim,
    secrets: secrets.sort(),
    gitListed,
  };
}

/**
 * Removes the user template `<home>/templates/<name>/`: renamed aside first (so it disappears at
 * once), then deleted. Requires `--allow-read` and `--allow-write`.
 *
 * @returns The directory removed (or that would be, with `dryRun`).
 * @throws {UsageError} For a built-in template, or when the user has no template of that name.
 * @throws {OperationError} (`remove_failed`, `permission_denied`, `file_error`) When the folder
 *   cannot be renamed or deleted.
 */
export async function removeUserTemplate(
  home: HomeLayout,
  name: string,
  dryRun = false,
): Promise<string> {
  const user = TEMPLATE_NAME.test(name) && (await userTemplateNames(home)).includes(name);
  if (!user && (await builtinTemplates()).some((t) => t.name === name)) {
    throw new UsageError(`\`${name}\` is a built-in template; only user templates can be removed`, {
      hint: "`gestvenv template list` shows which templates are yours",
    });
  }
  if (!user) await findTemplate(name, home); // throws with "did you mean"
  const dir = join(userTemplatesDir(home), name);
  if (dryRun) return dir;
  const aside = join(
    userTemplatesDir(home),
    `.${name}.removing-${crypto.randomUUID().slice(0, 8)}`,
  );
  try {
    await Deno.rename(dir, aside);
  } catch (error) {
    throw new OperationError(`Cannot remove ${dir}: ${(error as Error).message}`, "remove_failed", {
      cause: error,
      hint: "Check the folder's permissions",
    });
  }
  await Deno.remove(aside, { recursive: true }).catch((error) => {
    throw fileError(
      error,
      `delete ${aside} (template \`${name}\`, already set aside)`,
      `Check the permissions of the files in it, then delete ${aside} by hand`,
    );
  });
  return dir;
}
