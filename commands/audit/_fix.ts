/**
 * `audit --fix`: for each vulnerable distribution of an environment, the smallest version that
 * fixes its findings and still resolves with the environment's other requirements (our resolver,
 * through `installPackages` with the installed versions preferred), then one install of all of
 * them through the same path as `install`/`update` (lock, installer, operation log). What cannot
 * be fixed is said with why: no fix published, a requirement of the user excludes it, or the
 * resolver's explanation of what blocks it.
 *
 * @module
 */
import {
  affectedBy,
  type AuditFinding,
  type FixTarget,
  type OsvRecord,
  planFixes,
  type Unfixable,
} from "../../lib/audit/mod.ts";
import { tryParseSdistFilename, tryParseWheelFilename } from "../../lib/dist_filename/mod.ts";
import { PackageNotFoundError, ResolutionError } from "../../lib/errors/mod.ts";
import { normalizeName } from "../../lib/names/mod.ts";
import type { PackageChange } from "../../lib/packages/mod.ts";
import { compareVersions, tryParseVersion, type Version } from "../../lib/pep440/mod.ts";
import type { CommandContext } from "../_context.ts";

/** At most this many exact versions are tried per distribution before `>=` is. */
const MAX_CANDIDATES = 5;

/** What `--fix` did (or would do) to one environment. */
export interface FixOutcome {
  /** The environment. */
  environment: string;
  /** The upgrades: distribution, from, to, the ids they fix. */
  plan: FixTarget[];
  /** What cannot be fixed, and why. */
  unfixable: Unfixable[];
  /** Whether the plan was applied (false under `--dry-run` or when there was nothing to do). */
  applied: boolean;
  /** The distributions changed (or that would change), `before → after`. */
  changes: PackageChange["changes"];
  /** After applying: the planned ids the audit after the upgrade still finds (set by the caller). */
  still_affected?: string[];
}

function firstLines(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").filter((l) => l.trim() !== "").slice(0, 3).join(" ").trim();
}

const blocks = (error: unknown) =>
  error instanceof ResolutionError || error instanceof PackageNotFoundError;

/**
 * The versions of `name` on the indexes at or above `from` that no record affects, ascending (at
 * most a few).
 */
async function candidateVersions(
  ctx: CommandContext,
  name: string,
  from: string,
  records: readonly OsvRecord[],
): Promise<string[]> {
  const { indexClientFor } = await import("../../lib/packages/mod.ts");
  const project = await indexClientFor(ctx.environments()).projectFiles(normalizeName(name));
  const floor = tryParseVersion(from)!;
  const found = new Map<string, Version>();
  for (const file of project?.files ?? []) {
    const v = tryParseWheelFilename(file.filename)?.version ??
      tryParseSdistFilename(file.filename, normalizeName(name))?.version;
    if (
      v !== undefined && file.yanked === null && compareVersions(v, floor) >= 0 &&
      !affectedBy(records, name, v.text)
    ) {
      found.set(v.text, v);
    }
  }
  return [...found].sort((a, b) => compareVersions(a[1], b[1])).map(([t]) => t)
    .slice(0, MAX_CANDIDATES);
}

/**
 * Plans (and with `apply`, applies) the upgrades that remove `findings` from `environment`.
 *
 * @throws {GestvenvError} What the install throws besides "does not resolve" (network, backend).
 */
export async function fixEnvironment(
  ctx: CommandContext,
  environment: string,
  requirements: readonly string[],
  findings: readonly AuditFinding[],
  apply: boolean,
  records: readonly OsvRecord[] = [],
): Promise<FixOutcome> {
  const { installPackages } = await import("../../lib/packages/mod.ts");
  const env = ctx.environments();
  const planned = planFixes(findings, requirements, records);
  const unfixable = [...planned.unfixable];
  const trial = (reqs: string[]) =>
    installPackages(env, environment, {
      requirements: reqs,
      upgrade: true,
      record: "upgrade",
      dryRun: true,
    });
  const chosen: Array<{ target: FixTarget; requirement: string }> = [];
  const exact = planned.targets.map((t) => `${t.name}==${t.to}`);
  let together = planned.targets.length > 0;
  try {
    if (together) await trial(exact);
  } catch (error) {
    if (!blocks(error)) throw error;
    together = false;
  }
  if (together) {
    planned.targets.forEach((target, i) => chosen.push({ target, requirement: exact[i]! }));
  } else {
    for (const target of planned.targets) {
      let picked: { version: string; requirement: string } | undefined;
      let why: unknown;
      for (const version of await candidateVersions(ctx, target.name, target.to, records)) {
        try {
          await trial([`${target.name}==${version}`]);
          picked = { version, requirement: `${target.name}==${version}` };
          break;
        } catch (error) {
          if (!blocks(error)) throw error;
          why ??= error;
        }
      }
      if (picked === undefined) {
        try {
          const change = await trial([`${target.name}>=${target.to}`]);
          const moved = change.changes.find((c) =>
            normalizeName(c.name) === normalizeName(target.name)
          );
          if (moved?.after !== undefined && moved.after !== null) {
            if (affectedBy(records, target.name, moved.after)) {
              why = new Error(`the version that resolves, ${moved.after}, is still affected`);
            } else {
              picked = { version: moved.after, requirement: `${target.name}==${moved.after}` };
            }
          }
        } catch (error) {
          if (!blocks(error)) throw error;
          why = error;
        }
      }
      if (picked === undefined) {
        unfixable.push({
          name: target.name,
          version: target.from,
          ids: target.fixes,
          reason: `no version >= ${target.to} resolves with the environment's other ` +
            `requirements: ${firstLines(why) || "the resolver found none"}`,
        });
        continue;
      }
      chosen.push({ target: { ...target, to: picked.version }, requirement: picked.requirement });
    }
    if (chosen.length > 1) {
      try {
        await trial(chosen.map((c) => c.requirement));
      } catch (error) {
        if (!blocks(error)) throw error;
        // Each resolves alone but not together: keep them apart, say so.
        for (const c of chosen.splice(1)) {
          unfixable.push({
            name: c.target.name,
            version: c.target.from,
            ids: c.target.fixes,
            reason: `its fix ${c.target.to} does not resolve together with the other fixes: ` +
              `${firstLines(error)}; run \`gestvenv audit --fix\` again after this one`,
          });
        }
      }
    }
  }
  const plan = chosen.map((c) => c.target);
  if (chosen.length === 0) {
    return { environment, plan, unfixable, applied: false, changes: [] };
  }
  const change = await installPackages(env, environment, {
    requirements: chosen.map((c) => c.requirement),
    upgrade: true,
    record: "upgrade",
    dryRun: !apply,
  });
  if (apply) ctx.oplog.packageChange(change);
  return { environment, plan, unfixable, applied: apply, changes: change.changes };
}
