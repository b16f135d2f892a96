/**
 * Requirement texts as the user gives them (command line, requirements files, exports): checked
 * with our PEP 508 parser before any backend runs, and merged into the recorded requirements.
 *
 * @module
 */
import { InvalidSyntaxError } from "../errors/mod.ts";
import { type AllowedSources, localPathOf } from "../config/mod.ts";
import { assertSourceAllowed } from "../index/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { tryParseWheelFilename } from "../dist_filename/mod.ts";
import { absolute, toFileUrl } from "../paths/mod.ts";
import { parseSpecifier } from "../pep440/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";
import { readRequirementsFile } from "../requirements_file/mod.ts";

/** Where a requirement given as an argument comes from, in messages. */
export const COMMAND_LINE_SOURCE = "command line";

const PEP508_HINT =
  "Requirements follow PEP 508: `name`, `name>=1.0`, `name[extra]==2.*`, `name @ URL`, " +
  '`name>=1.0; python_version >= "3.9"`';

/**
 * Whether pip would take `text` as a path or URL rather than a PEP 508 requirement (pip's
 * `_looks_like_path` and `is_url`): a URL, a text with a path separator or starting with `.`, or
 * an archive file name. Such texts are passed to the backend as they are.
 */
export function looksLikePathOrUrl(text: string): boolean {
  const t = text.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(t)) return false; // `name @ url`
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t) || /^(git|hg|svn|bzr)\+/i.test(t)) return true;
  if (t.startsWith(".") || t.startsWith("~")) return true;
  const location = t.split(/\s*;/, 1)[0]!;
  return /[\/\\]/.test(location) || /\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar)$/i.test(location);
}

/** A requirement given as a path or URL (pip's form), taken apart. */
export interface PathOrUrlReference {
  /** The path or URL as written, its marker removed. */
  location: string;
  /** Whether it is a URL (else a local path). */
  isUrl: boolean;
  /** The URL: as written, or the `file://` URL of the absolute path. */
  url: string;
  /** The wheel file name it ends with (PEP 427), or null. */
  wheel: ReturnType<typeof tryParseWheelFilename>;
}

/** Takes apart a text for which {@linkcode looksLikePathOrUrl} holds. */
export function pathOrUrlReference(text: string): PathOrUrlReference {
  const location = text.trim().split(/\s*;/, 1)[0]!;
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
  const url = isUrl ? location : toFileUrl(absolute(location));
  const filename = decodeURIComponent(url.split(/[?#]/)[0]!.split("/").pop() ?? "");
  return { location, isUrl, url, wheel: tryParseWheelFilename(filename) };
}

/** The first error in a requirement text, found by walking PEP 508's grammar. */
interface Diagnosis {
  /** 0-based offset in the text. */
  offset: number;
  /** What is wrong there. */
  why: string;
  /** The whole requirement, corrected, when the mistake is a known one. */
  fix?: string | undefined;
}

const OPERATORS = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/** Common misspellings of PEP 440 operators, and what was meant. */
const OPERATOR_FIXES: Readonly<Record<string, string>> = {
  "=": "==",
  "=>": ">=",
  "=<": "<=",
  "~": "~=",
  "!": "!=",
  "!!=": "!=",
  "<>": "!=",
  "=!": "!=",
  ">==": ">=",
  "<==": "<=",
  "!==": "!=",
  "~==": "~=",
};

const MARKER_NAMES =
  /\b(python_version|python_full_version|sys_platform|platform_system|platform_machine|platform_release|platform_version|platform_python_implementation|implementation_name|implementation_version|os_name|extra)\b/;

function fixOperator(run: string): string | undefined {
  if (OPERATOR_FIXES[run] !== undefined) return OPERATOR_FIXES[run];
  if (/^(.)\1+$/.test(run) && "<>".includes(run[0]!)) return run[0]; // `>>`, `<<<`
  if (/^={4,}$/.test(run)) return "==";
  if (/^(>>+=|<<+=)$/.test(run)) return `${run[0]}=`; // `>>=`
  return undefined;
}

function replaceAt(text: string, start: number, length: number, by: string): string {
  return text.slice(0, start) + by + text.slice(start + length);
}

/** `requests 2.0` → `requests==2.0`: a bare version meant `==`. */
function insertOperator(text: string, at: number): string {
  return `${text.slice(0, at).trimEnd()}==${text.slice(at)}`;
}

/** Finds the first error of a version-specifier clause starting at `start` in `text`. */
function diagnoseClause(text: string, start: number, clause: string): Diagnosis | undefined {
  try {
    parseSpecifier(clause);
    return undefined;
  } catch (error) {
    const lead = clause.length - clause.trimStart().length;
    const at = start + lead;
    const body = clause.trim();
    if (body === "") {
      return {
        offset: start,
        why: "empty version specifier (a stray `,`)",
        fix: text[start - 1] === "," ? replaceAt(text, start - 1, 1, "") : undefined,
      };
    }
    const run = /^[<>=!~]+/.exec(body)?.[0] ?? "";
    const known = OPERATORS.find((op) => run === op);
    if (known === undefined) {
      const fix = fixOperator(run);
      if (run === "") {
        return {
          offset: at,
          why: `expected a comparison operator (\`>=\`, \`==\`, \`~=\`, ...) before \`${body}\``,
          fix: /^\d/.test(body) ? insertOperator(text, at) : undefined,
        };
      }
      const longest = OPERATORS.find((op) => run.startsWith(op));
      return {
        // For `>>2` point at the character that makes the operator wrong (the second `>`).
        offset: longest !== undefined && fix !== undefined && fix.length <= run.length &&
            run.startsWith(fix)
          ? at + fix.length
          : at,
        why: `\`${run}\` is not a comparison operator`,
        fix: fix === undefined ? undefined : replaceAt(text, at, run.length, fix),
      };
    }
    const versionAt = at + run.length + (body.slice(run.length).length -
      body.slice(run.length).trimStart().length);
    const reason = error instanceof InvalidSyntaxError ? error.message : String(error);
    return { offset: versionAt, why: reason };
  }
}

/**
 * Walks PEP 508's grammar ("Grammar": name, extras, then specifiers or `@ URL`, then `; marker`)
 * over `text`, which the parser rejected, to find the offset of the first error and, for common
 * slips (`>>`, `=>`, a single `=`, a missing `;` before a marker), the corrected requirement.
 */
function diagnoseRequirement(text: string, parserMessage: string): Diagnosis {
  const fromParser = /at column (\d+)/.exec(parserMessage);
  const parserOffset = fromParser === null ? 0 : Number(fromParser[1]) - 1;
  const stripped = parserMessage.replace(/ at column \d+ of `.*`$/s, "");
  let pos = text.length - text.trimStart().length;
  const name = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/.exec(text.slice(pos))?.[0];
  if (name === undefined) return { offset: pos, why: "expected a package name" };
  pos += name.length;
  while (/\s/.test(text[pos] ?? "")) pos++;
  if (text[pos] === "[") {
    const close = text.indexOf("]", pos);
    if (close < 0) return { offset: text.length, why: "expected `]` to close the extras" };
    pos = close + 1;
    while (/\s/.test(text[pos] ?? "")) pos++;
  }
  if (text[pos] === "@" || fromParser !== null && parserOffset > pos) {
    return { offset: parserOffset, why: stripped };
  }
  const semi = text.indexOf(";", pos);
  const end = semi < 0 ? text.length : semi;
  let region = text.slice(pos, end);
  let regionAt = pos;
  const marker = MARKER_NAMES.exec(region);
  if (semi < 0 && marker !== null) {
    return {
      offset: pos + marker.index,
      why: "expected `;` before the environment marker",
      fix: `${text.slice(0, pos + marker.index).trimEnd()}; ${text.slice(pos + marker.index)}`,
    };
  }
  if (region.trimStart().startsWith("(")) {
    regionAt += region.indexOf("(") + 1;
    region = region.slice(region.indexOf("(") + 1).replace(/\)\s*$/, "");
  }
  if (region.trim() !== "" && !/^\s*[<>=!~]/.test(region)) {
    const at = regionAt + (region.length - region.trimStart().length);
    const body = region.trim();
    if (body.startsWith(",")) {
      return {
        offset: at,
        why: "expected a version specifier, `@ URL` or `;`",
        fix: undefined,
      };
    }
    return {
      offset: at,
      why: `expected a version specifier, \`@ URL\` or \`;\` before \`${body}\``,
      fix: /^\d/.test(body) ? insertOperator(text, at) : undefined,
    };
  }
  let clauseAt = regionAt;
  for (const clause of region.split(",")) {
    const found = diagnoseClause(text, clauseAt, clause);
    if (found !== undefined) return found;
    clauseAt += clause.length + 1;
  }
  return { offset: fromParser === null ? pos : parserOffset, why: stripped };
}

/** The error for an invalid requirement `text` from `source`, with its column and a hint. */
function invalidRequirement(text: string, source: string, cause: InvalidSyntaxError) {
  const ownMessage = cause.source === undefined
    ? cause.message
    : cause.message.slice(cause.source.length + 2);
  const d = diagnoseRequirement(text, ownMessage);
  const column = Math.min(d.offset, text.length) + 1;
  const separate = /^[A-Za-z0-9._-]+(\s*,\s*[A-Za-z0-9._-]+)+$/.test(text.trim());
  const hint = d.fix !== undefined && d.fix !== text
    ? `Did you mean \`${d.fix}\`?`
    : /PEP 440 version|release segments|wildcard|local version/.test(d.why)
    ? "Versions follow PEP 440: `2.31.0`, `1.0rc1`, `2.0.post1`; `==2.*` for a series, " +
      "`~=2.2` for compatible releases"
    : separate
    ? `Give one requirement per argument: ${
      text.split(",").map((t) => `\`${t.trim()}\``).join(" ")
    }`
    : PEP508_HINT;
  return new InvalidSyntaxError(
    `invalid requirement \`${text}\` at column ${column}: ${d.why}`,
    source,
    { cause, hint, details: `${text}\n${" ".repeat(column - 1)}^` },
  );
}

/**
 * Parses one requirement text with our PEP 508 parser, for checking before anything runs. Paths
 * and URLs (see {@linkcode looksLikePathOrUrl}) are not PEP 508 and are accepted as they are.
 *
 * @param source Where the text came from, for the message (`command line`, `file:line`).
 * @returns The parsed requirement, or undefined for a path or URL.
 * @throws {InvalidSyntaxError} (exit 2) naming the source, the column of the first error and a
 *   hint (`did you mean \`requests>2\`?` for `requests>>2`).
 */
export function checkRequirementText(
  text: string,
  source: string = COMMAND_LINE_SOURCE,
): Requirement | undefined {
  if (looksLikePathOrUrl(text)) return undefined;
  try {
    return parseRequirement(text, source);
  } catch (error) {
    if (!(error instanceof InvalidSyntaxError)) throw error;
    throw invalidRequirement(text, source, error);
  }
}

/**
 * The logical line of a requirements file that starts at physical line `line` (1-based), as
 * pip reads it: `\`-continuations joined, the comment and per-requirement options removed.
 */
function logicalLineAt(text: string, line: number): string | undefined {
  const physical = text.split(/\r?\n/);
  let current = "";
  for (let i = line - 1; i < physical.length; i++) {
    const raw = physical[i]!.replace(/(^|\s+)#.*$/, "");
    if (raw.endsWith("\\")) {
      current += raw.slice(0, -1);
      continue;
    }
    current += raw;
    break;
  }
  const content = current.replace(/\s+--(?:hash|config-settings|global-option)[= ]\S+/g, "").trim();
  return content === "" || content.startsWith("-") ? undefined : content;
}

/** Rewrites a requirements-file error with the column and a hint when it is about a requirement. */
async function explainFileError(error: unknown): Promise<unknown> {
  if (!(error instanceof InvalidSyntaxError) || error.source === undefined) return error;
  const m = /^(.*):(\d+)$/.exec(error.source);
  if (m === null) return error;
  const line = await Deno.readTextFile(m[1]!).then((t) => logicalLineAt(t, Number(m[2])), () => {
    return undefined;
  });
  if (line === undefined || looksLikePathOrUrl(line)) {
    if (error.hint !== undefined) return error;
    return new InvalidSyntaxError(error.message.slice(error.source.length + 2), error.source, {
      cause: error,
      hint:
        'See pip\'s "Requirements File Format" for the lines and options a requirements file takes',
    });
  }
  return invalidRequirement(line, error.source, error);
}

/**
 * Checks requirement texts and requirements files before anything is installed: each text with
 * {@linkcode checkRequirementText} (source `command line`, or `options.source`), each file (and the
 * files it includes) with `readRequirementsFile`, which parses every line with the same PEP 508
 * parser. Requires `--allow-read` for the files.
 *
 * @throws {InvalidSyntaxError} (exit 2) for the first invalid requirement: source
 *   (`command line` or `file:line`), column and a hint.
 * @throws {OperationError} When a requirements file cannot be read.
 */
export async function checkRequirementTexts(
  texts: readonly string[],
  files: readonly string[],
  options: { source?: string } = {},
): Promise<void> {
  for (const text of texts) checkRequirementText(text, options.source ?? COMMAND_LINE_SOURCE);
  for (const file of files) {
    try {
      await readRequirementsFile(absolute(file));
    } catch (error) {
      throw await explainFileError(error);
    }
  }
}

/**
 * The requirements a user asked for in requirements files, for the record: the PEP 508
 * requirement lines of each file and of the files it includes (`-r`), as written (see
 * `RequirementLine.text`), read with `readRequirementsFile`. Constraints (`-c`), option lines,
 * `-e` lines and archive paths or URLs are not recorded. Requires `--allow-read`.
 *
 * @throws {InvalidSyntaxError | OperationError} as `readRequirementsFile`.
 */
export async function requestedInFiles(files: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const { requirements } = await readRequirementsFile(absolute(file));
    for (const line of requirements) if (line.form === "pep508") out.push(line.text);
  }
  return out;
}

/**
 * The PEP 503 name of the project a requirement text names (parsed with `parseRequirement`), or
 * undefined for what is not a PEP 508 requirement (a path, a URL, `-e ...`).
 */
export function requirementProject(text: string): string | undefined {
  if (looksLikePathOrUrl(text)) return undefined;
  try {
    return normalizeName(parseRequirement(text).name);
  } catch {
    return undefined;
  }
}

/**
 * Merges newly requested requirements into the recorded ones: a new requirement replaces an older
 * one for the same project (PEP 503 name); others are appended in order.
 */
export function mergeRequirements(existing: string[], added: string[]): string[] {
  const key = (req: string) => requirementProject(req) ?? req;
  const result = [...existing];
  for (const req of added) {
    const k = key(req);
    const i = result.findIndex((r) => key(r) === k);
    if (i >= 0) result[i] = req;
    else result.push(req);
  }
  return result;
}

/** Removes the requirements that name any of `names` (PEP 503 comparison). */
export function dropRequirements(existing: string[], names: string[]): string[] {
  const drop = new Set(names.map(normalizeName));
  return existing.filter((req) => {
    const name = requirementProject(req);
    return name === undefined || !drop.has(name);
  });
}

/**
 * The project names of requirement strings and of the requirement lines of files (and their
 * includes; paths, URLs and option lines skipped), for looking them up on an index. Requires
 * `--allow-read`.
 */
export async function requestedProjectNames(
  requirements: string[],
  files: string[] = [],
): Promise<string[]> {
  const texts = [...requirements, ...await requestedInFiles(files)];
  const names = texts.map(requirementProject).filter((n): n is string => n !== undefined);
  return [...new Set(names)];
}

/**
 * Refuses, before any request, a requirement whose URL (`name @ https://…`, a `file:` archive) is
 * outside `security.allowed_sources` (issue 12 §3). A local project directory (`name @ file:///
 * src/app`) is the user's own code, not a source, and passes.
 * @throws {SourceNotAllowedError} (exit 1) naming the URL, credentials removed.
 */
export async function assertRequirementSourcesAllowed(
  requirements: readonly Requirement[],
  sources: AllowedSources | undefined,
): Promise<void> {
  if (sources === undefined) return;
  for (const requirement of requirements) {
    if (requirement.url === null) continue;
    const local = localPathOf(requirement.url);
    if (local !== null && (await Deno.stat(local).catch(() => null))?.isDirectory) continue;
    assertSourceAllowed(requirement.url, sources, "requirement");
  }
}
