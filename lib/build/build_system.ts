/**
 * The `[build-system]` table of a source tree's `pyproject.toml` (PEP 518 `requires`, PEP 517
 * `build-backend` and `backend-path`), with pip's legacy defaults when it is absent.
 *
 * @module
 */
import { parse as parseToml } from "npm:smol-toml@1.9.1";
import { join, normalize } from "../paths/mod.ts";
import { DistributionError, GestvenvError } from "../errors/mod.ts";
import { parseRequirement } from "../pep508/mod.ts";

/** How a source tree is built. */
export interface BuildSystem {
  /** PEP 508 requirements of the build environment, as written. */
  requires: string[];
  /** The backend object, `module.sub:object.attr` (PEP 517 "build-backend"). */
  backend: string;
  /** Absolute directories (inside the tree) put first on `sys.path` for an in-tree backend. */
  backendPath: string[];
  /** True when the tree declared nothing and pip's legacy defaults apply (setup.py builds). */
  legacy: boolean;
}

/** The build requirements pip assumes for a tree without `[build-system]` (PEP 518). */
export const LEGACY_BUILD_REQUIRES: readonly string[] = ["setuptools>=40.8.0"];

/** The backend pip assumes for a tree without `build-backend` (PEP 517, "legacy" setuptools). */
export const LEGACY_BUILD_BACKEND = "setuptools.build_meta:__legacy__";

const BACKEND_PATTERN =
  /^\s*[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*\s*(:\s*[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*\s*)?$/;

/**
 * Reads the build system of the source tree at `tree` (an absolute directory). Without
 * `pyproject.toml`, or without a `[build-system]` table, the legacy defaults apply
 * ({@linkcode LEGACY_BUILD_REQUIRES}, {@linkcode LEGACY_BUILD_BACKEND}), as pip does; a table
 * without `build-backend` keeps its `requires` with the legacy backend. `source` names the sdist
 * or tree in errors. Requires `--allow-read`.
 *
 * @throws {DistributionError} when `pyproject.toml` is not valid TOML, `requires` is missing or
 *   not a list of PEP 508 strings, `build-backend` is not an object reference, or a
 *   `backend-path` entry is not a string or leaves the tree.
 */
export async function readBuildSystem(tree: string, source: string): Promise<BuildSystem> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(tree, "pyproject.toml"));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return legacy();
    throw error;
  }
  const fail = (why: string) =>
    new DistributionError(`invalid pyproject.toml: ${why}`, source, {
      hint: "The package's build configuration is broken; try another version of it",
    });
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw fail((error as Error).message.split("\n")[0]!);
  }
  const table = doc["build-system"];
  if (table === undefined) return legacy();
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    throw fail("`build-system` is not a table");
  }
  const bs = table as Record<string, unknown>;
  const requires = bs["requires"];
  if (requires === undefined) {
    throw fail("the `[build-system]` table has no `requires` key (PEP 518 makes it mandatory)");
  }
  if (!Array.isArray(requires) || requires.some((r) => typeof r !== "string")) {
    throw fail("`build-system.requires` is not a list of strings");
  }
  for (const requirement of requires as string[]) {
    try {
      parseRequirement(requirement);
    } catch (error) {
      if (error instanceof GestvenvError) {
        throw fail(`\`build-system.requires\` holds an invalid requirement: ${error.message}`);
      }
      throw error;
    }
  }
  const backend = bs["build-backend"];
  if (backend !== undefined && (typeof backend !== "string" || !BACKEND_PATTERN.test(backend))) {
    throw fail("`build-system.build-backend` is not an object reference (`module:object`)");
  }
  const backendPath = bs["backend-path"] ?? [];
  if (!Array.isArray(backendPath) || backendPath.some((p) => typeof p !== "string")) {
    throw fail("`build-system.backend-path` is not a list of strings");
  }
  const root = normalize(tree);
  const paths = (backendPath as string[]).map((entry) => {
    const absolute = normalize(join(root, entry));
    // PEP 517: "Project trees must not refer to paths outside the source tree".
    if (entry.startsWith("/") || /^[A-Za-z]:/.test(entry) || !isInside(absolute, root)) {
      throw fail(`\`backend-path\` entry \`${entry}\` is outside the source tree`);
    }
    return absolute;
  });
  return {
    requires: requires as string[],
    backend: backend === undefined ? LEGACY_BUILD_BACKEND : (backend as string).trim(),
    backendPath: paths,
    legacy: false,
  };
}

function isInside(path: string, root: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith("/") || root.endsWith("\\") ? root : `${root}/`;
  return path.startsWith(prefix) || path.startsWith(prefix.replace(/\/$/, "\\"));
}

function legacy(): BuildSystem {
  return {
    requires: [...LEGACY_BUILD_REQUIRES],
    backend: LEGACY_BUILD_BACKEND,
    backendPath: [],
    legacy: true,
  };
}
