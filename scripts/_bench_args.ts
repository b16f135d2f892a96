/**
 * What the benchmark scripts share: reading `--name value` arguments, the named requirement sets
 * they measure, and the command that runs gestvenv from source as shipped (release permissions
 * and V8 settings).
 *
 * @module
 */
import { PERMISSION_FLAGS, V8_FLAGS } from "../commands/_self.ts";

/** The value after `name` on the command line, or `fallback`. */
export function flag(name: string, fallback?: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

/** Requirement sets the benchmarks know, by name. */
export const SETS: Readonly<Record<string, string[]>> = {
  flask: ["flask"],
  jupyter: ["jupyter"],
  airflow: ["apache-airflow==2.9.3"],
};

/**
 * The set named by `--set` (default `fallback`), as its name and requirements.
 *
 * @throws {Error} For an unknown set.
 */
export function chosenSet(fallback: string): { name: string; requirements: string[] } {
  const name = flag("--set", fallback)!;
  const requirements = SETS[name];
  if (requirements === undefined) {
    throw new Error(`unknown set ${name}: ${Object.keys(SETS).join(", ")}`);
  }
  return { name, requirements };
}

/** `deno run` with gestvenv's release permissions and V8 settings; `main` is the entry file. */
export function gestvenvCommand(main: string, v8: readonly string[] = V8_FLAGS): string[] {
  return [Deno.execPath(), "run", "--quiet", ...v8, ...PERMISSION_FLAGS, main];
}

/**
 * `uv pip compile FILE --python PY --index-url URL --cache-dir DIR --quiet`, plus `extra`: how
 * every script asks uv for the same resolution as gestvenv's.
 */
export function uvCompileCommand(
  uv: string,
  options: { requirements: string; python: string; index: string; cache: string },
  extra: readonly string[] = [],
): string[] {
  return [
    uv,
    "pip",
    "compile",
    options.requirements,
    "--python",
    options.python,
    "--index-url",
    options.index,
    "--cache-dir",
    options.cache,
    "--quiet",
    ...extra,
  ];
}
