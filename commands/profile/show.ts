import { buildCommand } from "npm:@stricli/core@1.3.0";
import { CONFIG_KEYS, loadProfile } from "../../lib/config/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";
import { showValue } from "../config/_keys.ts";
import { activeProfileName } from "./list.ts";
import { profileJson, profileRows } from "./_profiles.ts";

/** `gestvenv profile show NAME`: the settings a profile gives. */
export const profileShowCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Show the settings a configuration profile gives",
    fullDescription: examples([
      ["gestvenv profile show fast", "a built-in profile"],
      ["gestvenv profile show team --format json", "a user profile, as data"],
    ]),
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Profile name", "name")] },
  },
  func: action("profile show", async (ctx, _flags: GlobalFlags, name: string) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const profile = await loadProfile(ctx.home, name);
    const active = activeProfileName(ctx.config);
    if (format === "json") {
      ctx.printer.json("profile show", profileJson(profile, active));
      return;
    }
    ctx.printer.data(
      `Profile ${profile.name} (${profile.kind === "builtin" ? "built-in" : profile.file})${
        profile.name === active ? ", active" : ""
      }: ${profile.description || "(no description)"}`,
    );
    await ctx.printer.table(
      ["Key", "Value", "Description"],
      profileRows(profile).map(([k, v]) => [k, showValue(v), CONFIG_KEYS[k].description]),
    );
  }, { effect: "reads" }),
});
