/**
 * `check_updates_on_activate`: after `activate`, a note on stderr naming the environment's
 * top-level requirements that have newer versions. Cheap and never in the way: not offline,
 * cached index pages used even when stale (`cache.fallback_to_online`), silent on any failure,
 * and abandoned after {@linkcode UPDATE_NOTICE_BUDGET_MS}.
 *
 * @module
 */
import { SILENT_REPORTER } from "../lib/events/mod.ts";
import { parseRequirement } from "../lib/pep508/mod.ts";
import { normalizeName } from "../lib/names/mod.ts";
import type { EnvironmentRecord } from "../lib/environments/mod.ts";
import type { CommandContext } from "./_context.ts";

/** How long the check may take before `activate` ends without it, in ms. */
export const UPDATE_NOTICE_BUDGET_MS = 2000;

/** The PEP 503 names of a record's top-level requirements (editables and URLs left out). */
export function topLevelNames(record: EnvironmentRecord): Set<string> {
  const names = new Set<string>();
  for (const text of record.requirements) {
    if (text.startsWith("-")) continue;
    try {
      const requirement = parseRequirement(text);
      if (requirement.url === null) names.add(normalizeName(requirement.name));
    } catch { /* not a PEP 508 requirement (a path): nothing to compare */ }
  }
  return names;
}

/**
 * Prints `note: web: flask 3.1.0 → 3.1.3 (gestvenv update web)` when `check_updates_on_activate`
 * is on and some top-level requirement of `record` has a newer version. Never throws.
 */
export async function noteUpdatesOnActivate(
  ctx: CommandContext,
  record: EnvironmentRecord,
): Promise<void> {
  try {
    const settings = ctx.settings;
    if (!settings.checkUpdatesOnActivate.value || settings.offline.value) return;
    const wanted = topLevelNames(record);
    if (wanted.size === 0) return;
    const env = ctx.environments();
    const quiet = {
      ...env,
      reporter: SILENT_REPORTER,
      settings: {
        ...env.settings,
        fallbackToOnline: { value: true, source: "default" as const, origin: "activate" },
      },
    };
    const { checkPackages } = await import("../lib/packages/mod.ts");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = await Promise.race([
      checkPackages(quiet, record.name),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), UPDATE_NOTICE_BUDGET_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (result === undefined) return;
    const newer = result.packages.filter((p) => p.outdated && wanted.has(normalizeName(p.name)));
    if (newer.length === 0) return;
    ctx.printer.info(
      `note: newer versions for \`${record.name}\`: ${
        newer.map((p) => `${p.name} ${p.version} → ${p.latest_version}`).join(", ")
      } (\`gestvenv update ${record.name}\`)`,
    );
  } catch {
    // A notice is never worth a failure: no network, a broken index, a locked registry.
  }
}
