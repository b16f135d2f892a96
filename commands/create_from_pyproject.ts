import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, text, toggle } from "./_help.ts";

interface CreateFromPyprojectFlags extends GlobalFlags {
  readonly python?: string;
  readonly groups?: string;
  readonly extras?: string;
  readonly allGroups?: boolean;
  readonly noProject?: boolean;
  readonly lock?: boolean;
  readonly description?: string;
}

/** `a,b c` → `["a", "b", "c"]`. */
function nameList(list: string | undefined): string[] {
  return (list ?? "").split(/[\s,]+/).filter((s) => s !== "");
}

/**
 * `gestvenv create-from-pyproject [FILE] NAME`: a named environment with a project's
 * dependencies (PEP 621), chosen extras and dependency groups (PEP 735), and the project itself
 * installed editable (PEP 660).
 */
export const createFromPyprojectCommand = buildCommand<
  CreateFromPyprojectFlags,
  [string, string | undefined],
  CliContext
>({
  docs: {
    brief:
      "Create a named environment from a pyproject.toml: dependencies, extras, groups (PEP 735) and the project editable",
    fullDescription: examples([
      ["gestvenv create-from-pyproject myapp", "from ./pyproject.toml"],
      ["gestvenv create-from-pyproject ../api api --groups dev,test", "with two groups"],
      ["gestvenv create-from-pyproject api --extras postgres --all-groups", "extras, every group"],
      ["gestvenv create-from-pyproject api --no-project", "only the dependencies"],
      ["gestvenv create-from-pyproject api --groups dev --lock", "and write ./pylock.toml"],
    ]) +
      "\nWith --lock, the project's pylock.toml (PEP 751, next to pyproject.toml) is used when it" +
      "\nis up to date for these groups and extras; otherwise the project is resolved and the lock" +
      "\nwritten, recording the groups, extras and a hash of the inputs in [tool.gestvenv].",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      python: optionalText(
        "Interpreter (must satisfy requires-python); default: the newest one found that does",
        "request",
      ),
      groups: optionalText(
        "Dependency groups to install (PEP 735), comma-separated (default: [tool.gestvenv] groups)",
        "list",
      ),
      extras: optionalText(
        "Extras of [project.optional-dependencies], comma-separated (default: [tool.gestvenv] extras)",
        "list",
      ),
      allGroups: toggle("Install every dependency group"),
      noProject: toggle("Do not install the project itself, only its dependencies and groups"),
      lock: toggle("Install from, or write, the project's pylock.toml (PEP 751)"),
      description: optionalText("Free-text description kept in the registry", "text"),
    },
    aliases: { ...GLOBAL_ALIASES, p: "python", d: "description" },
    positional: {
      kind: "tuple",
      parameters: [
        text(
          "pyproject.toml or its directory (default ./pyproject.toml); alone: the name",
          "file",
        ),
        { ...optionalText("Environment name (letters, digits, `.`, `_`, `-`)", "name") },
      ],
    },
  },
  func: action(
    "create-from-pyproject",
    async (
      ctx,
      flags: CreateFromPyprojectFlags,
      first: string,
      second: string | undefined,
    ) => {
      const {
        createEnvironment,
        environmentLockPath,
        lockStaleness,
        markProjectSynced,
        projectDefaults,
        projectInputs,
        readProjectLock,
        writeProjectLock,
      } = await import("../lib/packages/mod.ts");
      const { parsePylock } = await import("../lib/lock/mod.ts");
      const { projectInterpreter, projectRequirements, readPyproject } = await import(
        "../lib/pyproject/mod.ts"
      );
      const { absolute } = await import("../lib/paths/mod.ts");
      const format = formatFor(ctx, ["table", "json"], "table");
      const name = second ?? first;
      let file = absolute(second === undefined ? "pyproject.toml" : first);
      const info = await Deno.stat(file).catch(() => null);
      if (info?.isDirectory) file = absolute(`${file}/pyproject.toml`);
      const pyproject = await readPyproject(file);
      // Without flags: the groups and extras the project settings name (`[tool.gestvenv]`).
      const defaults = await projectDefaults(pyproject.root);
      const chosen = projectRequirements(pyproject, {
        groups: flags.groups === undefined ? defaults.groups : nameList(flags.groups),
        extras: flags.extras === undefined ? defaults.extras : nameList(flags.extras),
        allGroups: flags.allGroups ?? false,
      });
      const withProject = !(flags.noProject ?? false) && pyproject.project !== null;
      const env = ctx.environments();
      const interpreter = await projectInterpreter(pyproject, flags.python, env.home.cacheDir);
      const project = {
        path: pyproject.root,
        groups: chosen.groups,
        extras: chosen.extras,
        installed: withProject,
      };
      // --lock: the project's lock when it is up to date for this choice.
      const inputs = await projectInputs(pyproject, chosen, withProject);
      const existing = flags.lock ? await readProjectLock(pyproject.root) : undefined;
      const fresh = existing !== undefined && lockStaleness(existing, inputs).length === 0
        ? existing
        : undefined;
      const declared = [...chosen.requirements, ...(withProject ? [`-e ${pyproject.root}`] : [])];
      // The project's own requirements are installed with it (its metadata names them); they are
      // listed too, so `--no-project` and the record say the same thing.
      const result = fresh !== undefined
        ? await createEnvironment(env, name, {
          python: interpreter.realPath,
          description: flags.description,
          lock: fresh,
          recordRequirements: declared,
          dryRun: ctx.dryRun,
          project,
        })
        : await createEnvironment(env, name, {
          python: interpreter.realPath,
          description: flags.description,
          packages: chosen.requirements,
          editables: withProject ? [pyproject.root] : [],
          dryRun: ctx.dryRun,
          project,
        });
      let r = result.record;
      let lockNote = "";
      if (!result.dryRun) {
        ctx.oplog.createdEnvironment(r, result.files);
        if (flags.lock && fresh === undefined) {
          // What the environment was just installed from becomes the project's lock.
          const envLock = environmentLockPath(r);
          const written = await writeProjectLock(
            pyproject.root,
            parsePylock(await Deno.readTextFile(envLock), envLock),
            inputs,
          );
          lockNote = `  Locked in ${written}`;
        } else if (fresh !== undefined) lockNote = `  Installed from ${fresh.source}`;
        r = await markProjectSynced(env, r.name);
      }
      if (format === "json") {
        ctx.printer.json("create-from-pyproject", {
          ...r,
          lock: flags.lock ? `${pyproject.root}/pylock.toml` : null,
          dry_run: result.dryRun,
        });
        return;
      }
      const p = ctx.printer;
      const what = [
        chosen.groups.length > 0 ? `groups ${chosen.groups.join(", ")}` : "",
        chosen.extras.length > 0 ? `extras ${chosen.extras.join(", ")}` : "",
      ].filter((s) => s !== "").join("; ");
      if (result.dryRun) {
        p.info(
          `Would create \`${r.name}\` at ${r.path} with ${r.python.implementation} ${r.python.version} (${r.python.path})`,
        );
        if (r.requirements.length > 0) p.info(`Would install: ${r.requirements.join(" ")}`);
        return;
      }
      p.success(
        `Created \`${r.name}\` from ${pyproject.file} with ${r.python.implementation} ${r.python.version}`,
      );
      if (what !== "") p.info(`  With ${what}`);
      p.info(
        withProject
          ? `  ${pyproject.project?.name} installed editable from ${pyproject.root}`
          : "  The project itself is not installed (--no-project)",
      );
      p.info(`  ${r.packages.length} distributions installed with ${r.backend}`);
      if (lockNote !== "") p.info(lockNote);
      p.info(`  Activate: gestvenv activate ${r.name}   Run: gestvenv run ${r.name} python`);
    },
    { effect: "changes" },
  ),
});
