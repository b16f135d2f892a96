import { buildCommand } from "npm:@stricli/core@1.3.0";
import { readLockFile } from "./_lock_file.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import {
  BACKEND_FLAG,
  COMPILE_FLAG,
  examples,
  LINK_MODE_FLAG,
  optionalText,
  repeatable,
  text,
  toggle,
} from "./_help.ts";

interface CreateFlags extends GlobalFlags {
  readonly python?: string;
  readonly description?: string;
  readonly packages?: string;
  readonly requirement?: readonly string[];
  readonly fromLock?: string;
  readonly backend?: "auto" | "native" | "pip" | "uv";
  readonly linkMode?: "clone" | "hardlink" | "copy";
  readonly compile?: boolean;
  readonly seed?: boolean;
  readonly path?: string;
  readonly indexUrl?: string;
}

/**
 * The requirements of `--packages`: separated by white space, or by commas where the next one
 * starts with a project name; a comma inside extras (`pkg[a,b]`) or followed by an operator
 * (`flask>=2,<3`) belongs to the requirement.
 */
export function splitPackageList(list: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  const flush = () => {
    if (current !== "") out.push(current);
    current = "";
  };
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c === "[") depth++;
    else if (c === "]") depth = Math.max(0, depth - 1);
    if (depth === 0 && /\s/.test(c)) flush();
    else if (depth === 0 && c === "," && /^\s*([A-Za-z0-9]|$)/.test(list.slice(i + 1))) flush();
    else current += c;
  }
  flush();
  return out;
}

/** `gestvenv create NAME`: a new named environment, optionally with packages. */
export const createCommand = buildCommand<CreateFlags, [string], CliContext>({
  docs: {
    brief: "Create a named environment (PEP 405, made natively) and install packages into it",
    fullDescription: examples([
      ["gestvenv create web --python 3.12", "an empty environment"],
      ['gestvenv create web --packages "flask requests"', "with packages"],
      ["gestvenv create web --from-lock pylock.toml", "exactly what a lock lists"],
      ["gestvenv create api -r requirements.txt --backend uv", "from a requirements file, with uv"],
      ["gestvenv create tool --path ./.venv --seed", "in a project folder, with pip inside"],
    ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      python: optionalText(
        "Interpreter: 3.12, 3.11.7, >=3.10, python3.12, pypy3 or a path",
        "request",
      ),
      description: optionalText("Free-text description kept in the registry", "text"),
      packages: optionalText(
        'Packages to install, space- or comma-separated ("flask requests")',
        "list",
      ),
      requirement: repeatable("Install from a requirements file (repeatable)", "file"),
      fromLock: optionalText(
        "Install exactly a PEP 751 lock (pylock.toml): its files, hashes checked, no resolution",
        "file",
      ),
      backend: BACKEND_FLAG,
      linkMode: LINK_MODE_FLAG,
      compile: COMPILE_FLAG,
      seed: toggle("Put pip into the environment"),
      path: optionalText(
        "Create the environment in DIR instead of the environments directory",
        "dir",
      ),
      indexUrl: optionalText(
        "Package index to install from (overrides pip's configuration)",
        "url",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, p: "python", d: "description", r: "requirement", b: "backend" },
    positional: {
      kind: "tuple",
      parameters: [text("Environment name (letters, digits, `.`, `_`, `-`)", "name")],
    },
  },
  func: action("create", async (ctx, flags: CreateFlags, name: string) => {
    ctx.oplog.environment(name);
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { createEnvironment } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    const packages = splitPackageList(flags.packages ?? "");
    const result = await createEnvironment(env, name, {
      description: flags.description,
      packages,
      requirementFiles: [...(flags.requirement ?? [])],
      seed: flags.seed ?? false,
      path: flags.path,
      dryRun: ctx.dryRun,
      lock: flags.fromLock === undefined ? undefined : await readLockFile(flags.fromLock),
    });
    const r = result.record;
    if (!result.dryRun) ctx.oplog.createdEnvironment(r, result.files);
    if (format === "json") {
      ctx.printer.json("create", { ...r, dry_run: result.dryRun });
      return;
    }
    const p = ctx.printer;
    if (result.dryRun) {
      p.info(
        `Would create \`${r.name}\` at ${r.path} with ${r.python.implementation} ${r.python.version} (${r.python.path}), backend ${r.backend}`,
      );
      if (r.requirements.length > 0) p.info(`Would install: ${r.requirements.join(" ")}`);
      return;
    }
    p.success(
      `Created \`${r.name}\` with ${r.python.implementation} ${r.python.version} at ${
        p.err.cyan(r.path)
      }`,
    );
    if (r.packages.length > 0) {
      p.info(`  ${r.packages.length} distributions installed with ${r.backend}`);
    }
    p.info(`  Activate: gestvenv activate ${r.name}   Run: gestvenv run ${r.name} python`);
  }, { effect: "changes" }),
});
