/**
 * The shape of `gestvenv doctor`'s findings: one check, its severity, what it is about, and how to
 * fix it (a command for the user, or a fix `doctor --fix` applies itself).
 *
 * @module
 */

/** How bad a finding is: `error` makes `doctor` exit 1; the others leave it at 0. */
export type Severity = "ok" | "info" | "warning" | "error";

/** How a finding is fixed. */
export interface DoctorFix {
  /** The command a person runs to fix it. */
  command?: string;
  /** What `doctor --fix` / `repair` does itself, in words (absent when it cannot). */
  auto?: string;
}

/** One finding of `doctor`. */
export interface DoctorCheck {
  /** Stable identifier, e.g. `env.files`, `registry.leftover` (see README's `doctor`). */
  id: string;
  /** How bad it is. */
  severity: Severity;
  /** What it is about: `environment NAME`, `registry`, `backends`. */
  subject: string;
  /** What was found, in words. */
  message: string;
  /** How to fix it, when it is not ok. */
  fix?: DoctorFix;
  /** The items concerned (distribution names, script paths, directories), when there are any. */
  items?: string[];
}

/** Whether any finding is an error. */
export function hasErrors(checks: readonly DoctorCheck[]): boolean {
  return checks.some((c) => c.severity === "error");
}

/** An `ok` finding. */
export function ok(id: string, subject: string, message: string): DoctorCheck {
  return { id, severity: "ok", subject, message };
}

/** The subject of an environment's findings. */
export function environmentSubject(name: string): string {
  return `environment ${name}`;
}
