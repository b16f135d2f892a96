import { UsageError } from "../errors/mod.ts";
import {
  compareVersions,
  parseSpecifierSet,
  satisfiesSpecifierSet,
  type SpecifierSet,
  tryParseVersion,
} from "../pep440/mod.ts";
import type { InterpreterInfo } from "./interpreter_info.ts";

/**
 * What the user asked for with `--python`:
 * - `path`: a file (`/usr/bin/python3.11`, `./venv/bin/python`);
 * - `version`: an implementation and/or a version prefix (`3.11`, `3.11.7`, `python3.12`, `pypy3`,
 *   `cpython3.12`);
 * - `specifier`: a PEP 440 specifier set on the Python version (`>=3.10`, `>=3.9,<3.12`).
 */
export type PythonRequest =
  | { kind: "path"; path: string; raw: string }
  | { kind: "version"; implementation: string | undefined; version: number[]; raw: string }
  | { kind: "specifier"; implementation: string | undefined; specifier: string; raw: string };

const IMPLEMENTATIONS: Record<string, string | undefined> = {
  "": undefined,
  python: undefined,
  py: undefined,
  cpython: "cpython",
  cp: "cpython",
  pypy: "pypy",
  pp: "pypy",
  graalpy: "graalpy",
};

/**
 * Parses a `--python` value.
 *
 * @throws {UsageError} If the value is none of the accepted forms.
 */
export function parsePythonRequest(raw: string): PythonRequest {
  const text = raw.trim();
  if (text.includes("/") || text.includes("\\") || text.startsWith(".")) {
    return { kind: "path", path: text, raw };
  }
  const named = text.toLowerCase().match(/^([a-z]*?)(\d+(?:\.\d+){0,2})?(?:\.exe)?$/);
  if (
    named !== null && named[1]! in IMPLEMENTATIONS && (named[1] !== "" || named[2] !== undefined)
  ) {
    const version = named[2] === undefined ? [] : named[2].split(".").map(Number);
    return { kind: "version", implementation: IMPLEMENTATIONS[named[1]!], version, raw };
  }
  const spec = text.toLowerCase().match(/^([a-z]*?)\s*([<>=!~].*)$/);
  if (spec !== null && spec[1]! in IMPLEMENTATIONS && trySpecifierSet(spec[2]!) !== null) {
    return {
      kind: "specifier",
      implementation: IMPLEMENTATIONS[spec[1]!],
      specifier: spec[2]!,
      raw,
    };
  }
  throw new UsageError(`Cannot understand the Python request \`${raw}\``, {
    hint:
      "Use a version (`3.11`, `3.11.7`), a specifier (`>=3.10`), a name (`python3.12`, `pypy3`) or a path",
  });
}

/** The PEP 440 specifier set `text`, or null when it is not one. */
function trySpecifierSet(text: string): SpecifierSet | null {
  try {
    return parseSpecifierSet(text);
  } catch {
    return null;
  }
}

/**
 * Whether the interpreter described by `info` satisfies `request` (paths are matched elsewhere).
 * A specifier follows PEP 440 (`lib/pep440`): a pre-release interpreter matches only a specifier
 * that names a pre-release.
 */
export function matchesPythonRequest(request: PythonRequest, info: InterpreterInfo): boolean {
  if (request.kind === "path") return false;
  if (request.implementation !== undefined && request.implementation !== info.implementation) {
    return false;
  }
  if (request.kind === "version") {
    return request.version.every((part, i) => info.version_info[i] === part);
  }
  const version = tryParseVersion(info.version);
  const set = trySpecifierSet(request.specifier);
  return version !== null && set !== null && satisfiesSpecifierSet(version, set);
}

/**
 * Orders interpreters newest first (PEP 440 order of their versions; a version PEP 440 cannot
 * read sorts after the others, by text).
 */
export function newestFirst(a: InterpreterInfo, b: InterpreterInfo): number {
  const va = tryParseVersion(a.version);
  const vb = tryParseVersion(b.version);
  if (va !== null && vb !== null) return compareVersions(vb, va);
  if (va !== null) return -1;
  if (vb !== null) return 1;
  return b.version < a.version ? -1 : b.version > a.version ? 1 : 0;
}
