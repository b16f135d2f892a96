/**
 * The detectors of `migrate`: one per tool, each listing the PEP 405 virtual environments that
 * tool keeps where it keeps them (see {@linkcode MigrationSource}). A folder without `pyvenv.cfg`
 * is not a candidate; an environment whose interpreter is gone is one, with its problem.
 *
 * @module
 */
import { parse } from "npm:smol-toml@1.9.1";
import { type EnvLookup, join, readEnv, userHomeDir } from "../paths/mod.ts";
import { inspectCandidate, type MigrationCandidate, type MigrationSource } from "./candidate.ts";
import {
  gestvenv1ConfigFiles,
  gestvenv1Entries,
  gestvenv2EnvironmentsPath,
  gestvenv2Home,
  readJsonObject,
} from "./python_gestvenv.ts";

async function subdirectories(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory || entry.isSymlink) names.push(entry.name);
    }
  } catch { /* absent or unreadable: nothing there */ }
  return names.sort();
}

async function venvsIn(
  source: MigrationSource,
  dir: string,
  accept: (name: string) => boolean = () => true,
): Promise<MigrationCandidate[]> {
  const out: MigrationCandidate[] = [];
  for (const name of await subdirectories(dir)) {
    if (name.startsWith(".") || !accept(name)) continue;
    const candidate = await inspectCandidate(source, name, join(dir, name));
    if (candidate !== undefined) out.push(candidate);
  }
  return out;
}

/** Python gestvenv 2.x: `~/.gestvenv/config.json` and its environments' metadata files. */
export async function detectGestvenv2(env: EnvLookup = readEnv): Promise<MigrationCandidate[]> {
  const home = gestvenv2Home(env);
  const config = await readJsonObject(join(home, "config.json"));
  if (config === undefined) return [];
  return await gestvenv2Environments(gestvenv2EnvironmentsPath(config, home, env));
}

/**
 * The environments of a Python gestvenv 2.x environments folder, named as their
 * `.gestvenv-metadata.json` says (the folder name when it has none).
 */
export async function gestvenv2Environments(dir: string): Promise<MigrationCandidate[]> {
  const out: MigrationCandidate[] = [];
  for (const folder of await subdirectories(dir)) {
    if (folder.startsWith(".")) continue;
    const path = join(dir, folder);
    const metadata = await readJsonObject(join(path, ".gestvenv-metadata.json"));
    const name = typeof metadata?.name === "string" && metadata.name !== ""
      ? metadata.name
      : folder;
    const candidate = await inspectCandidate("gestvenv2", name, path, metadata);
    if (candidate !== undefined) out.push(candidate);
  }
  return out;
}

/**
 * Python gestvenv 1.x: the environments its `config.json` lists (`~/.gestvenv_v1/config.json` or
 * `~/.config/gestvenv/config.json`), and the folders of `~/.gestvenv_v1/environments/`.
 */
export async function detectGestvenv1(env: EnvLookup = readEnv): Promise<MigrationCandidate[]> {
  const out: MigrationCandidate[] = [];
  for (const file of gestvenv1ConfigFiles(env)) {
    const config = await readJsonObject(file);
    if (config === undefined) continue;
    for (const entry of gestvenv1Entries(config)) {
      const candidate = await inspectCandidate("gestvenv1", entry.name, entry.path, entry.metadata);
      if (candidate !== undefined) out.push(candidate);
    }
  }
  out.push(...await venvsIn("gestvenv1", join(userHomeDir(env), ".gestvenv_v1", "environments")));
  return out;
}

const PIPENV_NAME = /-[A-Za-z0-9_-]{8}$/;

function workonHome(env: EnvLookup): string | undefined {
  const value = env("WORKON_HOME");
  return value === undefined || value === "" ? undefined : value;
}

/**
 * virtualenvwrapper: `$WORKON_HOME`, default `~/.virtualenvs`. When pipenv shares that folder
 * (`WORKON_HOME` set), folders named as pipenv names them (`<project>-<8 characters>`) are
 * pipenv's.
 */
export async function detectVirtualenvwrapper(
  env: EnvLookup = readEnv,
): Promise<MigrationCandidate[]> {
  const shared = workonHome(env);
  const dir = shared ?? join(userHomeDir(env), ".virtualenvs");
  return await venvsIn(
    "virtualenvwrapper",
    dir,
    (n) => shared === undefined || !PIPENV_NAME.test(n),
  );
}

/** pipenv: `$WORKON_HOME`, default `~/.local/share/virtualenvs` (`<project>-<hash>` folders). */
export async function detectPipenv(env: EnvLookup = readEnv): Promise<MigrationCandidate[]> {
  const shared = workonHome(env);
  const dir = shared ?? join(userHomeDir(env), ".local", "share", "virtualenvs");
  return await venvsIn("pipenv", dir, (n) => shared === undefined || PIPENV_NAME.test(n));
}

/**
 * pyenv-virtualenv: `$PYENV_ROOT/versions/<version>/envs/<name>` and the entries of
 * `versions/` that are virtual environments (pyenv-virtualenv links `versions/<name>` to the
 * `envs` folder; the same environment is listed once).
 */
export async function detectPyenvVirtualenv(
  env: EnvLookup = readEnv,
): Promise<MigrationCandidate[]> {
  const root = env("PYENV_ROOT") ?? join(userHomeDir(env), ".pyenv");
  const versions = join(root, "versions");
  const out: MigrationCandidate[] = [];
  for (const version of await subdirectories(versions)) {
    out.push(...await venvsIn("pyenv-virtualenv", join(versions, version, "envs")));
  }
  const seen = new Set(
    await Promise.all(out.map((c) => Deno.realPath(c.path).catch(() => c.path))),
  );
  for (const candidate of await venvsIn("pyenv-virtualenv", versions)) {
    const real = await Deno.realPath(candidate.path).catch(() => candidate.path);
    if (!seen.has(real)) out.push(candidate);
  }
  return out;
}

/**
 * poetry's virtual environments folder: `POETRY_VIRTUALENVS_PATH`, else `virtualenvs.path` of
 * poetry's `config.toml` (`$POETRY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/pypoetry` or
 * `~/.config/pypoetry`), else `<cache dir>/virtualenvs` (`$POETRY_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/pypoetry` or `~/.cache/pypoetry`). `{cache-dir}` in the setting is expanded.
 */
export async function poetryVirtualenvsPath(env: EnvLookup = readEnv): Promise<string> {
  const home = userHomeDir(env);
  const cacheDir = env("POETRY_CACHE_DIR") ??
    join(env("XDG_CACHE_HOME") ?? join(home, ".cache"), "pypoetry");
  const expand = (p: string) => {
    const s = p.replaceAll("{cache-dir}", cacheDir);
    return s === "~" || s.startsWith("~/") ? home + s.slice(1) : s;
  };
  const fromEnv = env("POETRY_VIRTUALENVS_PATH");
  if (fromEnv !== undefined && fromEnv !== "") return expand(fromEnv);
  const configDir = env("POETRY_CONFIG_DIR") ??
    join(env("XDG_CONFIG_HOME") ?? join(home, ".config"), "pypoetry");
  try {
    const doc = parse(await Deno.readTextFile(join(configDir, "config.toml")));
    const virtualenvs = doc.virtualenvs as Record<string, unknown> | undefined;
    const path = virtualenvs?.path ?? (doc as Record<string, unknown>)["virtualenvs.path"];
    if (typeof path === "string" && path !== "") return expand(path);
  } catch { /* no poetry configuration, or not TOML: the default */ }
  return join(cacheDir, "virtualenvs");
}

/** poetry: the environments of {@linkcode poetryVirtualenvsPath}. */
export async function detectPoetry(env: EnvLookup = readEnv): Promise<MigrationCandidate[]> {
  return await venvsIn("poetry", await poetryVirtualenvsPath(env));
}

const DETECTORS: Record<MigrationSource, (env: EnvLookup) => Promise<MigrationCandidate[]>> = {
  gestvenv2: detectGestvenv2,
  gestvenv1: detectGestvenv1,
  virtualenvwrapper: detectVirtualenvwrapper,
  "pyenv-virtualenv": detectPyenvVirtualenv,
  pipenv: detectPipenv,
  poetry: detectPoetry,
};

/**
 * Runs the detectors of `sources` and returns their candidates, each environment once (by real
 * path, the first source that lists it wins). Requires `--allow-read` and `--allow-env`.
 */
export async function detectCandidates(
  sources: readonly MigrationSource[],
  env: EnvLookup = readEnv,
): Promise<MigrationCandidate[]> {
  const out: MigrationCandidate[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const candidate of await DETECTORS[source](env)) {
      const real = await Deno.realPath(candidate.path).catch(() => candidate.path);
      if (seen.has(real)) continue;
      seen.add(real);
      out.push(candidate);
    }
  }
  return out;
}
