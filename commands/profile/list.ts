import { buildCommand } from "npm:@stricli/core@1.3.0";
import { listProfiles, NO_PROFILE, PROFILE } from "../../lib/config/mod.ts";
import { readEnv } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples } from "../_help.ts";
import { profileJson } from "./_profiles.ts";

/** The profile named as active (config or `GESTVENV_PROFILE`), without loading it. */
export function activeProfileName(
  config: { active_profile?: string },
): string | undefined {
  const name = readEnv(PROFILE) ?? config.active_profile;
  return name === NO_PROFILE ? undefined : name;
}

/** `gestvenv profile list`: the built-in and user configuration profiles. */
export const profileListCommand = buildCommand<GlobalFlags, [], CliContext>({
  docs: {
    brief: "List the configuration profiles (built-in and yours) and which one is active",
    fullDescription: examples([
      ["gestvenv profile list", "dev, prod, secure, fast and ~/.gestvenv/profiles/*.toml"],
      ["gestvenv profile list --format json", "as data"],
    ]),
  },
  parameters: { flags: GLOBAL_FLAGS, aliases: GLOBAL_ALIASES },
  func: action("profile list", async (ctx, _flags: GlobalFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const profiles = await listProfiles(ctx.home);
    const active = activeProfileName(ctx.config);
    if (format === "json") {
      ctx.printer.json("profile list", {
        active: active ?? null,
        profiles: profiles.map((p) => profileJson(p, active)),
      });
      return;
    }
    await ctx.printer.table(
      ["", "Profile", "Kind", "Description"],
      profiles.map((p) => [
        p.name === active ? "*" : "",
        p.name,
        p.kind === "builtin" ? "built-in" : "user",
        p.description,
      ]),
    );
    ctx.printer.info(
      active === undefined
        ? "No profile is active: `gestvenv profile activate NAME`"
        : `Active: ${active}`,
    );
  }, { effect: "reads" }),
});
