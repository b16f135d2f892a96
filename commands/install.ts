import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { printChanges } from "./_changes.ts";
import {
  BACKEND_FLAG,
  COMPILE_FLAG,
  environmentFlag,
  examples,
  LINK_MODE_FLAG,
  optionalText,
  repeatable,
  toggle,
} from "./_help.ts";
import { resolveTarget } from "./_target.ts";
import { projectTarget } from "./_project.ts";

interface InstallFlags extends GlobalFlags {
  readonly env?: string;
  readonly requirement?: readonly string[];
  readonly editable?: readonly string[];
  readonly group?: readonly string[];
  readonly upgrade?: boolean;
  readonly backend?: "auto" | "native" | "pip" | "uv";
  readonly linkMode?: "clone" | "hardlink" | "copy";
  readonly compile?: boolean;
  readonly indexUrl?: string;
}

/**
 * `install --group G...`: the project's groups added to those its environment's syncs install,
 * then a sync (packages named too are installed first).
 */
async function installGroups(
  ctx: CommandContext,
  flags: InstallFlags,
  packages: string[],
): Promise<void> {
  const { installPackages, syncProject } = await import("../lib/packages/mod.ts");
  const { normalizeName } = await import("../lib/names/mod.ts");
  const env = ctx.environments();
  if ((flags.requirement ?? []).length > 0 || (flags.editable ?? []).length > 0) {
    throw new UsageError("--group cannot be combined with -r or --editable", {
      hint: "Install the group, then the files or projects in another command",
    });
  }
  const target = await projectTarget(env, flags.env);
  if (packages.length > 0) {
    await installPackages(env, target.name, { requirements: packages, dryRun: ctx.dryRun });
  }
  const before = target.record.project?.path === target.root ? target.record.project.groups : [];
  const asked = (flags.group ?? []).map(normalizeName);
  const groups = [...new Set([...before, ...asked])];
  const result = await syncProject(env, target.name, {
    project: target.root,
    groups,
    dryRun: ctx.dryRun,
  });
  const installed = result.plan.install.map((p) => `${p.name}==${p.version ?? "?"}`);
  if (formatFor(ctx, ["table", "json"], "table") === "json") {
    ctx.printer.json("install", {
      environment: target.name,
      project: result.project,
      groups: result.groups,
      dry_run: result.dryRun,
      installed,
    });
    return;
  }
  const verb = result.dryRun ? "Would install" : "Installed";
  ctx.printer.success(
    `${verb} group${asked.length === 1 ? "" : "s"} ${asked.join(", ")} into \`${target.name}\`` +
      (installed.length > 0 ? `: ${installed.join(" ")}` : " (already there)"),
  );
  if (!result.dryRun) ctx.printer.info(`  Its syncs now install: ${result.groups.join(", ")}`);
}

/** `gestvenv install PKG...`: installs distributions into an environment. */
export const installCommand = buildCommand<InstallFlags, string[], CliContext>({
  docs: {
    brief: "Install packages into an environment (--env, or the active one)",
    fullDescription: examples([
      ["gestvenv install flask requests --env web", "into `web`"],
      ['gestvenv install "django>=5" --env web --upgrade', "upgrade within a range"],
      ["gestvenv install --env web -r requirements.txt", "from a file"],
      ["gestvenv install --env web --editable .", "the project here, editable"],
      ["gestvenv install --group test", "a dependency group (PEP 735) of the project here"],
      ["gestvenv install web flask", "older form: environment first"],
    ]) +
      "\n--group installs a dependency group of the environment's project (the one bound to the" +
      "\nproject here without --env) and adds it to the groups its syncs install.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
      requirement: repeatable("Install from a requirements file (repeatable)", "file"),
      editable: repeatable("Install a local project in editable mode (repeatable)", "path"),
      group: repeatable("Install a dependency group of the project (PEP 735; repeatable)", "name"),
      upgrade: toggle("Upgrade to the newest allowed versions"),
      backend: BACKEND_FLAG,
      linkMode: LINK_MODE_FLAG,
      compile: COMPILE_FLAG,
      indexUrl: optionalText(
        "Package index to install from (overrides pip's configuration)",
        "url",
      ),
    },
    aliases: {
      ...GLOBAL_ALIASES,
      e: "editable",
      r: "requirement",
      U: "upgrade",
      b: "backend",
      g: "group",
    },
    positional: {
      kind: "array",
      parameter: {
        brief: 'Requirements (PEP 508): flask, "requests>=2.28", "uvicorn[standard]"',
        parse: String,
        placeholder: "package",
      },
    },
  },
  func: action("install", async (ctx, flags: InstallFlags, ...packages: string[]) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    const { installPackages } = await import("../lib/packages/mod.ts");
    formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    if ((flags.group ?? []).length > 0) return await installGroups(ctx, flags, packages);
    const files = [...(flags.requirement ?? [])];
    const editables = [...(flags.editable ?? [])];
    const target = await resolveTarget(env, flags.env, packages, {
      legacyNeedsMore: files.length === 0 && editables.length === 0,
      command: "install",
    });
    if (target.args.length === 0 && files.length === 0 && editables.length === 0) {
      throw new UsageError("Nothing to install", {
        hint: "Name packages, or pass `-r FILE` or `--editable PATH`",
      });
    }
    const change = await installPackages(env, target.env, {
      requirements: target.args,
      requirementFiles: files,
      editables,
      upgrade: flags.upgrade ?? false,
      dryRun: ctx.dryRun,
    });
    printChanges(ctx, "install", change, ctx.dryRun);
  }, { effect: "changes" }),
});
