import { OperationError } from "../errors/mod.ts";
import { absolute } from "../paths/mod.ts";
import {
  defaultCandidate,
  discoverCandidates,
  type InterpreterCandidate,
  isScript,
} from "./discover_interpreters.ts";
import type { Interpreter } from "./interpreter_info.ts";
import { matchesPythonRequest, newestFirst, parsePythonRequest } from "./python_request.ts";
import { queryInterpreter } from "./query_interpreter.ts";

/** Options shared by {@linkcode findInterpreters} and {@linkcode findInterpreter}. */
export interface FindInterpreterOptions {
  /** gestvenv's cache directory, where probe answers are kept. */
  cacheDir?: string | undefined;
}

/**
 * Finds every interpreter on this machine (see `discoverCandidates` for where it looks), probing
 * the ones not yet cached in parallel. Duplicates (the same canonical file under several names)
 * are listed once, under the first name found. Files that fail the probe are skipped.
 *
 * @returns Interpreters in discovery order.
 */
export async function findInterpreters(
  options: FindInterpreterOptions = {},
): Promise<Interpreter[]> {
  const candidates = await discoverCandidates();
  const seen = new Set<string>();
  const unique: InterpreterCandidate[] = [];
  const reals = await Promise.all(
    candidates.map((c) => Deno.realPath(c.path).catch(() => undefined)),
  );
  candidates.forEach((candidate, i) => {
    const real = reals[i];
    if (real === undefined || seen.has(real)) return;
    seen.add(real);
    unique.push(candidate);
  });
  const results = await Promise.all(unique.map(async (candidate) => {
    if (Deno.build.os !== "windows" && await isScript(candidate.path)) return undefined;
    try {
      const { realPath, info } = await queryInterpreter(candidate.path, options);
      if (info.base_executable !== null && info.prefix !== info.base_prefix) return undefined;
      return {
        path: candidate.path,
        realPath,
        source: candidate.source,
        info,
      } satisfies Interpreter;
    } catch {
      return undefined;
    }
  }));
  return results.filter((r): r is Interpreter => r !== undefined);
}

/**
 * Finds the interpreter for a `--python` request (see `parsePythonRequest`). Without a request,
 * the first real `python3` on `PATH` is used (a pyenv shim resolves to the version pyenv selects).
 * With a version or specifier, the newest matching interpreter wins.
 *
 * @throws {OperationError} `interpreter_not_found` when nothing matches; the message lists what
 *   was found.
 * @throws {UsageError} If the request cannot be parsed.
 */
export async function findInterpreter(
  request: string | undefined,
  options: FindInterpreterOptions = {},
): Promise<Interpreter> {
  if (request === undefined) {
    const candidate = await defaultCandidate();
    if (candidate !== undefined) {
      const { realPath, info } = await queryInterpreter(candidate.path, options);
      return { path: candidate.path, realPath, source: candidate.source, info };
    }
    const all = await findInterpreters(options);
    const newest = all.sort((a, b) => newestFirst(a.info, b.info))[0];
    if (newest !== undefined) return newest;
    throw new OperationError("No Python interpreter was found", "interpreter_not_found", {
      hint: "Install Python 3, or pass `--python /path/to/python`",
    });
  }
  const parsed = parsePythonRequest(request);
  if (parsed.kind === "path") {
    const path = absolute(parsed.path);
    try {
      const { realPath, info } = await queryInterpreter(path, options);
      return { path, realPath, source: "request", info };
    } catch (error) {
      throw new OperationError(`No Python interpreter at ${path}`, "interpreter_not_found", {
        cause: error,
        hint: "Check the path, or run `gestvenv pyversions` to see the interpreters found",
      });
    }
  }
  const all = await findInterpreters(options);
  const matching = all.filter((i) => matchesPythonRequest(parsed, i.info));
  matching.sort((a, b) => newestFirst(a.info, b.info));
  const best = matching[0];
  if (best !== undefined) return best;
  const found = all.length === 0
    ? "none"
    : all.map((i) => `${i.info.implementation_display} ${i.info.version} (${i.path})`).join(", ");
  throw new OperationError(
    `No interpreter satisfies \`${request}\`; found: ${found}`,
    "interpreter_not_found",
    {
      hint: "Install a matching Python (e.g. with pyenv), or pass another `--python`",
    },
  );
}
