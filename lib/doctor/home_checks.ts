/**
 * Checks of what all environments share: the registry against the disk (orphans, staging
 * leftovers, interrupted operations, via `lib/environments`' `findOrphans`) and the backends.
 *
 * @module
 */
import type { BackendDescription } from "../backends/mod.ts";
import { type EnvironmentContext, findOrphans, type Orphan } from "../environments/mod.ts";
import { type DoctorCheck, ok } from "./doctor_check.ts";

const ORPHAN_SEVERITY: Record<Orphan["kind"], DoctorCheck["severity"]> = {
  unregistered: "warning",
  missing: "error",
  broken: "error",
  leftover: "warning",
  interrupted: "error",
  invalid: "error",
};

/**
 * `registry.<kind>` findings, one per orphan (`registry.unregistered`, `registry.missing`,
 * `registry.broken`, `registry.leftover`, `registry.interrupted`, `registry.invalid`), or one
 * `registry` ok. Something another process is working on right now is `info`. Read-only.
 */
export async function checkRegistry(ctx: EnvironmentContext): Promise<DoctorCheck[]> {
  const orphans = await findOrphans(ctx);
  if (orphans.length === 0) {
    return [ok("registry", "registry", "the registry and the environments directory agree")];
  }
  return orphans.map((o): DoctorCheck => {
    const busy = o.busy !== false;
    const check: DoctorCheck = {
      id: `registry.${o.kind}`,
      severity: busy ? "info" : ORPHAN_SEVERITY[o.kind],
      subject: "registry",
      message: `${o.kind} \`${o.name}\` (${o.path})` + (o.reason === null ? "" : `: ${o.reason}`) +
        (busy ? " (in use by another command right now)" : ""),
      items: [o.path],
    };
    if (!busy && o.fix !== null) {
      check.fix = o.fix === "gestvenv cleanup --orphaned"
        ? { command: o.fix, auto: "reconcile as `gestvenv cleanup --orphaned` does" }
        : { command: o.fix };
    }
    return check;
  });
}

/** `backend.<name>` findings from `describeBackends`: which backends can run here, and versions. */
export function checkBackends(backends: readonly BackendDescription[]): DoctorCheck[] {
  return backends.map((b): DoctorCheck => {
    const what = `${b.name}${b.version === null ? "" : ` ${b.version}`}` +
      (b.path === null ? "" : ` (${b.path})`);
    if (b.available) {
      return ok(`backend.${b.name}`, "backends", `${what}${b.default ? ", the default" : ""}`);
    }
    return {
      id: `backend.${b.name}`,
      severity: b.default ? "error" : "info",
      subject: "backends",
      message: `${b.name} is not available here` +
        (b.default ? ", and it is the configured backend" : "") +
        (b.name === "uv" ? " (install uv, or set `uv_path`)" : ""),
      fix: { command: "gestvenv backend list" },
    };
  });
}
