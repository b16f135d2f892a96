/**
 * Where policies live (issue 12 §3), all of which apply together (the strictest wins, see
 * `evaluatePolicies`):
 * - global: every `*.toml` and `*.json` file of `<home>/policies/` (`policy apply FILE --global`
 *   copies there), in name order;
 * - an environment's own: the copy kept in its registry record (`policy apply FILE --to-env ENV`);
 * - a project's: `[tool.gestvenv.policy]` of its `pyproject.toml` and `[policy]` of its
 *   `.gestvenv.toml`, for the project an environment is bound to (`create-from-pyproject`) and for
 *   the project around the current directory.
 *
 * @module
 */
import { parse, TomlError } from "npm:smol-toml@1.9.1";
import type { EnvironmentRecord } from "../environments/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import { atomicWriteFile } from "../fs/mod.ts";
import { basename, type HomeLayout, join } from "../paths/mod.ts";
import { checkPolicy, parsePolicy, type Policy } from "./policy_file.ts";

/** `<home>/policies`: the global policies. */
export function policiesDir(home: HomeLayout): string {
  return join(home.root, "policies");
}

/**
 * The global policies, in file-name order.
 * @throws {ConfigError} (exit 10) for a file that is not a valid policy: a broken policy fails
 *   loudly rather than being skipped.
 */
export async function globalPolicies(home: HomeLayout): Promise<Policy[]> {
  const dir = policiesDir(home);
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && /\.(toml|json)$/i.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new ConfigError(`Cannot read the policies directory ${dir}`, { cause: error });
  }
  names.sort();
  const out: Policy[] = [];
  for (const name of names) {
    const path = join(dir, name);
    out.push(parsePolicy(await Deno.readTextFile(path), path));
  }
  return out;
}

/**
 * The policy applied to `record` itself, or null.
 * @throws {ConfigError} when the stored copy is no longer a valid policy.
 */
export function environmentPolicy(record: EnvironmentRecord): Policy | null {
  if (record.policy === undefined) return null;
  return parsePolicy(
    record.policy.text,
    `${record.policy.file} (applied to ${record.name})`,
    record.policy.file.toLowerCase().endsWith(".json") ? "json" : "toml",
  );
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

/**
 * The policies of the project in `dir`: `[tool.gestvenv.policy]` of `pyproject.toml` and
 * `[policy]` of `.gestvenv.toml`, each when present.
 * @throws {ConfigError} for a file that is not TOML or a table that is not a valid policy.
 */
export async function projectPolicies(dir: string): Promise<Policy[]> {
  const out: Policy[] = [];
  for (
    const [file, pick, label] of [
      [
        join(dir, "pyproject.toml"),
        (doc: Record<string, unknown>) =>
          ((doc.tool as Record<string, unknown> | undefined)?.gestvenv as
            | Record<string, unknown>
            | undefined)?.policy,
        "[tool.gestvenv.policy]",
      ],
      [join(dir, ".gestvenv.toml"), (doc: Record<string, unknown>) => doc.policy, "[policy]"],
    ] as const
  ) {
    const text = await readOptional(file);
    if (text === null) continue;
    let doc: Record<string, unknown>;
    try {
      doc = parse(text) as Record<string, unknown>;
    } catch (error) {
      const at = error instanceof TomlError ? `:${error.line}:${error.column}` : "";
      throw new ConfigError(
        `${file}${at}: not valid TOML, so its policy cannot be read: ${
          (error as Error).message.split("\n", 1)[0]
        }`,
        { cause: error, hint: "Fix the file (`gestvenv validate` shows where)" },
      );
    }
    const table = pick(doc);
    if (table === undefined) continue;
    if (table === null || typeof table !== "object" || Array.isArray(table)) {
      throw new ConfigError(`${file}: ${label} must be a table`, {
        hint: `Write it as a \`${label}\` section with \`version = 1\``,
      });
    }
    out.push(checkPolicy(table as Record<string, unknown>, `${file} ${label}`, text));
  }
  return out;
}

/** Where to look for the policies of one environment. */
export interface PolicyScope {
  /** The environment's record, when it is registered (absent while it is being created). */
  record?: EnvironmentRecord | undefined;
  /** Project directories whose policies apply (the current directory's project root). */
  projectDirs?: readonly string[];
}

/**
 * Every policy that applies to an environment: global, its own, its bound project's and the
 * projects of `scope.projectDirs` (each project read once).
 * @throws {ConfigError} for any policy that is not valid.
 */
export async function policiesFor(home: HomeLayout, scope: PolicyScope): Promise<Policy[]> {
  const out = await globalPolicies(home);
  const own = scope.record === undefined ? null : environmentPolicy(scope.record);
  if (own !== null) out.push(own);
  const dirs = new Set<string>();
  if (scope.record?.project !== undefined) dirs.add(scope.record.project.path);
  for (const dir of scope.projectDirs ?? []) dirs.add(dir);
  for (const dir of dirs) out.push(...await projectPolicies(dir));
  return out;
}

/**
 * Copies a checked policy file into `<home>/policies/` (atomic: temp, fsync, rename), keeping
 * its name; returns the destination.
 */
export async function installGlobalPolicy(
  home: HomeLayout,
  file: string,
  text: string,
): Promise<string> {
  const dir = policiesDir(home);
  await Deno.mkdir(dir, { recursive: true });
  const dest = join(dir, basename(file));
  await atomicWriteFile(dest, text);
  return dest;
}
