import { buildCommand } from "npm:@stricli/core@1.3.0";
import { loadProfile, NO_PROFILE, PROFILE, updateConfig } from "../../lib/config/mod.ts";
import { readEnv } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";
import { settingsLine } from "./_profiles.ts";

/** `gestvenv profile activate NAME|none`: the profile every command uses from now on. */
export const profileActivateCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Use a configuration profile from now on (recorded in config.toml); `none` stops",
    fullDescription: examples([
      ["gestvenv profile activate dev", "a built-in profile"],
      ["gestvenv profile activate team", "~/.gestvenv/profiles/team.toml"],
      ["gestvenv profile activate none", "no profile"],
    ]) +
      "\nA profile's settings beat config.toml and yield to the project (.gestvenv.toml)," +
      "\nthe environment's own settings, GESTVENV_* variables and flags." +
      "\nGESTVENV_PROFILE=NAME (or none) chooses one for a single command.",
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Profile name, or `none`", "name")] },
  },
  func: action("profile activate", async (ctx, _flags: GlobalFlags, name: string) => {
    const off = name === NO_PROFILE;
    // Checked first: activating a profile that does not exist (or is broken) changes nothing.
    const profile = off ? undefined : await loadProfile(ctx.home, name);
    const before = ctx.config.active_profile;
    // Rendered before the write: a display error cannot follow a change.
    const line = profile === undefined ? "" : settingsLine(profile) || "(no settings)";
    if (ctx.dryRun) {
      ctx.printer.info(
        off
          ? `Would deactivate the profile${
            before === undefined ? " (none is active)" : ` ${before}`
          }`
          : `Would activate the profile ${name} in ${ctx.home.configFile}: ${line}`,
      );
      return;
    }
    await updateConfig(ctx.home.configFile, (c) => {
      if (off) delete c.active_profile;
      else c.active_profile = name;
    });
    if (off) {
      ctx.printer.success(
        before === undefined ? "No profile was active" : `Profile ${before} deactivated`,
      );
    } else {
      ctx.printer.success(`Profile ${name} active: ${line}`);
    }
    const forced = readEnv(PROFILE);
    if (forced !== undefined) {
      ctx.printer.warn(`${PROFILE}=${forced} is set: it wins over the active profile`);
    }
  }, { effect: "changes" }),
});
