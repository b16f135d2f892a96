/**
 * Checks of what all environments share: the registry against the disk (orphans, staging
 * leftovers, interrupted operations, via `lib/environments`' `findOrphans`) and the backends.
 *
 * @module
 */
import type { BackendDescription } from "../backends/mod.ts";
import {
  type EnvironmentContext,
  type EnvironmentRecord,
  findOrphans,
  inspectRegistry,
  type Orphan,
  registryRecords,
} from "../environments/mod.ts";
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
 * The registered environments, read without writing anything, and `registry.damaged` (an error)
 * when `environments.json` does not parse: then `records` are the entries that still do, and
 * nothing is repaired here (`cleanup --orphaned` or `doctor --fix` moves the file aside and
 * rebuilds it; `cleanup --restore-registry` brings entries back). Requires `--allow-read`.
 * @throws {OperationError} `registry_too_new` for a registry format this version cannot read.
 */
export async function readRegistryForChecks(
  ctx: EnvironmentContext,
): Promise<{ records: EnvironmentRecord[]; damaged?: DoctorCheck }> {
  const file = ctx.home.registryFile;
  const { registry, damaged } = await inspectRegistry(file);
  const records = registryRecords(registry);
  if (!damaged) return { records };
  const names = records.map((r) => r.name);
  return {
    records,
    damaged: {
      id: "registry.damaged",
      severity: "error",
      subject: "registry",
      message: `${file} is damaged (not a readable registry); ${names.length} entr(ies) can ` +
        `still be read${names.length > 0 ? ` (${names.join(", ")})` : ""}. Nothing was changed`,
      fix: {
        command: "gestvenv cleanup --orphaned (then `gestvenv cleanup --restore-registry`)",
        auto: "move it aside (environments.json.corrupt-<time>) and rebuild it from the entries " +
          "that parse",
      },
    },
  };
}

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
