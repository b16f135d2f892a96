/**
 * `migrate [--from SOURCE]`: every environment the chosen tools keep, adopted one by one, and the
 * Python gestvenv settings carried into `config.toml`.
 *
 * @module
 */
import { type GestvenvConfig, updateConfig } from "../config/mod.ts";
import {
  assertMayChange,
  type EnvironmentContext,
  isValidEnvironmentName,
  loadRegistry,
} from "../environments/mod.ts";
import { dirname, type EnvLookup, join, readEnv } from "../paths/mod.ts";
import { adoptEnvironment, type AdoptMode, type AdoptResult } from "./adopt_environment.ts";
import type { MigrationCandidate, MigrationSource } from "./candidate.ts";
import {
  type ConfigMapping,
  gestvenv1ConfigFiles,
  gestvenv2Home,
  mapPythonGestvenvConfig,
  readJsonObject,
} from "./python_gestvenv.ts";

/** One line of a migration plan. */
export interface MigrationStep {
  /** The environment found. */
  candidate: MigrationCandidate;
  /** `adopt`, or `skip` with the reason. */
  action: "adopt" | "skip";
  /** Why it is skipped; null when adopted. */
  reason: string | null;
}

/**
 * Decides what `migrate` does with each candidate: adopt it, or skip it when it cannot be adopted
 * (its problem), gestvenv already manages it (same real path as a registered environment), its
 * name is taken (registered, or an earlier candidate's) or is not a valid environment name.
 */
export async function planMigration(
  ctx: EnvironmentContext,
  candidates: readonly MigrationCandidate[],
): Promise<MigrationStep[]> {
  const registry = await loadRegistry(ctx);
  const paths = new Map<string, string>();
  for (const record of registry.environments.values()) {
    paths.set(await Deno.realPath(record.path).catch(() => record.path), record.name);
  }
  const taken = new Set(registry.environments.keys());
  const steps: MigrationStep[] = [];
  for (const candidate of candidates) {
    const real = await Deno.realPath(candidate.path).catch(() => candidate.path);
    const skip = (reason: string) => steps.push({ candidate, action: "skip", reason });
    if (candidate.problem !== null) skip(candidate.problem);
    else if (paths.has(real)) skip(`it is already the gestvenv environment \`${paths.get(real)}\``);
    else if (!isValidEnvironmentName(candidate.name)) {
      skip(
        `\`${candidate.name}\` is not a valid environment name (adopt it with --adopt PATH --name NAME)`,
      );
    } else if (taken.has(candidate.name)) {
      skip(`the name \`${candidate.name}\` is taken (adopt it with --adopt PATH --name NAME)`);
    } else {
      taken.add(candidate.name);
      steps.push({ candidate, action: "adopt", reason: null });
    }
  }
  return steps;
}

/** What {@linkcode runMigration} did. */
export interface MigrationOutcome {
  /** The environments adopted. */
  adopted: AdoptResult[];
  /** The environments whose adoption failed, with the error (the others went on). */
  failed: Array<{ candidate: MigrationCandidate; error: unknown }>;
}

/**
 * Adopts the `adopt` steps one after the other ({@linkcode adoptEnvironment}, `mode`); one that
 * fails is reported and the others still run. Interrupts stop at the next environment.
 */
export async function runMigration(
  ctx: EnvironmentContext,
  steps: readonly MigrationStep[],
  mode: AdoptMode,
  onAdopted?: (result: AdoptResult) => void,
): Promise<MigrationOutcome> {
  const outcome: MigrationOutcome = { adopted: [], failed: [] };
  for (const step of steps) {
    if (step.action !== "adopt") continue;
    if (ctx.signal?.aborted) break;
    try {
      const result = await adoptEnvironment(ctx, step.candidate.path, {
        name: step.candidate.name,
        mode,
        from: step.candidate.source === "path" ? "path" : step.candidate.source,
      });
      outcome.adopted.push(result);
      onAdopted?.(result);
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      outcome.failed.push({ candidate: step.candidate, error });
    }
  }
  return outcome;
}

/** The Python gestvenv settings found for `sources`, and what carrying them would do. */
export interface CarriedConfig {
  /** The file read. */
  file: string;
  /** Its mapping onto our keys. */
  mapping: ConfigMapping;
  /** The keys written into `config.toml` (none in a dry run). */
  written: string[];
  /** The keys `config.toml` already sets (left as they are). */
  kept: string[];
}

/**
 * Carries the settings of Python gestvenv's `config.json` (2.x for `gestvenv2`, 1.x for
 * `gestvenv1`) that have a meaning here into `config.toml`, never over a key it already sets.
 * In a dry run it only reports. A custom `environments_path` is not carried (the environments are
 * copied into gestvenv's own folder).
 */
export async function carryPythonGestvenvConfig(
  ctx: EnvironmentContext,
  sources: readonly MigrationSource[],
  env: EnvLookup = readEnv,
): Promise<CarriedConfig[]> {
  const files: string[] = [];
  if (sources.includes("gestvenv2")) files.push(join(gestvenv2Home(env), "config.json"));
  if (sources.includes("gestvenv1")) files.push(...gestvenv1ConfigFiles(env));
  const out: CarriedConfig[] = [];
  for (const file of files) {
    if (file === join(ctx.home.root, "config.json")) continue; // this home: migrateHome's
    const config = await readJsonObject(file);
    if (config === undefined) continue;
    const mapping = mapPythonGestvenvConfig(config, join(dirname(file), "environments"));
    // Its environments are copied into gestvenv's own folder: a custom folder of the other
    // tool is not where new environments should go.
    if (mapping.values.environments_path !== undefined) {
      delete mapping.values.environments_path;
      mapping.notCarried = [...mapping.notCarried, "environments_path"].sort();
    }
    const keys = Object.keys(mapping.values) as Array<keyof GestvenvConfig>;
    const written: string[] = [];
    const kept: string[] = [];
    if (ctx.dryRun || keys.length === 0) {
      out.push({ file, mapping, written, kept });
      continue;
    }
    assertMayChange(ctx, "write config.toml");
    await updateConfig(ctx.home.configFile, (current) => {
      for (const key of keys) {
        if (current[key] !== undefined) kept.push(key);
        else {
          current[key] = mapping.values[key];
          written.push(key);
        }
      }
    });
    out.push({ file, mapping, written, kept });
  }
  return out;
}
