/**
 * The policy file format (issue 12 §3), version 1: TOML (or the same document as JSON, spec 001's
 * `policy apply team-security.json`), checked strictly: an unknown table or key, a wrong type or
 * an unknown `version` is an error naming the line and column, with a did-you-mean.
 *
 * ```toml
 * version = 1
 * [packages]
 * blocked = ["six", "requests<2.20"]        # PEP 508: name, specifier, marker
 * [licenses]
 * allowed = ["MIT", "BSD-3-Clause", "Apache-2.0"]
 * blocked = ["GPL-3.0-only"]
 * require_known = true                      # a distribution with no SPDX licence is a violation
 * [vulnerabilities]
 * max_severity = "MEDIUM"                   # the highest tolerated: HIGH and CRITICAL are refused
 * [requirements]
 * require_hashes = true
 * require_pins = true
 * [python]
 * allowed = ">=3.9"
 * [sources]
 * allowed = ["pypi.org", "files.pythonhosted.org"]
 * ```
 *
 * @module
 */
import { parse, TomlError } from "npm:smol-toml@1.9.1";
import { type AllowedSources, parseAllowedSources } from "../config/mod.ts";
import { ConfigError, GestvenvError } from "../errors/mod.ts";
import { closestNames, formatAlternatives } from "../names/mod.ts";
import { parseSpecifierSet, type SpecifierSet } from "../pep440/mod.ts";
import { parseRequirement, type Requirement } from "../pep508/mod.ts";

/** Severities, lowest first (OSV / CVSS v3 qualitative ratings). */
export const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;

/** A vulnerability severity as reported by an audit. */
export type Severity = (typeof SEVERITIES)[number] | "UNKNOWN";

/** `[vulnerabilities] max_severity`: the highest severity tolerated, or `NONE` for none at all. */
export type MaxSeverity = (typeof SEVERITIES)[number] | "NONE";

/** One blocked requirement of `[packages] blocked`. */
export interface BlockedPackage {
  /** As written. */
  text: string;
  /** Parsed (PEP 508). */
  requirement: Requirement;
}

/** A policy, read and checked. Rules a file does not set are null/empty/false. */
export interface Policy {
  /** Where it comes from, for people: a path, `pyproject.toml [tool.gestvenv.policy]`, … */
  origin: string;
  /** The format version (always 1). */
  version: 1;
  /** `[packages] blocked`. */
  blocked: BlockedPackage[];
  /** `[licenses] allowed` (SPDX ids), or null for no allow-list. */
  licensesAllowed: string[] | null;
  /** `[licenses] blocked` (SPDX ids). */
  licensesBlocked: string[];
  /** `[licenses] require_known`: a distribution without an SPDX licence is a violation. */
  requireKnownLicense: boolean;
  /** `[vulnerabilities] max_severity`, or null. */
  maxSeverity: MaxSeverity | null;
  /** `[requirements] require_hashes`. */
  requireHashes: boolean;
  /** `[requirements] require_pins`: every top-level requirement `==`/`===`-pinned. */
  requirePins: boolean;
  /** `[python] allowed`, as written and parsed, or null. */
  pythonAllowed: { text: string; specifier: SpecifierSet } | null;
  /** `[sources] allowed`, or null. */
  sourcesAllowed: AllowedSources | null;
}

type Kind = "list" | "bool" | "string" | "severity";

/** Every table and key of version 1, with its type. */
const SCHEMA: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  packages: { blocked: "list" },
  licenses: { allowed: "list", blocked: "list", require_known: "bool" },
  vulnerabilities: { max_severity: "severity" },
  requirements: { require_hashes: "bool", require_pins: "bool" },
  python: { allowed: "string" },
  sources: { allowed: "list" },
};

/** The 1-based line and column of `key` in `table` of a TOML text (a best effort), or null. */
function locate(text: string, table: string | null, key: string | null): [number, number] | null {
  const lines = text.split("\n");
  let current: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header !== null) {
      current = header[1]!.replace(/^tool\.gestvenv\.policy\.?/, "").replace(/^policy\.?/, "");
      if (key === null && current === table) return [i + 1, line.indexOf("[") + 1];
      continue;
    }
    if (key === null) continue;
    const dotted = table === null ? key : `${table}.${key}`;
    for (const name of current === table ? [key, dotted] : current === null ? [dotted] : []) {
      const m = new RegExp(`^(\\s*)["']?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*=`)
        .exec(line);
      if (m !== null) return [i + 1, m[1]!.length + 1];
    }
  }
  return null;
}

/**
 * Checks a policy document (the parsed TOML/JSON, or a `[tool.gestvenv.policy]` table).
 * @param text The source text, to name lines and columns (empty: none named).
 * @throws {ConfigError} (exit 10) naming `origin:line:column` and what is wrong, with a
 *   did-you-mean for unknown names.
 */
export function checkPolicy(doc: Record<string, unknown>, origin: string, text = ""): Policy {
  const fail = (table: string | null, key: string | null, what: string, hint: string): never => {
    const at = text === "" ? null : locate(text, table, key);
    throw new ConfigError(`${origin}${at === null ? "" : `:${at[0]}:${at[1]}`}: ${what}`, {
      hint,
    });
  };
  /** `; did you mean …?` when a known name is close to `word`. */
  const didYouMean = (word: string, known: string[], wrap: (k: string) => string) => {
    const close = closestNames(word, known);
    return close.length > 0 ? `; did you mean ${formatAlternatives(close.map(wrap))}?` : "";
  };
  if (!("version" in doc)) {
    fail(null, null, "the policy has no `version`", "Start the file with `version = 1`");
  }
  if (doc.version !== 1) {
    fail(
      null,
      "version",
      `\`version = ${JSON.stringify(doc.version)}\` is not a policy format this gestvenv reads`,
      "This gestvenv reads `version = 1`; a newer gestvenv may read this file",
    );
  }
  const policy: Policy = {
    origin,
    version: 1,
    blocked: [],
    licensesAllowed: null,
    licensesBlocked: [],
    requireKnownLicense: false,
    maxSeverity: null,
    requireHashes: false,
    requirePins: false,
    pythonAllowed: null,
    sourcesAllowed: null,
  };
  for (const [table, value] of Object.entries(doc)) {
    if (table === "version") continue;
    const keys = SCHEMA[table];
    if (keys === undefined || !Object.hasOwn(SCHEMA, table)) {
      fail(
        table,
        null,
        `unknown table \`[${table}]\`${didYouMean(table, Object.keys(SCHEMA), (k) => `[${k}]`)}`,
        `Version 1 policies have the tables ${
          Object.keys(SCHEMA).map((k) => `[${k}]`).join(", ")
        } (README "Allowed sources and policies")`,
      );
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      fail(null, table, `\`${table}\` must be a table`, `Write it as \`[${table}]\``);
    }
    for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
      const kind = Object.hasOwn(keys!, key) ? keys![key] : undefined;
      if (kind === undefined) {
        fail(
          table,
          key,
          `unknown key \`${key}\` in \`[${table}]\`${
            didYouMean(key, Object.keys(keys!), (k) => k)
          }`,
          `\`[${table}]\` takes ${Object.keys(keys!).join(", ")}`,
        );
      }
      const wrong = (expected: string) =>
        fail(
          table,
          key,
          `\`${table}.${key}\` must be ${expected}`,
          `See README "Allowed sources and policies"`,
        );
      if (kind === "list" && !(Array.isArray(raw) && raw.every((v) => typeof v === "string"))) {
        wrong("a list of strings");
      }
      if (kind === "bool" && typeof raw !== "boolean") wrong("true or false");
      if (kind === "string" && typeof raw !== "string") wrong("a string");
      if (
        kind === "severity" &&
        !(typeof raw === "string" && [...SEVERITIES, "NONE"].includes(raw.toUpperCase()))
      ) {
        wrong(`one of ${[...SEVERITIES, "NONE"].join(", ")}`);
      }
      const where = `\`${table}.${key}\``;
      try {
        apply(policy, `${table}.${key}`, raw, where);
      } catch (error) {
        if (!(error instanceof GestvenvError)) throw error;
        fail(
          table,
          key,
          error.message,
          error.hint ?? `Fix the value of \`${table}.${key}\``,
        );
      }
    }
  }
  return policy;
}

function apply(policy: Policy, key: string, raw: unknown, where: string): void {
  switch (key) {
    case "packages.blocked":
      policy.blocked = (raw as string[]).map((text) => ({
        text,
        requirement: parseRequirement(text, where),
      }));
      break;
    case "licenses.allowed":
      policy.licensesAllowed = [...raw as string[]];
      break;
    case "licenses.blocked":
      policy.licensesBlocked = [...raw as string[]];
      break;
    case "licenses.require_known":
      policy.requireKnownLicense = raw as boolean;
      break;
    case "vulnerabilities.max_severity":
      policy.maxSeverity = (raw as string).toUpperCase() as MaxSeverity;
      break;
    case "requirements.require_hashes":
      policy.requireHashes = raw as boolean;
      break;
    case "requirements.require_pins":
      policy.requirePins = raw as boolean;
      break;
    case "python.allowed":
      policy.pythonAllowed = {
        text: raw as string,
        specifier: parseSpecifierSet(raw as string, where),
      };
      break;
    case "sources.allowed":
      policy.sourcesAllowed = parseAllowedSources(raw as string[], where);
      break;
  }
}

/**
 * Reads a policy file's text: TOML, or JSON (by default when `path` ends with `.json`).
 * @param path The file, or where the text is kept, named in messages.
 * @throws {ConfigError} (exit 10) for text that is not TOML/JSON (with line and column) or a
 *   document that is not a version 1 policy (see {@linkcode checkPolicy}).
 */
export function parsePolicy(
  text: string,
  path: string,
  format: "toml" | "json" = path.toLowerCase().endsWith(".json") ? "json" : "toml",
): Policy {
  let doc: unknown;
  if (format === "json") {
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`, {
        hint: "Fix the file; a policy is a JSON object with `version`, `packages`, `licenses`, …",
      });
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
      throw new ConfigError(`${path}: a policy must be a JSON object`, {
        hint: 'Write it as `{"version": 1, ...}`',
      });
    }
  } else {
    try {
      doc = parse(text);
    } catch (error) {
      const at = error instanceof TomlError ? `:${error.line}:${error.column}` : "";
      const first = (error as Error).message.split("\n", 1)[0];
      throw new ConfigError(`${path}${at}: not valid TOML: ${first}`, {
        cause: error,
        hint: "Fix the file (TOML: `key = value` lines under `[table]` headers)",
      });
    }
  }
  return checkPolicy(doc as Record<string, unknown>, path, text);
}

/**
 * Reads and checks a policy file.
 * @throws {ConfigError} as {@linkcode parsePolicy}, or when the file cannot be read.
 */
export async function readPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read the policy file ${path}`, {
      cause: error,
      hint: "Check the path",
    });
  }
  return parsePolicy(text, path);
}
