/**
 * Telling "the package does not exist" from "the index is broken" after a backend install
 * failed. pip turns an index that answers 500, resets or times out into "No matching distribution
 * found", which maps to `PackageNotFoundError` (exit 4), and crashes on a page of garbage (a
 * `BackendError`, exit 20); the user then hunts for a typo or a pip bug that is not there. {@linkcode explainInstallFailure} asks gestvenv's own index
 * client for the projects: if the index misbehaves, the failure is reported as what it is, a
 * `NetworkError` (exit 5) naming the index URL.
 *
 * @module
 */
import {
  BackendError,
  NetworkError,
  PackageNotFoundError,
  ResolutionError,
} from "../errors/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { indexClientFor } from "./index_client_for.ts";

/**
 * Rethrows `error` from a failed backend install, or a better one. Call it in the `catch` of a
 * backend install (`create --packages`, `install`, `update`) with the names of the projects that
 * were asked for:
 *
 * ```ts
 * try {
 *   await backend.install(target, request, call);
 * } catch (error) {
 *   await explainInstallFailure(ctx, error, ["flask", "requests"]);
 * }
 * ```
 *
 * - `error` is neither a `PackageNotFoundError`, a `BackendError` nor a `ResolutionError`: it is
 *   rethrown unchanged, with no request made.
 * - Otherwise gestvenv's index client (`indexClientFor(ctx)`: the same indexes, timeouts and
 *   cache as resolution) looks the projects up, all at once. When an index cannot be reached,
 *   answers 5xx, resets, times out or serves something that is not an index page, a
 *   `NetworkError` (exit 5) is thrown: its message names the project and the index URL
 *   (credentials removed), its `details` keep the backend's output, its `cause` is the original
 *   error.
 * - A `ResolutionError` when a named project is on no index becomes a `PackageNotFoundError`
 *   (exit 4) whose `details` hold the resolver's explanation.
 * - When the index answers properly (the project exists or is really missing), the original
 *   error is rethrown.
 *
 * Requires `--allow-net` (and `--allow-read`/`--allow-write` on the cache).
 * - Offline (the `offline` setting), a `ResolutionError` is about the cache: a
 *   `PackageNotFoundError` (exit 4) names the projects the cache does not have at all (or says the
 *   cached versions do not fit) and gives the `gestvenv cache add` to run on a connected machine.
 *
 * @param projectNames Project names as given (normalized here); requirement strings are not
 *   accepted (pass `requirement.name`). Empty: nothing to check, `error` is rethrown.
 * @param asked What the user asked for (requirement texts, `-r FILE`), for the offline hint.
 *   @default projectNames
 * @throws {NetworkError} when an index misbehaves for one of the projects.
 * @throws {unknown} `error` itself otherwise.
 */
export async function explainInstallFailure(
  ctx: EnvironmentContext,
  error: unknown,
  projectNames: string[],
  asked: string[] = projectNames,
): Promise<never> {
  const suspicious = error instanceof PackageNotFoundError || error instanceof BackendError ||
    error instanceof ResolutionError;
  if (ctx.settings.offline.value && error instanceof ResolutionError) {
    throw await offlineFailure(ctx, error, projectNames, asked);
  }
  if (!suspicious || projectNames.length === 0) throw error;
  const client = indexClientFor(ctx);
  const lookups = await Promise.allSettled(
    projectNames.map(async (name) => ({ name, page: await client.projectPage(name) })),
  );
  for (const [i, lookup] of lookups.entries()) {
    if (lookup.status === "rejected" && lookup.reason instanceof NetworkError) {
      const failure = lookup.reason;
      throw new NetworkError(`Cannot install \`${projectNames[i]}\`: ${failure.message}`, {
        cause: error,
        hint: failure.hint,
        details: error.details,
      });
    }
  }
  // Our resolver found no solution because a project the user named is on no index: that is
  // "package not found" (exit 4), with the resolver's explanation.
  const missing = lookups.flatMap((l, i) =>
    l.status === "fulfilled" && l.value.page === null ? [projectNames[i]!] : []
  );
  if (error instanceof ResolutionError && missing.length > 0) {
    throw new PackageNotFoundError(
      `${missing.map((n) => `\`${n}\``).join(", ")} not found on the indexes (${
        client.indexes.join(", ") || "none configured"
      })`,
      {
        cause: error,
        details: error.message,
        hint: "Check the spelling, or the index settings (`--index-url`, `gestvenv config`)",
      },
    );
  }
  throw error;
}

/** Offline resolution failed: what the cache lacks, and the command that fetches it. */
async function offlineFailure(
  ctx: EnvironmentContext,
  error: ResolutionError,
  projectNames: string[],
  asked: string[],
): Promise<PackageNotFoundError> {
  const client = indexClientFor(ctx);
  const pages = await Promise.all(projectNames.map((name) => client.projectPage(name)));
  const absent = projectNames.filter((_, i) => pages[i] === null);
  const quoted = (text: string) => /^[\w.-]+$/.test(text) ? text : `"${text}"`;
  return new PackageNotFoundError(
    absent.length > 0
      ? `Offline, and the cache has no distribution of ${absent.map((n) => `\`${n}\``).join(", ")}`
      : "Offline, and what the cache holds does not satisfy the requirements",
    {
      cause: error,
      details: error.message,
      hint: `On a connected machine run \`gestvenv cache add ${asked.map(quoted).join(" ")}\` ` +
        "(then `cache export` / `cache import` to carry it here), or run without --offline",
    },
  );
}
