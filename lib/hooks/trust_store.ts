/**
 * Trusted projects (direnv's `allow`): a project's hooks run only once the user trusted that
 * project directory with exactly those hook definitions. Kept in `<home>/trust.json`, version 1:
 * `{"version": 1, "projects": {"<absolute root>": {"sha256": "<hex>", "trusted_at": "<ISO 8601>"}}}`,
 * written atomically under `<home>/trust.json.lock`.
 *
 * @module
 */
import { atomicWriteFile, withFileLock } from "../fs/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import { join } from "../paths/mod.ts";
import type { HookDefinition } from "./hook_definition.ts";

/** The trust file's name in the gestvenv home. */
export const TRUST_FILE = "trust.json";

/** One trusted project. */
export interface TrustedProject {
  /** sha256 (hex) of the project's hook definitions when it was trusted. */
  sha256: string;
  /** When it was trusted (ISO 8601). */
  trusted_at: string;
}

/** The trusted projects, by absolute root. */
export type TrustStore = Map<string, TrustedProject>;

/** `<home root>/trust.json`. */
export function trustFile(homeRoot: string): string {
  return join(homeRoot, TRUST_FILE);
}

/**
 * The sha256 (hex) of a project's hook definitions (event, command, timeout and name of each, in
 * order): what trusting a project pins. Any edit of a hook changes it.
 */
export async function projectHooksDigest(hooks: readonly HookDefinition[]): Promise<string> {
  const text = JSON.stringify(hooks.map((h) => [h.event, h.command, h.timeoutSeconds, h.name]));
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Reads the trust file (a missing file trusts nothing).
 *
 * @throws {ConfigError} (exit 10) When the file is not a version 1 trust file.
 */
export async function readTrustStore(homeRoot: string): Promise<TrustStore> {
  const file = trustFile(homeRoot);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Map();
    throw new ConfigError(`Cannot read ${file}`, { cause: error });
  }
  const invalid = () =>
    new ConfigError(`${file} is not a gestvenv trust file`, {
      hint: `Move it away; then trust your projects again with \`gestvenv hook trust DIR\``,
    });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid();
  }
  const projects = (doc as { version?: unknown; projects?: unknown })?.projects;
  if (
    (doc as { version?: unknown })?.version !== 1 || projects === null ||
    typeof projects !== "object"
  ) {
    throw invalid();
  }
  const store: TrustStore = new Map();
  for (const [root, entry] of Object.entries(projects as Record<string, unknown>)) {
    const e = entry as Partial<TrustedProject> | null;
    if (typeof e?.sha256 === "string" && typeof e.trusted_at === "string") {
      store.set(root, { sha256: e.sha256, trusted_at: e.trusted_at });
    }
  }
  return store;
}

/**
 * Changes the trust file under its lock, re-reading it first; written atomically.
 *
 * @returns What `change` returned.
 * @throws {ConfigError} When the file is not a trust file.
 */
export async function updateTrustStore<T>(
  homeRoot: string,
  change: (store: TrustStore) => T,
): Promise<T> {
  const file = trustFile(homeRoot);
  await Deno.mkdir(homeRoot, { recursive: true });
  return await withFileLock(`${file}.lock`, async () => {
    const store = await readTrustStore(homeRoot);
    const result = change(store);
    const projects: Record<string, TrustedProject> = Object.create(null);
    for (const [root, entry] of [...store].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
      projects[root] = entry;
    }
    await atomicWriteFile(file, JSON.stringify({ version: 1, projects }, null, 2) + "\n");
    return result;
  }, { label: "the trust file" });
}

/**
 * The key of project directory `root` in the trust store: its real path (`Deno.realPath`), so a
 * project trusted through a symbolic link is the same project when gestvenv runs inside it;
 * `root` itself when it cannot be resolved (it does not exist). Requires `--allow-read`.
 */
export async function trustRoot(root: string): Promise<string> {
  try {
    return await Deno.realPath(root);
  } catch {
    return root;
  }
}

/**
 * Whether `root` (by its real path, {@linkcode trustRoot}) is trusted with hook definitions whose
 * digest is `sha256`. Requires `--allow-read`.
 */
export async function isTrusted(store: TrustStore, root: string, sha256: string): Promise<boolean> {
  return store.get(await trustRoot(root))?.sha256 === sha256;
}
