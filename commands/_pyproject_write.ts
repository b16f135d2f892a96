/**
 * Writing converted or generated tables into a pyproject.toml: merge (comments kept), ask before
 * overwriting a declared value (or refuse without a terminal unless `--force`/`--yes`), write
 * atomically, never under `--dry-run`.
 *
 * @module
 */
import { UsageError } from "../lib/errors/mod.ts";
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
  /** Whether the conflicting values were overwritten (`--force`, `--yes` or a "yes"). */
  overwritten: boolean;
  /** Whether the file was written (false in a dry run or when nothing changed). */
  written: boolean;
  /** Whether the file existed. */
  existed: boolean;
}

const show = (v: unknown) => typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);

/**
 * Merges `data` into the pyproject.toml at `target` (created when missing) and writes it
 * atomically. A declared value that differs from the proposed one is overwritten only with
 * `force`, `--yes`, or a "yes" on a terminal; a "no" keeps the declared values and writes the
 * rest; with no terminal it refuses and writes nothing.
 *
 * @throws {UsageError} (exit 2) When values conflict, `force` is off and nobody can be asked.
 * @throws {ConfigError} (exit 10) When the target is not TOML.
 */
export async function writeMerged(
  ctx: CommandContext,
  target: string,
  data: ProjectData,
  force: boolean,
): Promise<MergedWrite> {
  const { mergeProject } = await import("../lib/pyproject/mod.ts");
  const { atomicWriteFile } = await import("../lib/fs/mod.ts");
  let before = "";
  let existed = true;
  try {
    before = await Deno.readTextFile(target);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    existed = false;
  }
  let result = mergeProject(before, data, { force });
  let overwritten = force && result.conflicts.length > 0;
  if (result.conflicts.length > 0 && !force && !ctx.dryRun) {
    const p = ctx.printer;
    p.info(`${target} declares ${result.conflicts.length} value(s) that differ:`);
    for (const c of result.conflicts) {
      p.info(`  ${c.key}: ${show(c.declared)} (declared) -> ${show(c.proposed)}`);
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
  if (changed && !ctx.dryRun) await atomicWriteFile(target, result.text);
  return {
    before,
    text: result.text,
    added: result.added,
    conflicts: result.conflicts,
    overwritten,
    written: changed && !ctx.dryRun,
    existed,
  };
}

/** Prints `validate`'s errors and warnings about a written text (a conversion should make none). */
export async function reportValidation(
  ctx: CommandContext,
  target: string,
  text: string,
): Promise<number> {
  const { validatePyproject } = await import("../lib/pyproject/mod.ts");
  const result = validatePyproject(text);
  for (const d of result.diagnostics) {
    // A project without [build-system] is valid (an application, installed with --no-project).
    if (d.severity === "suggestion" || d.code === "build-system-missing") continue;
    const where = d.line === undefined ? target : `${target}:${d.line}:${d.column}`;
    ctx.printer.warn(`${where}: ${d.severity} ${d.code}: ${d.message}`);
  }
  return result.diagnostics.filter((d) => d.severity === "error").length;
}
