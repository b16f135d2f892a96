/**
 * Resolution for the command line: requirement strings and files in, a {@linkcode Resolution}
 * out, for an interpreter chosen like `create` chooses one, against the configured indexes.
 *
 * @module
 */
import { InvalidSyntaxError, OperationError } from "../errors/mod.ts";
import { formatRequirement, parseRequirement, type Requirement } from "../pep508/mod.ts";
import { findInterpreter, type Interpreter } from "../python/mod.ts";
import type { FileIndexOptions } from "../index/mod.ts";
import { readConstraintsFile, readRequirementsFile } from "../requirements_file/mod.ts";
import {
  type PrereleaseMode,
  type Resolution,
  type ResolutionMode,
  resolve,
} from "../resolver/mod.ts";
import type { EnvironmentContext } from "../environments/mod.ts";
import { indexClientFor } from "./index_client_for.ts";
import { assertRequirementSourcesAllowed } from "./requirements_text.ts";

/** Options for {@linkcode resolveRequirements}. */
export interface ResolveRequirementsOptions {
  /** PEP 508 requirement strings. @default [] */
  requirements?: string[];
  /** requirements.txt files (`-r`). @default [] */
  requirementFiles?: string[];
  /** Constraints files (`-c`). @default [] */
  constraintFiles?: string[];
  /** An interpreter already chosen. @default the `python` setting, as for `create` */
  interpreter?: Interpreter;
  /** Version preference. @default "highest" */
  resolution?: ResolutionMode;
  /** Pre-release policy. @default "if-necessary-or-explicit" */
  prerelease?: PrereleaseMode;
  /** Normalized names, or `:all:`, that must come from wheels. @default [] */
  onlyBinary?: string[];
  /** Normalized names, or `:all:`, that must not come from wheels. @default [] */
  noBinary?: string[];
  /** Preferred versions by normalized name (installed or locked). */
  preferences?: Map<string, string>;
  /** Revalidate cached index pages instead of trusting their age. @default false */
  refresh?: boolean;
}

/** A resolution with the interpreter it was made for and the requirement texts. */
export interface RequirementsResolution {
  /** The resolved packages. */
  resolution: Resolution;
  /** The interpreter the resolution was made for. */
  interpreter: Interpreter;
  /** The requirements as given (for lock metadata). */
  requirementTexts: string[];
  /** Requests sent to indexes. */
  requests: number;
}

/** Requirements, constraints and index options read from the command line and files. */
export interface RequirementInputs {
  /** Every requirement (command line first, then files in order). */
  requirements: Requirement[];
  /** The requirements as given (for lock metadata). */
  texts: string[];
  /** Constraints (`-c` files and `-c` lines of requirement files). */
  constraints: Requirement[];
  /** Index options of the requirement files (`--index-url`, `--find-links`, ...). */
  fromFile: FileIndexOptions;
  /** A file said `--pre`. */
  pre: boolean;
  /** `--only-binary` names (options and files). */
  onlyBinary: string[];
  /** `--no-binary` names (options and files). */
  noBinary: string[];
  /**
   * `--hash` values of requirement-file lines, by PEP 503 name: the sha256 digests (hex) one of
   * which the installed file must have (pip's hash-checking mode), with the line they came from.
   */
  hashes: Map<string, { origin: string; sha256: Set<string> }>;
  /** Requirement-file lines without `--hash` (`file:line`), for `security.require_hashes`. */
  unhashed: string[];
}

/**
 * Parses requirement strings, requirements files and constraints files (the inputs of
 * {@linkcode resolveRequirements}).
 * @throws {InvalidSyntaxError} for a malformed requirement (naming file and line), or an
 *   editable requirement (it cannot come from an index).
 */
export async function readRequirementInputs(
  options: Pick<
    ResolveRequirementsOptions,
    "requirements" | "requirementFiles" | "constraintFiles" | "onlyBinary" | "noBinary"
  >,
): Promise<RequirementInputs> {
  const requirements: Requirement[] = [];
  const texts: string[] = [];
  for (const text of options.requirements ?? []) {
    requirements.push(parseRequirement(text, "command line"));
    texts.push(text);
  }
  const constraints: Requirement[] = [];
  let fromFile: FileIndexOptions = {
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
  };
  let pre = false;
  const onlyBinary = [...(options.onlyBinary ?? [])], noBinary = [...(options.noBinary ?? [])];
  const hashes: RequirementInputs["hashes"] = new Map();
  const unhashed: string[] = [];
  for (const path of options.requirementFiles ?? []) {
    const file = await readRequirementsFile(path);
    for (const line of file.requirements) {
      if (line.editable) {
        throw new InvalidSyntaxError(
          "editable requirements cannot be resolved from an index",
          line.origin,
        );
      }
      requirements.push(line.requirement);
      texts.push(formatRequirement(line.requirement));
      const sha256 = line.hashes.filter((h) => h.startsWith("sha256:")).map((h) => h.slice(7));
      if (sha256.length > 0) {
        const entry = hashes.get(line.requirement.normalizedName);
        if (entry === undefined) {
          hashes.set(line.requirement.normalizedName, {
            origin: line.origin,
            sha256: new Set(sha256.map((h) => h.toLowerCase())),
          });
        } else for (const h of sha256) entry.sha256.add(h.toLowerCase());
      } else unhashed.push(line.origin);
    }
    constraints.push(...file.constraints.map((c) => c.requirement));
    fromFile = {
      indexUrl: file.indexUrl ?? fromFile.indexUrl,
      extraIndexUrls: [...(fromFile.extraIndexUrls ?? []), ...file.extraIndexUrls],
      findLinks: [...(fromFile.findLinks ?? []), ...file.findLinks],
      noIndex: (fromFile.noIndex ?? false) || file.noIndex,
    };
    pre ||= file.pre;
    onlyBinary.push(...file.onlyBinary);
    noBinary.push(...file.noBinary);
  }
  for (const path of options.constraintFiles ?? []) {
    constraints.push(...(await readConstraintsFile(path)).constraints.map((c) => c.requirement));
  }
  return {
    requirements,
    texts,
    constraints,
    fromFile,
    pre,
    onlyBinary,
    noBinary,
    hashes,
    unhashed,
  };
}

/**
 * Parses, then resolves. Requires network access unless the settings are offline (`--offline`).
 * @throws {InvalidSyntaxError} for a malformed requirement (naming file and line).
 * @throws {ResolutionError} with the explanation when there is no solution.
 * @throws {NetworkError} when an index cannot be reached.
 */
export async function resolveRequirements(
  ctx: EnvironmentContext,
  options: ResolveRequirementsOptions,
): Promise<RequirementsResolution> {
  const {
    requirements,
    texts,
    constraints,
    fromFile,
    pre,
    onlyBinary,
    noBinary,
    hashes,
    unhashed,
  } = await readRequirementInputs(options);
  await assertRequirementSourcesAllowed(requirements, ctx.settings.allowedSources?.value);
  requireFileHashes(ctx, hashes, unhashed);
  const interpreter = options.interpreter ??
    await findInterpreter(ctx.settings.python.value, { cacheDir: ctx.home.cacheDir });
  const index = indexClientFor(ctx, {
    refresh: options.refresh ?? false,
    buildInterpreter: interpreter,
    fromFile,
  });
  ctx.reporter.step(
    `Resolving for ${interpreter.info.implementation_display} ${interpreter.info.version}`,
  );
  try {
    const resolution = await resolve({
      requirements,
      constraints,
      interpreter: interpreter.info,
      index,
      resolution: options.resolution ?? "highest",
      prerelease: options.prerelease ?? (pre ? "allow" : "if-necessary-or-explicit"),
      onlyBinary,
      noBinary,
      ...(options.preferences !== undefined ? { preferences: options.preferences } : {}),
    });
    applyFileHashes(resolution, hashes);
    return { resolution, interpreter, requirementTexts: texts, requests: index.http.requestCount };
  } finally {
    ctx.reporter.done();
  }
}

/**
 * pip's hash-checking mode for requirements files (issue 12 §3): with `security.require_hashes`
 * or once any line of the files has `--hash`, every line must have one.
 * @throws {OperationError} `hashes_required` naming the lines without `--hash`.
 */
function requireFileHashes(
  ctx: EnvironmentContext,
  hashes: RequirementInputs["hashes"],
  unhashed: readonly string[],
): void {
  if (unhashed.length === 0) return;
  const required = ctx.settings.requireHashes?.value ?? false;
  if (!required && hashes.size === 0) return;
  const why = required
    ? `hashes are required (${ctx.settings.requireHashes!.origin})`
    : "other lines give `--hash` (pip's hash-checking mode: then every line must)";
  throw new OperationError(
    `${unhashed.join(", ")}: no \`--hash\`, and ${why}`,
    "hashes_required",
    {
      hint: "Give each line `--hash=sha256:<hex>` of the file to install (`pip hash FILE`, or " +
        "`gestvenv lock` then `gestvenv export ENV --format requirements` writes them)",
    },
  );
}

/**
 * Keeps, for each package a requirements file gave `--hash` for, only its files with one of those
 * sha256 digests (the lock then installs one of them).
 * @throws {OperationError} `hash_mismatch` when no file of the resolved version has one.
 */
function applyFileHashes(resolution: Resolution, hashes: RequirementInputs["hashes"]): void {
  for (const p of resolution.packages) {
    const wanted = hashes.get(p.name);
    if (wanted === undefined) continue;
    const files = p.files.filter((f) => f.sha256 !== null && wanted.sha256.has(f.sha256));
    if (files.length === 0) {
      throw new OperationError(
        `${wanted.origin}: no file of ${p.name} ${p.version} has the sha256 its \`--hash\` gives ` +
          `(${[...wanted.sha256].map((h) => h.slice(0, 12)).join(", ")}…); nothing was installed`,
        "hash_mismatch",
        {
          hint: "Pin the version the hashes belong to (`name==VERSION`), or update the hashes",
        },
      );
    }
    p.files = files;
    if (!files.includes(p.file)) p.file = files[0]!;
  }
}
