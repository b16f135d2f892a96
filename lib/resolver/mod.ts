/**
 * The resolver: from PEP 508 requirements to one version of every needed distribution for one
 * target interpreter, with PubGrub over the index client; when no set of versions works, the
 * failure is explained in sentences (a {@linkcode ResolutionError} from `lib/errors`).
 *
 * Its internals (version sets, terms, incompatibilities, the PubGrub solver, the provider) are
 * not part of this public face; tests inside the area import them from their files.
 *
 * @example Resolve requirements, and the failure when nothing satisfies them
 * ```ts
 * // Needs a Python 3 on this machine; no network (an index with no URLs and a local find-links
 * // directory).
 * import assert from "node:assert/strict";
 * import { ResolutionError } from "@gestvenv/gestvenv/errors";
 * import { IndexClient } from "@gestvenv/gestvenv/index";
 * import { parseRequirement } from "@gestvenv/gestvenv/pep508";
 * import { findInterpreter } from "@gestvenv/gestvenv/python";
 * import { resolve } from "@gestvenv/gestvenv/resolver";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/wheels`);
 * const python = await findInterpreter(undefined, { cacheDir: `${dir}/cache` });
 * const index = new IndexClient({ indexes: [], findLinks: [`${dir}/wheels`], cacheDir: dir });
 *
 * const nothing = await resolve({ requirements: [], interpreter: python.info, index });
 * assert.deepEqual(nothing.packages, []);
 *
 * await assert.rejects(
 *   resolve({ requirements: [parseRequirement("demo>=1")], interpreter: python.info, index }),
 *   ResolutionError,
 * );
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export { type PrereleaseMode, type ResolutionMode } from "./provider.ts";
export {
  type Resolution,
  resolve,
  type ResolvedPackage,
  type ResolveOptions,
  type ResolveTarget,
} from "./resolve.ts";
