import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  BUILTIN_PROFILES,
  checkProfileName,
  parseProfileText,
  profileFile,
  saveProfile,
} from "../../lib/config/mod.ts";
import { ConfigError, UsageError } from "../../lib/errors/mod.ts";
import { pathExists } from "../../lib/fs/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text, toggle } from "../_help.ts";
import { settingsLine } from "./_profiles.ts";

interface CreateFlags extends GlobalFlags {
  readonly fromConfig: string;
  readonly description?: string;
  readonly force?: boolean;
}

/** `gestvenv profile create NAME --from-config FILE`: a user profile from a file. */
export const profileCreateCommand = buildCommand<CreateFlags, [string], CliContext>({
  docs: {
    brief: "Create a configuration profile from a config.toml or a profile file",
    fullDescription: examples([
      ["gestvenv profile create team --from-config team.toml", "~/.gestvenv/profiles/team.toml"],
      ["gestvenv profile create ci --from-config ci.json --force", "replace an existing one"],
    ]) +
      "\nFILE is a config.toml (its keys become the profile's settings), a profile file" +
      "\n(version = 1, description, [settings]) or `profile export`'s JSON. Every key is checked" +
      "\nagainst the configuration keys; nothing is written when one is unknown or invalid.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      fromConfig: {
        kind: "parsed",
        parse: String,
        brief: "The file to read the settings from",
        placeholder: "file",
      },
      description: {
        kind: "parsed",
        parse: String,
        brief: "One line saying what the profile is for",
        placeholder: "text",
        optional: true,
      },
      force: toggle("Replace an existing user profile of that name"),
    },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Profile name", "name")] },
  },
  func: action("profile create", async (ctx, flags: CreateFlags, name: string) => {
    checkProfileName(name);
    if (BUILTIN_PROFILES.has(name)) {
      throw new UsageError(`\`${name}\` is a built-in profile`, {
        hint: "Choose another name; `gestvenv profile list` shows the names in use",
      });
    }
    let body: string;
    try {
      body = await Deno.readTextFile(flags.fromConfig);
    } catch (error) {
      throw new ConfigError(`Cannot read ${flags.fromConfig}`, {
        cause: error,
        hint: "Give --from-config an existing config.toml or profile file",
      });
    }
    const profile = parseProfileText(body, name, flags.fromConfig);
    if (flags.description !== undefined) profile.description = flags.description;
    const file = profileFile(ctx.home, name);
    if (!flags.force && await pathExists(file)) {
      throw new UsageError(`The profile ${name} exists (${file})`, {
        hint: "Add --force to replace it",
      });
    }
    // Everything shown is rendered before the write: a display error cannot follow a change.
    const line = settingsLine(profile) || "(no settings)";
    if (ctx.dryRun) {
      ctx.printer.info(`Would write ${file}: ${line}`);
      return;
    }
    await saveProfile(ctx.home, profile);
    ctx.printer.success(`Profile ${name} created (${file}): ${line}`);
  }, { effect: "changes" }),
});
