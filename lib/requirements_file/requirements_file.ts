/**
 * requirements.txt files as pip reads them ("Requirements File Format" of pip's user guide):
 * comments, `\` continuation lines, `${VAR}` expansion, nested `-r`/`-c` files (relative to the
 * including file), `-e`, index options (`--index-url`, `--extra-index-url`, `--no-index`,
 * `--find-links`), `--pre`, `--only-binary`/`--no-binary`, per-requirement `--hash`, and
 * requirements given as a wheel path or URL. Errors name the file and line.
 *
 * @module
 */
import { InvalidSyntaxError, OperationError } from "../errors/mod.ts";
import { dirname, type EnvLookup, join, readEnv } from "../paths/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../dist_filename/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";

/**
 * How a requirement line was written: a PEP 508 requirement (`flask>=3`, `pkg @ https://...`), a
 * path or URL of an archive (`./dist/x-1.0-py3-none-any.whl`), or `-e` / `--editable`.
 */
export type RequirementLineForm = "pep508" | "archive" | "editable";

/** One requirement line. */
export interface RequirementLine {
  /** The parsed requirement (a path or URL becomes `name @ file:///...`). */
  requirement: Requirement;
  /**
   * The requirement as written: `${VAR}` not expanded (so no secret is copied), per-requirement
   * options (`--hash`, `--config-settings`) removed; for `-e`, the path or URL.
   */
  text: string;
  /** How it was written. */
  form: RequirementLineForm;
  /** `--hash` values as `algorithm:hex`, e.g. `sha256:ab12...`. */
  hashes: string[];
  /** Given with `-e` / `--editable`. */
  editable: boolean;
  /** `file:line` where it was written. */
  origin: string;
}

/** One `-r` / `-c` line: which file includes which. */
export interface RequirementsInclude {
  /** `requirement` for `-r`/`--requirement`, `constraint` for `-c`/`--constraint`. */
  kind: "requirement" | "constraint";
  /** The file the line is in. */
  from: string;
  /** Its 1-based line number there. */
  line: number;
  /** The included file: `${VAR}` expanded, relative to `from`'s directory, or a URL as given. */
  path: string;
  /** The path as written (`${VAR}` not expanded). */
  written: string;
}

/** One option line (`--index-url URL`, `--pre`, `--trusted-host HOST`, …). */
export interface RequirementsOption {
  /** The option as written (`-i`, `--index-url`, `-f`, …). */
  flag: string;
  /** Its value as pip uses it (`${VAR}` expanded), "" for a switch. */
  value: string;
  /**
   * Its value as written: `${VAR}` not expanded, so a token kept in the environment is never
   * copied into another file.
   */
  written: string;
  /** `file:line` where it was written. */
  origin: string;
  /** The directory relative paths in it are relative to (the file's directory). */
  baseDir: string;
}

/** Everything a requirements file (and the files it includes) says. */
export interface RequirementsFile {
  /** Requirements to install, in file order (includes expanded). */
  requirements: RequirementLine[];
  /** From `-c` files: they restrict versions but do not ask for installation. */
  constraints: RequirementLine[];
  /** `--index-url` / `-i` (the last one wins), or undefined. */
  indexUrl: string | undefined;
  /** `--extra-index-url` values, in order. */
  extraIndexUrls: string[];
  /** `--find-links` / `-f` values, in order. */
  findLinks: string[];
  /** `--no-index`. */
  noIndex: boolean;
  /** `--pre`. */
  pre: boolean;
  /** `--only-binary` names (`:all:` allowed). */
  onlyBinary: string[];
  /** `--no-binary` names (`:all:` allowed). */
  noBinary: string[];
  /** Every `-r`/`-c` line of every file read, in reading order. */
  includes: RequirementsInclude[];
  /**
   * Every option line of every file read (including those read here but not acted on:
   * `--prefer-binary`, `--trusted-host`, `--use-feature`, `--require-hashes`), in reading order.
   */
  options: RequirementsOption[];
}

/** Options for {@linkcode readRequirementsFile}. */
export interface ReadRequirementsOptions {
  /** Environment lookup for `${VAR}` expansion. @default readEnv */
  env?: EnvLookup;
}

/** `--long VALUE`, `--long=VALUE`, `-s VALUE` or `-sVALUE` (optparse's attached short value). */
const OPTION = /^(?:(--[a-z-]+)(?:[ =]\s*(.*))?|(-[a-zA-Z])(?:[ =]?\s*(.*))?)$/;

/** The flag and value of an option line, or null. */
function optionParts(text: string): { flag: string; value: string } | null {
  const m = OPTION.exec(text);
  if (m === null) return null;
  return m[1] !== undefined
    ? { flag: m[1], value: (m[2] ?? "").trim() }
    : { flag: m[3]!, value: (m[4] ?? "").trim() };
}

function emptyFile(): RequirementsFile {
  return {
    requirements: [],
    constraints: [],
    indexUrl: undefined,
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    pre: false,
    onlyBinary: [],
    noBinary: [],
    includes: [],
    options: [],
  };
}

/** Logical lines: continuations joined, comments stripped, with their first physical line number. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const physical = text.split(/\r?\n/);
  let current = "";
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!;
    if (current === "") start = i + 1;
    // A `#` starts a comment at the line start or after whitespace (pip's COMMENT_RE).
    line = line.replace(/(^|\s+)#.*$/, "");
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

function expandVariables(text: string, env: EnvLookup): string {
  // pip expands only the `${NAME}` form, with names of capitals, digits and `_`.
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (all, name: string) => env(name) ?? all);
}

function isUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

/** Turns a path or URL line (`./dist/x-1.0-py3-none-any.whl`, `https://.../x.tar.gz`) into `name @ url`. */
function archiveRequirement(text: string, baseDir: string, origin: string): Requirement | null {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(text)) return null;
  const [location, marker] = text.split(/\s+;\s*/, 2) as [string, string | undefined];
  const looksLikePath = location.includes("/") || location.endsWith(".whl") || isUrl(location);
  if (!looksLikePath) return null;
  const url = isUrl(location)
    ? location
    : "file://" + (location.startsWith("/") ? location : join(baseDir, location));
  const egg = /#egg=([A-Za-z0-9._-]+)/.exec(url)?.[1];
  const file = decodeURIComponent(url.split(/[?#]/)[0]!.split("/").pop() ?? "");
  const name = egg ?? tryParseWheelFilename(file)?.name ?? tryParseSdistFilename(file)?.name;
  if (name === undefined) {
    throw new InvalidSyntaxError(
      `cannot tell the project name of \`${location}\``,
      origin,
      { hint: "Write it as `name @ url`, or add `#egg=name` to the URL" },
    );
  }
  return parseRequirement(`${name} @ ${url}${marker === undefined ? "" : ` ; ${marker}`}`, origin);
}

async function readInto(
  path: string,
  into: RequirementsFile,
  asConstraints: boolean,
  env: EnvLookup,
  seen: Set<string>,
): Promise<void> {
  if (seen.has(path)) return;
  seen.add(path);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new OperationError(`Cannot read requirements file ${path}`, "requirements_file", {
      cause: error,
      hint: "Check the path (nested -r/-c paths are relative to the file that names them)",
    });
  }
  const baseDir = dirname(path);
  for (const { line, text: written } of logicalLines(text)) {
    const origin = `${path}:${line}`;
    const content = expandVariables(written, env);
    if (content.startsWith("-")) {
      const parts = optionParts(content);
      if (parts === null) {
        throw new InvalidSyntaxError(`cannot parse option \`${content}\``, origin);
      }
      const { flag, value } = parts;
      const writtenValue = optionParts(written)?.value ?? value;
      const need = () => {
        if (value === "") throw new InvalidSyntaxError(`\`${flag}\` needs a value`, origin);
        return value;
      };
      const resolvePath = (p: string) => isUrl(p) || p.startsWith("/") ? p : join(baseDir, p);
      const include = (kind: RequirementsInclude["kind"]) => {
        const target = resolvePath(need());
        into.includes.push({ kind, from: path, line, path: target, written: writtenValue });
        return target;
      };
      if (!["-r", "--requirement", "-c", "--constraint", "-e", "--editable"].includes(flag)) {
        into.options.push({ flag, value, written: writtenValue, origin, baseDir });
      }
      switch (flag) {
        case "-r":
        case "--requirement":
          await readInto(include("requirement"), into, asConstraints, env, seen);
          break;
        case "-c":
        case "--constraint":
          await readInto(include("constraint"), into, true, env, seen);
          break;
        case "-e":
        case "--editable": {
          const target = need();
          const url = isUrl(target) ? target : "file://" + resolvePath(target);
          const egg = /#egg=([A-Za-z0-9._-]+)/.exec(url)?.[1];
          const name = egg ?? url.replace(/\/+$/, "").split("/").pop()!;
          into.requirements.push({
            requirement: parseRequirement(`${name} @ ${url.split("#")[0]}`, origin),
            text: writtenValue === "" ? target : writtenValue,
            form: "editable",
            hashes: [],
            editable: true,
            origin,
          });
          break;
        }
        case "-i":
        case "--index-url":
          into.indexUrl = need();
          break;
        case "--extra-index-url":
          into.extraIndexUrls.push(need());
          break;
        case "-f":
        case "--find-links":
          into.findLinks.push(resolvePath(need()));
          break;
        case "--no-index":
          into.noIndex = true;
          break;
        case "--pre":
          into.pre = true;
          break;
        case "--only-binary":
          into.onlyBinary.push(...need().split(","));
          break;
        case "--no-binary":
          into.noBinary.push(...need().split(","));
          break;
        case "--prefer-binary":
        case "--trusted-host":
        case "--use-feature":
        case "--require-hashes":
          break;
        default:
          throw new InvalidSyntaxError(`unsupported option \`${flag}\``, origin);
      }
      continue;
    }
    // Per-requirement options: `--hash=sha256:...` (pip also allows `--config-settings`).
    const withoutOptionsWritten = written.replace(/\s+--hash[= ](\S+)/g, "")
      .replace(/\s+--(?:config-settings|global-option)[= ]\S+/g, "").trim();
    const hashes: string[] = [];
    const withoutOptions = content.replace(/\s+--hash[= ](\S+)/g, (_all, h: string) => {
      hashes.push(h.includes(":") ? h : `sha256:${h}`);
      return "";
    }).replace(/\s+--(?:config-settings|global-option)[= ]\S+/g, "").trim();
    const archive = archiveRequirement(withoutOptions, baseDir, origin);
    const requirement = archive ?? parseRequirement(withoutOptions, origin);
    (asConstraints ? into.constraints : into.requirements).push({
      requirement,
      text: withoutOptionsWritten,
      form: archive === null ? "pep508" : "archive",
      hashes,
      editable: false,
      origin,
    });
  }
}

/**
 * Reads a requirements file and the files it includes. Requires `--allow-read` (and
 * `--allow-env` for `${VAR}` expansion).
 * @throws {InvalidSyntaxError} naming `file:line` for a malformed line or unknown option.
 * @throws {OperationError} when a file cannot be read.
 */
export async function readRequirementsFile(
  path: string,
  options: ReadRequirementsOptions = {},
): Promise<RequirementsFile> {
  const into = emptyFile();
  await readInto(path, into, false, options.env ?? readEnv, new Set());
  return into;
}

/** Reads a constraints file (`-c`): every requirement line becomes a constraint. */
export async function readConstraintsFile(
  path: string,
  options: ReadRequirementsOptions = {},
): Promise<RequirementsFile> {
  const into = emptyFile();
  await readInto(path, into, true, options.env ?? readEnv, new Set());
  return into;
}
