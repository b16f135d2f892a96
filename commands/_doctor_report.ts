import type { DoctorCheck } from "../lib/doctor/mod.ts";
import type { CommandContext } from "./_context.ts";

const ORDER: Record<DoctorCheck["severity"], number> = { error: 0, warning: 1, info: 2, ok: 3 };

/**
 * Prints `doctor`'s findings for a person on stdout: grouped by subject (in the order given), one
 * line per check (`status  id  message`), the fix under each problem, then a summary line (over
 * `all`, when only some of the checks are shown).
 */
export function printDoctorReport(
  ctx: CommandContext,
  checks: readonly DoctorCheck[],
  all: readonly DoctorCheck[] = checks,
): void {
  const p = ctx.printer;
  const subjects = [...new Set(checks.map((c) => c.subject))];
  const width = Math.max(0, ...checks.map((c) => c.id.length));
  const paint = (c: DoctorCheck) => {
    const word = c.severity.padEnd(7);
    return c.severity === "error"
      ? p.out.red(word)
      : c.severity === "warning"
      ? p.out.yellow(word)
      : c.severity === "ok"
      ? p.out.green(word)
      : word;
  };
  const lines: string[] = [];
  for (const subject of subjects) {
    lines.push(p.out.bold(subject));
    const rows = checks.filter((c) => c.subject === subject)
      .sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
    for (const c of rows) {
      lines.push(`  ${paint(c)}  ${c.id.padEnd(width)}  ${c.message}`);
      if (c.severity !== "ok" && c.fix !== undefined) {
        const how = [
          c.fix.command === undefined ? undefined : `\`${c.fix.command}\``,
          c.fix.auto === undefined ? undefined : `--fix: ${c.fix.auto}`,
        ].filter(Boolean).join("; ");
        lines.push(`  ${"".padEnd(7)}  ${"".padEnd(width)}  fix: ${how}`);
      }
    }
  }
  const count = (s: DoctorCheck["severity"]) => all.filter((c) => c.severity === s).length;
  lines.push(
    "",
    `${all.length} checks: ${count("ok")} ok, ${count("info")} info, ${count("warning")} ` +
      `warning(s), ${count("error")} error(s)`,
  );
  p.data(lines.join("\n"));
}
