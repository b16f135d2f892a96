import { ConfigError, UsageError } from "../errors/mod.ts";
import { closestNames, formatAlternatives } from "../names/mod.ts";
import { type HomeLayout, join } from "../paths/mod.ts";
import { matchesGlob } from "./path_glob.ts";
import type {
  ProjectTemplate,
  ResolvedTemplate,
  ResolvedTemplateFile,
  TemplateFile,
} from "./project_template.ts";
import { parseTemplateManifest, type TemplateVariable } from "./template_manifest.ts";

/** Deepest `base` chain accepted (a longer one is almost surely a mistake). */
export const MAX_TEMPLATE_DEPTH = 8;

/** A template name: lowercase letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The user's templates directory: `<gestvenv home>/templates` (`~/.gestvenv/templates`). */
export function userTemplatesDir(home: HomeLayout): string {
  return join(home.root, "templates");
}

let builtins: Promise<ProjectTemplate[]> | undefined;

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * The built-in templates, from the module `deno task gen-templates` generates from
 * `templates/projects/<name>/` (so a compiled binary reads no file), parsed once.
 */
export function builtinTemplates(): Promise<ProjectTemplate[]> {
  builtins ??= (async () => {
    const { BUILTIN_PROJECT_TEMPLATES } = await import("../../templates/projects.generated.ts");
    const out: ProjectTemplate[] = [];
    for (const t of BUILTIN_PROJECT_TEMPLATES) {
      out.push({
        name: t.name,
        origin: "built-in",
        manifest: await parseTemplateManifest(
          t.manifest,
          `templates/projects/${t.name}/template.toml`,
        ),
        files: t.files.map((f): TemplateFile => ({
          path: f.path,
          ...(f.text !== undefined ? { text: f.text } : { bytes: fromBase64(f.base64 ?? "") }),
          executable: f.executable ?? false,
        })),
      });
    }
    return out;
  })();
  return builtins;
}

/**
 * Reads the files under `dir` (a template's `files/`), sorted by path. UTF-8 files become text,
 * others bytes; entries whose name `skip` accepts (files or whole directories) are left out.
 * Requires `--allow-read`.
 *
 * @throws {ConfigError} For a symbolic link or anything that is not a file or directory (a
 *   template is plain files, so rendering never follows a link out of it).
 */
export async function readTemplateFiles(
  dir: string,
  skip: (name: string) => boolean = () => false,
): Promise<TemplateFile[]> {
  const out: TemplateFile[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const walk = async (rel: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(rel === "" ? dir : join(dir, rel))) entries.push(entry);
    for (const entry of entries) {
      if (skip(entry.name)) continue;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) {
        const full = join(dir, path);
        const bytes = await Deno.readFile(full);
        const mode = (await Deno.stat(full)).mode ?? 0;
        let text: string | undefined;
        try {
          text = decoder.decode(bytes);
        } catch {
          text = undefined;
        }
        out.push({
          path,
          ...(text !== undefined ? { text } : { bytes }),
          executable: (mode & 0o111) !== 0,
        });
      } else {
        throw new ConfigError(`Template file ${join(dir, path)} is not a regular file`, {
          hint: "A template holds plain files and directories only: replace the link by a copy",
        });
      }
    }
  };
  await walk("");
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Loads a template stored in a directory: `<dir>/template.toml` and the files under `<dir>/files/`
 * (none when the folder is missing). Requires `--allow-read`.
 *
 * @throws {ConfigError} When `template.toml` is missing or invalid (see
 *   {@linkcode parseTemplateManifest}), or a file is not a regular file.
 */
export async function loadTemplateDir(
  name: string,
  dir: string,
  origin: ProjectTemplate["origin"] = "user",
): Promise<ProjectTemplate> {
  const manifestPath = join(dir, "template.toml");
  let text: string;
  try {
    text = await Deno.readTextFile(manifestPath);
  } catch (error) {
    throw new ConfigError(`Template \`${name}\` has no readable ${manifestPath}`, {
      cause: error,
      hint:
        `Write one (description = "…"), or remove the folder with \`gestvenv template remove ${name}\``,
    });
  }
  const manifest = await parseTemplateManifest(text, manifestPath);
  const filesDir = join(dir, "files");
  const hasFiles = await Deno.stat(filesDir).then((s) => s.isDirectory, () => false);
  return {
    name,
    origin,
    dir,
    manifest,
    files: hasFiles ? await readTemplateFiles(filesDir) : [],
  };
}

/** The names of the user's templates (folders of the user templates directory), sorted. */
export async function userTemplateNames(home: HomeLayout): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(userTemplatesDir(home))) {
      if (entry.isDirectory && TEMPLATE_NAME.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** One row of `template list`. */
export interface TemplateSummary {
  /** The template's name. */
  readonly name: string;
  /** Built-in or the user's. */
  readonly origin: ProjectTemplate["origin"];
  /** Its description (empty when it has none). */
  readonly description: string;
  /** The template it extends, if any. */
  readonly base?: string;
  /** A user template's directory. */
  readonly path?: string;
  /** Why a user template cannot be used (its `template.toml` is invalid), if it cannot. */
  readonly problem?: string;
  /** A user template whose name a built-in already has: the built-in is the one used. */
  readonly shadowed?: boolean;
}

/**
 * Lists the built-in templates, then the user's (`<home>/templates/<name>/`), each with its
 * description and base. A user template whose `template.toml` is invalid is listed with the
 * problem instead of failing the listing. Requires `--allow-read`.
 */
export async function listTemplates(home: HomeLayout): Promise<TemplateSummary[]> {
  const out: TemplateSummary[] = [];
  const builtinNames = new Set<string>();
  for (const t of await builtinTemplates()) {
    builtinNames.add(t.name);
    out.push({
      name: t.name,
      origin: "built-in",
      description: t.manifest.description,
      ...(t.manifest.base === undefined ? {} : { base: t.manifest.base }),
    });
  }
  for (const name of await userTemplateNames(home)) {
    const dir = join(userTemplatesDir(home), name);
    const shadowed = builtinNames.has(name) ? { shadowed: true } : {};
    try {
      const t = await loadTemplateDir(name, dir);
      out.push({
        name,
        origin: "user",
        description: t.manifest.description,
        ...(t.manifest.base === undefined ? {} : { base: t.manifest.base }),
        path: dir,
        ...shadowed,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      out.push({
        name,
        origin: "user",
        description: "",
        path: dir,
        problem: error.message,
        ...shadowed,
      });
    }
  }
  return out;
}

/**
 * Finds a template by name: a built-in first, else the user's `<home>/templates/<name>/`.
 * Requires `--allow-read`.
 *
 * @throws {UsageError} When no template has that name (with the closest names as a hint).
 * @throws {ConfigError} When the user template's `template.toml` is invalid.
 */
export async function findTemplate(name: string, home: HomeLayout): Promise<ProjectTemplate> {
  const builtin = (await builtinTemplates()).find((t) => t.name === name);
  if (builtin !== undefined) return builtin;
  const userNames = await userTemplateNames(home);
  if (TEMPLATE_NAME.test(name) && userNames.includes(name)) {
    return await loadTemplateDir(name, join(userTemplatesDir(home), name));
  }
  const all = [...(await builtinTemplates()).map((t) => t.name), ...userNames];
  const close = closestNames(name, all);
  throw new UsageError(`No template \`${name}\``, {
    hint: close.length > 0
      ? `Did you mean ${formatAlternatives(close)}? \`gestvenv template list\` shows them all`
      : `Templates: ${all.join(", ")} (\`gestvenv template list\`)`,
  });
}

/**
 * Resolves a template and its `base` chain into the files and variables to render: the outermost
 * base's files first, each template's files replacing its base's by path and its `skip` globs
 * removing some; variables merged (a template's own override its base's); `verbatim` globs and
 * `[when]` conditions of the whole chain apply to every file. Requires `--allow-read`.
 *
 * @throws {UsageError} When the template or a base is unknown.
 * @throws {ConfigError} On a `base` cycle, a chain deeper than {@linkcode MAX_TEMPLATE_DEPTH}, or a
 *   `[when]` key that names no file of the chain.
 */
export async function resolveTemplate(name: string, home: HomeLayout): Promise<ResolvedTemplate> {
  const template = await findTemplate(name, home);
  const chain: ProjectTemplate[] = [template];
  for (let t = template; t.manifest.base !== undefined;) {
    const baseName = t.manifest.base;
    if (chain.some((c) => c.name === baseName)) {
      throw new ConfigError(
        `Template \`${name}\` extends itself: ${
          [...chain.map((c) => c.name), baseName].join(" → ")
        }`,
        { hint: "Remove the `base` that closes the cycle" },
      );
    }
    if (chain.length >= MAX_TEMPLATE_DEPTH) {
      throw new ConfigError(`Template \`${name}\` has more than ${MAX_TEMPLATE_DEPTH} bases`, {
        hint: "Extend a template closer to what you need",
      });
    }
    t = await findTemplate(baseName, home);
    chain.push(t);
  }
  chain.reverse();
  const files = new Map<string, { file: TemplateFile; from: string }>();
  const variables = new Map<string, TemplateVariable>();
  const when = new Map<string, string>();
  const verbatim: string[] = [];
  let groups: readonly string[] = [];
  const seen = new Set<string>();
  for (const t of chain) {
    for (const file of t.files) seen.add(file.path);
    for (const path of [...files.keys()]) {
      if (t.manifest.skip.some((g) => matchesGlob(path, g))) files.delete(path);
    }
    for (const file of t.files) files.set(file.path, { file, from: t.name });
    for (const [k, v] of t.manifest.variables) variables.set(k, v);
    for (const [k, v] of t.manifest.when) when.set(k, v);
    verbatim.push(...t.manifest.verbatim);
    if (t.manifest.groups !== undefined) groups = t.manifest.groups;
  }
  const paths = [...files.keys()].sort();
  for (const key of when.keys()) {
    const hit = key.endsWith("/") ? [...seen].some((p) => p.startsWith(key)) : seen.has(key);
    if (!hit) {
      throw new ConfigError(
        `Template \`${name}\`: \`[when]\` names \`${key}\`, which is no file of it`,
        {
          hint: "Use a path under files/ as written there (a directory prefix ends with `/`)",
        },
      );
    }
  }
  const resolved: ResolvedTemplateFile[] = paths.map((path) => {
    const { file, from } = files.get(path)!;
    const conditions = [...when].filter(([key]) =>
      key.endsWith("/") ? path.startsWith(key) : key === path
    )
      .map(([, condition]) => condition);
    return {
      path,
      file,
      from,
      verbatim: file.text === undefined || verbatim.some((g) => matchesGlob(path, g)),
      conditions,
    };
  });
  return { template, chain, groups, variables, files: resolved };
}
