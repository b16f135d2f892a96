import { buildCommand } from "npm:@stricli/core@1.3.0";
import { loadProfile, renderProfile, renderProfileJson } from "../../lib/config/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import { atomicWriteFile, pathExists } from "../../lib/fs/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text, toggle } from "../_help.ts";

interface ExportFlags extends GlobalFlags {
  readonly force?: boolean;
}

/** `gestvenv profile export NAME FILE`: a profile as a file to share. */
export const profileExportCommand = buildCommand<ExportFlags, [string, string], CliContext>({
  docs: {
    brief: "Write a configuration profile to a file (TOML, or JSON for a .json name)",
    fullDescription: examples([
      ["gestvenv profile export team team-config.json", "for `profile create --from-config`"],
      ["gestvenv profile export fast fast.toml --force", "a built-in, replacing fast.toml"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, force: toggle("Replace FILE when it exists") },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [text("Profile name", "name"), text("File to write", "file")],
    },
  },
  func: action(
    "profile export",
    async (ctx, flags: ExportFlags, name: string, file: string) => {
      const profile = await loadProfile(ctx.home, name);
      if (!flags.force && await pathExists(file)) {
        throw new UsageError(`${file} exists`, { hint: "Add --force to replace it" });
      }
      if (ctx.dryRun) {
        ctx.printer.info(`Would write the profile ${name} to ${file}`);
        return;
      }
      const json = file.toLowerCase().endsWith(".json");
      await atomicWriteFile(file, json ? renderProfileJson(profile) : renderProfile(profile));
      ctx.printer.success(`Profile ${name} written to ${file}`);
    },
    { effect: "changes" },
  ),
});
