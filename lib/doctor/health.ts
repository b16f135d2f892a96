/**
 * `gestvenv health-check`: the fast subset of `doctor`, for scripts and schedulers. No RECORD is
 * hashed, no network is used and no backend is probed: the registry against the disk, each
 * environment's `pyvenv.cfg` and interpreter (its probe is cached), the cache's size and the free
 * space of its disk, and the configuration file.
 *
 * @module
 */
import type { EnvironmentContext, EnvironmentRecord } from "../environments/mod.ts";
import { checkCache } from "./cache_checks.ts";
import { checkConfig } from "./config_checks.ts";
import type { DoctorCheck } from "./doctor_check.ts";
import { diagnoseEnvironment } from "./environment_checks.ts";
import { checkRegistry, readRegistryForChecks } from "./home_checks.ts";

/** Options of {@linkcode healthCheck}. */
export interface HealthCheckOptions {
  /** The configuration file (`config.toml`). */
  configFile: string;
  /** `cache.max_size` in bytes, when set. */
  cacheMaxSize?: number | undefined;
}

/**
 * Runs the fast checks (see the module documentation) and returns every finding, `ok` included:
 * `registry*`, `config.file`/`config.unknown_keys`/`config.credentials`, `cache.size`,
 * `cache.disk`, and `env.pyvenv_cfg`/`env.interpreter` of each registered environment whose
 * directory exists. A damaged registry is `registry.damaged` (an error) and is not repaired: the
 * entries that still parse are checked. Changes nothing. Requires `--allow-read` and `--allow-run` (`df`, and an
 * interpreter whose probe is not cached yet).
 */
export async function healthCheck(
  ctx: EnvironmentContext,
  options: HealthCheckOptions,
): Promise<DoctorCheck[]> {
  const { records, damaged } = await readRegistryForChecks(ctx);
  const present: EnvironmentRecord[] = [];
  for (const r of records) {
    if (await Deno.stat(r.path).then(() => true, () => false)) present.push(r);
  }
  const [registry, config, cache, environments] = await Promise.all([
    // Reconciling a damaged registry would repair it first: reported, never rewritten here.
    damaged === undefined ? checkRegistry(ctx) : [damaged],
    checkConfig(options.configFile),
    checkCache(ctx.home.cacheDir, { maxSize: options.cacheMaxSize, full: false }),
    Promise.all(present.map((r) => diagnoseEnvironment(ctx, r, { basic: true }))),
  ]);
  return [...registry, ...config, ...cache, ...environments.flat()];
}
