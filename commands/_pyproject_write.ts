/**
 * Writing converted or generated tables into a pyproject.toml: read the target strictly, merge
 * (comments kept), ask before overwriting a declared value (or refuse without a terminal unless
 * `--force`/`--yes`), check the result is a valid pyproject.toml, then replace the file in place
 * (a symlink stays a symlink, the mode is kept, a concurrent edit is detected); never under
 * `--dry-run`.
 *
 * @module
 */
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import type { MergeConflict, ProjectData } from "../lib/pyproject/mod.ts";
import { type CommandContext, confirm } from "./_context.ts";

/** What {@linkcode writeMerged} did. */
export interface MergedWrite {
  /** The target's text before. "" when it did not exist. */
  before: string;
  /** The text written (or that would be, in a dry run). */
  text: string;
  /** Keys and list items added. */
  added: string[];
  /** Declared values that differ from the proposed ones. */
  conflicts: MergeConflict[];
  /** Proposed values not merged, with the reason (e.g. a key the file declares `dynamic`). */
  skipped: string[];
  /** Whether the conflicting values were overwritten (`--force`, `--yes` or a "yes"). */
  overwritten: boolean;
  /** Whether the file was written (false in a dry run or when nothing changed). */
  written: boolean;
  /** Whether the file existed. */
  existed: boolean;
}

/**
 * The current text of a pyproject.toml about to be written: `null` when there is none.
 *
 * @throws {ConfigError} (exit 10) When the path is a directory or cannot be read.
 */
export async function readTarget(target: string): Promise<string | null> {
  const { readUserFile } = await import("../lib/fs/mod.ts");
  return await readUserFile(target);
}

/**
 * Checks the text about to be written with `validate`'s rules: errors it would add (errors the
 * file already had are not the command's doing) refuse the write with a ConfigError unless
 * `force`; warnings are printed.
 *
 * @param before The file's text before ("" for a new file).
 * @throws {ConfigError} (exit 10) When the text has new errors and `force` is off.
 */
export async function checkBeforeWrite(
  ctx: CommandContext,
  target: string,
  before: string,
  text: string,
  force: boolean,
): Promise<void> {
  const { validatePyproject } = await import("../lib/pyproject/mod.ts");
  const key = (d: { code: string; message: string }) => `${d.code}\u0000${d.message}`;
  const old = new Set(
    before.trim() === "" ? [] : validatePyproject(before).diagnostics.map((d) => key(d)),
  );
  const errors: string[] = [];
  for (const d of validatePyproject(text).diagnostics) {
    // A project without [build-system] is valid (an application, installed with --no-project).
    if (d.severity === "suggestion" || d.code === "build-system-missing") continue;
    const where = d.line === undefined ? target : `${target}:${d.line}:${d.column}`;
    const line = `${where}: ${d.severity} ${d.code}: ${d.message}`;
    if (d.severity === "error" && !old.has(key(d))) errors.push(line);
    else ctx.printer.warn(line);
  }
  if (errors.length === 0) return;
  if (force) {
    for (const e of errors) ctx.printer.warn(e);
    ctx.printer.warn(`--force: writing ${target} although it is not a valid pyproject.toml`);
    return;
  }
  throw new ConfigError(
    `The pyproject.toml gestvenv would write is not valid (${errors.length} error(s)); ` +
      `nothing was written:\n  ${errors.join("\n  ")}`,
    { hint: "Fix what the errors name (in the source file or with flags), or give --force" },
  );
}

/**
 * Merges `data` into the pyproject.toml at `target` (created when missing) and replaces it in
 * place (`replaceUserFile`). A declared value that differs from the proposed one is overwritten
 * only with `force`, `--yes`, or a "yes" on a terminal; a "no" keeps the declared values and
 * writes the rest; with no terminal it refuses and writes nothing. A `[project]` key the file
 * lists in `dynamic` is skipped with a warning. The result is checked before writing
 * (`checkBeforeWrite`).
 *
 * @param current The target's text as read by `readTarget` (`null`: no file).
 * @throws {UsageError} (exit 2) When values conflict, `force` is off and nobody can be asked.
 * @throws {ConfigError} (exit 10) When the target is not TOML, or the result is not valid.
 * @throws {OperationError} (exit 1) When the file changed while the command worked.
 */
export async function writeMerged(
  ctx: CommandContext,
  target: string,
  current: string | null,
  data: ProjectData,
  force: boolean,
): Promise<MergedWrite> {
  const { mergeProject } = await import("../lib/pyproject/mod.ts");
  const { replaceUserFile } = await import("../lib/fs/mod.ts");
  const before = current ?? "";
  const existed = current !== null;
  let result = mergeProject(before, data, { force });
  let overwritten = force && result.conflicts.length > 0;
  const p = ctx.printer;
  for (const skipped of result.skipped) p.warn(skipped);
  if (result.conflicts.length > 0 && !force && !ctx.dryRun) {
    p.info(`${target} declares ${result.conflicts.length} value(s) that differ:`);
    for (const c of result.conflicts) {
      p.info(
        `  ${c.key}: ${JSON.stringify(c.declared)} (declared) -> ${JSON.stringify(c.proposed)}`,
      );
    }
    const answer = await confirm(ctx, "Overwrite the declared values?");
    if (answer === undefined) {
      throw new UsageError(
        `${target} declares ${result.conflicts.length} value(s) that differ from the converted ` +
          `ones (${result.conflicts.map((c) => c.key).join(", ")}); nothing was written`,
        {
          hint: "Give --force (or --yes) to overwrite them, or --dry-run to see the result",
        },
      );
    }
    if (answer) {
      result = mergeProject(before, data, { force: true });
      overwritten = true;
    } else p.info("Keeping the declared values");
  }
  const changed = result.text !== before || !existed;
  if (changed) await checkBeforeWrite(ctx, target, before, result.text, force || ctx.dryRun);
  if (changed && !ctx.dryRun) await replaceUserFile(target, result.text, { expected: current });
  return {
    before,
    text: result.text,
    added: result.added,
    conflicts: result.conflicts,
    skipped: result.skipped,
    overwritten,
    written: changed && !ctx.dryRun,
    existed,
  };
}
