import { OperationError } from "../errors/mod.ts";
import { parseVersion, satisfiesSpecifierSet } from "../pep440/mod.ts";
import { findInterpreter, findInterpreters, type Interpreter, newestFirst } from "../python/mod.ts";
import type { Pyproject } from "./pyproject.ts";

/**
 * Picks the interpreter for a project: the `request` one (a `--python` request) when given, which
 * must satisfy `requires-python`; otherwise the newest interpreter found (see `findInterpreters`)
 * that satisfies it. Without `requires-python`, the request, or the newest interpreter found.
 *
 * @param cacheDir gestvenv's cache directory (interpreter probes are kept there); undefined: none
 *   read or written (a dry run).
 * @throws {OperationError} `interpreter_not_found` when nothing satisfies `requires-python` (the
 *   message lists every interpreter found), or when the requested one does not.
 */
export async function projectInterpreter(
  pyproject: Pyproject,
  request: string | undefined,
  cacheDir: string | undefined,
): Promise<Interpreter> {
  const set = pyproject.project?.requiresPython ?? null;
  const text = pyproject.project?.requiresPythonText ?? "";
  const ok = (i: Interpreter) =>
    set === null || satisfiesSpecifierSet(parseVersion(i.info.version), set, true);
  const describe = (i: Interpreter) =>
    `${i.info.implementation_display} ${i.info.version} (${i.path})`;
  if (request !== undefined) {
    const chosen = await findInterpreter(request, { cacheDir });
    if (!ok(chosen)) {
      throw new OperationError(
        `${
          describe(chosen)
        } does not satisfy the project's requires-python \`${text}\` (${pyproject.file})`,
        "interpreter_not_found",
        { hint: "Pass a `--python` that satisfies it, or leave `--python` out" },
      );
    }
    return chosen;
  }
  const all = await findInterpreters({ cacheDir });
  const matching = all.filter(ok).sort((a, b) => newestFirst(a.info, b.info));
  if (matching[0] !== undefined) return matching[0];
  const found = all.length === 0 ? "none" : all.map(describe).join(", ");
  throw new OperationError(
    `No interpreter satisfies the project's requires-python \`${text}\` (${pyproject.file}); found: ${found}`,
    "interpreter_not_found",
    {
      hint: "Install a matching Python (e.g. with pyenv), or relax `requires-python`",
    },
  );
}
