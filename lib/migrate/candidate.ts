import { readInstalledDistributions } from "../distribution/mod.ts";
import { incompleteReason, type PackagePin } from "../environments/mod.ts";
import { inspectVirtualenv, readPyvenvCfg } from "../virtualenv/mod.ts";

/**
 * Where an environment found by `migrate` comes from:
 * - `gestvenv2`: Python gestvenv 2.x (`~/.gestvenv/config.json`, one
 *   `<environments_path>/<name>/.gestvenv-metadata.json` per environment);
 * - `gestvenv1`: Python gestvenv 1.x (`~/.gestvenv_v1/config.json`, or 1.1's
 *   `~/.config/gestvenv/config.json` with its `environments` table);
 * - `virtualenvwrapper` (`$WORKON_HOME`, default `~/.virtualenvs`);
 * - `pyenv-virtualenv` (`$PYENV_ROOT/versions/<version>/envs/<name>`, and the versions that are
 *   virtual environments);
 * - `pipenv` (`$WORKON_HOME`, default `~/.local/share/virtualenvs`);
 * - `poetry` (`POETRY_VIRTUALENVS_PATH`, else poetry's `virtualenvs.path`, default
 *   `~/.cache/pypoetry/virtualenvs`).
 *
 * conda environments are not PEP 405 virtual environments (no `pyvenv.cfg`, their own package
 * format) and are out of scope.
 */
export type MigrationSource =
  | "gestvenv2"
  | "gestvenv1"
  | "virtualenvwrapper"
  | "pyenv-virtualenv"
  | "pipenv"
  | "poetry";

/** Every {@linkcode MigrationSource}, in the order `migrate` looks at them. */
export const MIGRATION_SOURCES: readonly MigrationSource[] = [
  "gestvenv2",
  "gestvenv1",
  "virtualenvwrapper",
  "pyenv-virtualenv",
  "pipenv",
  "poetry",
];

/** An environment another tool made, found on disk: what `migrate` can adopt. */
export interface MigrationCandidate {
  /** The tool that made it (`path`: a folder given to `migrate --adopt`). */
  source: MigrationSource | "path";
  /** The name it has there (the folder name, or the name its metadata records). */
  name: string;
  /** Absolute path of the environment root (holding `pyvenv.cfg`). */
  path: string;
  /**
   * Its interpreter: the version `pyvenv.cfg` records (or the tool's metadata), and the real path
   * of its `bin/python` target (null when that link is broken).
   */
  python: { version: string | null; path: string | null };
  /** Installed distributions read from its `*.dist-info` directories (PEP 376). */
  packages: PackagePin[];
  /**
   * Why it cannot be adopted (its interpreter is gone, `pyvenv.cfg` lacks `home`, …), or null
   * when it is a complete PEP 405 environment.
   */
  problem: string | null;
  /** What the tool recorded about it (Python gestvenv's metadata), for the report. */
  metadata?: Record<string, unknown> | undefined;
}

/**
 * Reads the environment at `path` as a candidate of `source`, or undefined when it is not a PEP 405
 * virtual environment (no `pyvenv.cfg`). Requires `--allow-read`.
 */
export async function inspectCandidate(
  source: MigrationSource | "path",
  name: string,
  path: string,
  metadata?: Record<string, unknown>,
): Promise<MigrationCandidate | undefined> {
  const cfg = await readPyvenvCfg(path).catch(() => undefined);
  if (cfg === undefined) return undefined;
  const layout = (await inspectVirtualenv(path))!;
  const problem = await incompleteReason(path).catch((e) => `it cannot be read (${e})`);
  const real = await Deno.realPath(layout.python).catch(() => null);
  const metaVersion = typeof metadata?.python_version === "string" ? metadata.python_version : null;
  const version = cfg.get("version") ?? cfg.get("version_info")?.split(".").slice(0, 3).join(".") ??
    metaVersion;
  const installed = await readInstalledDistributions(layout.sitePackages).catch(() => []);
  return {
    source,
    name,
    path,
    python: { version, path: real },
    packages: installed.map((d) => ({ name: d.normalized_name, version: d.version }))
      .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    problem: problem === null ? null : problem.replace(
      /^its interpreter link (.*) is broken$/,
      "its interpreter is gone ($1 points to nothing); recreate it with an installed Python",
    ),
    ...(metadata === undefined ? {} : { metadata }),
  };
}
