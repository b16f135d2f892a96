import { buildCommand, buildRouteMap } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentFlag, examples } from "./_help.ts";
import { projectTarget } from "./_project.ts";

interface GroupsListFlags extends GlobalFlags {
  readonly env?: string;
}

/** `gestvenv groups list`: the dependency groups (PEP 735) of a project. */
export const groupsListCommand = buildCommand<GroupsListFlags, [], CliContext>({
  docs: {
    brief: "List the project's dependency groups (PEP 735): requirements, includes, installed",
    fullDescription: examples([
      ["gestvenv groups list", "the project here and its bound environment"],
      ["gestvenv groups list --env web", "web's project"],
      ["gestvenv groups list --format json", "as data"],
    ]) +
      "\n`Selected` says whether the environment's syncs install the group; `Installed`, whether" +
      "\nwhat it has installed meets every requirement of the group (includes expanded).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag("Environment (default: the one bound to the project here)"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("groups list", async (ctx, flags: GroupsListFlags) => {
    const { findProjectRoot, projectGroups } = await import("../lib/packages/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    let root: string;
    let record;
    try {
      ({ root, record } = await projectTarget(env, flags.env));
    } catch (error) {
      // A project with no environment yet still has groups to show.
      const here = flags.env === undefined ? await findProjectRoot(Deno.cwd()) : undefined;
      if (!(error instanceof UsageError) || here === undefined) throw error;
      root = here;
      record = undefined;
    }
    const groups = await projectGroups(env, root, record);
    if (format === "json") {
      ctx.printer.json("groups list", {
        project: root,
        environment: record?.name ?? null,
        groups: groups.map((g) => ({
          name: g.name,
          normalized: g.normalized,
          requirements: g.requirements,
          includes: g.includes,
          selected: g.selected,
          installed: g.installed,
        })),
      });
      return;
    }
    if (groups.length === 0) {
      ctx.printer.info(`${root}/pyproject.toml declares no dependency groups`);
      return;
    }
    const yes = (b: boolean | null) => b === null ? "-" : b ? "yes" : "no";
    await ctx.printer.table(
      ["Group", "Requirements", "Includes", "Selected", "Installed"],
      groups.map((g) => [
        g.name,
        g.requirements,
        g.includes.join(", "),
        yes(record === undefined ? null : g.selected),
        yes(g.installed),
      ]),
    );
    ctx.printer.info(
      record === undefined
        ? `Project ${root}; no environment is bound to it`
        : `Project ${root}; environment \`${record.name}\``,
    );
  }, { effect: "reads" }),
});

/** `gestvenv groups ...`: a project's dependency groups. */
export const groupsRoutes = buildRouteMap({
  routes: { list: groupsListCommand },
  docs: {
    brief: "A project's dependency groups (PEP 735)",
    fullDescription: examples([
      ["gestvenv groups list", "every group, its requirements and whether it is installed"],
      ["gestvenv install --group test", "install a group into the project's environment"],
    ]),
  },
});
