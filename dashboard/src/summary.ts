/**
 * What a finished action did, in one line, from the command's `--format json` envelope (the
 * job's `result`). Without the DOM (unit-tested in `tests/browser/dashboard_pure_test.ts`).
 *
 * @module
 */
import { formatBytes } from "./format.ts";

type Data = Record<string, unknown>;

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function changesLine(changes: unknown[]): string {
  if (changes.length === 0) return "Nothing changed.";
  return changes.map((raw) => {
    const c = (typeof raw === "object" && raw !== null ? raw : {}) as {
      name?: string;
      before?: string | null;
      after?: string | null;
    };
    const name = c.name ?? "?";
    if (c.before === null || c.before === undefined) return `installed ${name} ${c.after ?? ""}`;
    if (c.after === null || c.after === undefined) return `removed ${name} ${c.before}`;
    return `${name} ${c.before} → ${c.after}`;
  }).join(", ") + ".";
}

function count(data: Data, key: string): number | null {
  const v = data[key];
  return Array.isArray(v) ? v.length : typeof v === "number" ? v : null;
}

function cacheClean(data: Data): string | null {
  const files = count(data, "removed_files");
  const bytes = typeof data.removed_bytes === "number" ? data.removed_bytes : null;
  if (files === null) return null;
  const parts = [
    files === 0
      ? "Nothing to remove."
      : `Removed ${plural(files, "file")} (${formatBytes(bytes ?? 0)}).`,
  ];
  if (typeof data.size_before === "number" && typeof data.size_after === "number") {
    parts.push(
      `The cache went from ${formatBytes(data.size_before)} to ${formatBytes(data.size_after)}.`,
    );
  }
  const kept = data.kept_for_environments as { artifacts?: number; bytes?: number } | undefined;
  if (typeof kept?.artifacts === "number" && kept.artifacts > 0) {
    parts.push(
      `Kept ${plural(kept.artifacts, "artifact")} (${
        formatBytes(kept.bytes ?? 0)
      }) that environments' locks name.`,
    );
  }
  if (typeof data.busy === "number" && data.busy > 0) {
    parts.push(`${plural(data.busy, "entry", "entries")} in use were left.`);
  }
  return parts.join(" ");
}

function doctorFix(data: Data): string | null {
  const fixes = data.fixes;
  if (!Array.isArray(fixes)) return null;
  if (fixes.length === 0) return "Nothing to fix.";
  const lines = fixes.map((raw) => {
    const f = (typeof raw === "object" && raw !== null ? raw : {}) as {
      subject?: string;
      action?: string;
    };
    return `${f.subject ?? "?"}: ${f.action ?? "?"}`;
  });
  return `Applied ${plural(fixes.length, "fix", "fixes")}: ${lines.join("; ")}.`;
}

function sync(data: Data): string | null {
  if (Array.isArray(data.changes)) return changesLine(data.changes);
  const install = Array.isArray(data.install) ? data.install : null;
  const remove = Array.isArray(data.remove) ? data.remove : null;
  if (install === null && remove === null) return null;
  const installed = (install ?? []).map((raw) => {
    const p = (typeof raw === "object" && raw !== null ? raw : {}) as {
      name?: string;
      version?: string | null;
      replaces?: string | null;
    };
    const name = p.name ?? "?";
    return p.replaces
      ? `${name} ${p.replaces} → ${p.version ?? "?"}`
      : `installed ${name} ${p.version ?? ""}`.trim();
  });
  const removed = (remove ?? []).map((raw) => {
    const r = (typeof raw === "object" && raw !== null ? raw : {}) as {
      name?: string;
      version?: string;
    };
    return `removed ${r.name ?? "?"} ${r.version ?? ""}`.trim();
  });
  const unchanged = count(data, "unchanged");
  const all = [...installed, ...removed];
  const tail = unchanged !== null && unchanged > 0 ? ` (${unchanged} unchanged)` : "";
  return all.length === 0 ? `Already in sync with the lock${tail}.` : `${all.join(", ")}${tail}.`;
}

/**
 * One line saying what action `action` did, from its envelope's `data`: the changed packages
 * (install, uninstall, update, sync), the files and bytes cache clean removed and the cache's
 * size before and after, the fixes doctor applied, the deleted environment and the disk space
 * it freed, the created environment. @returns null when the envelope says nothing usable.
 */
export function jobSummary(action: string, result: { data?: unknown } | null): string | null {
  const raw = result?.data;
  if (typeof raw !== "object" || raw === null) return null;
  const data = raw as Data;
  switch (action) {
    case "cache-clean":
      return cacheClean(data);
    case "doctor-fix":
      return doctorFix(data);
    case "sync":
      return sync(data);
    case "delete": {
      const name = typeof data.name === "string" ? data.name : "the environment";
      const size = typeof data.size_bytes === "number"
        ? ` (${formatBytes(data.size_bytes)} freed)`
        : "";
      return `Deleted ${name}${size}.`;
    }
    case "create": {
      if (typeof data.name !== "string") return null;
      const python = (data.python as { version?: string } | null | undefined)?.version;
      const packages = count(data, "packages");
      return `Created ${data.name}${python ? ` with Python ${python}` : ""}${
        packages !== null ? `, ${plural(packages, "package")}` : ""
      }.`;
    }
    default:
      return Array.isArray(data.changes) ? changesLine(data.changes) : null;
  }
}
