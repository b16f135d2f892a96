import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  createConfigBackup,
  defaultBackupFile,
  renderConfigBackup,
  writeNewBackup,
} from "../../lib/config/mod.ts";
import { UsageError } from "../../lib/errors/mod.ts";
import { atomicWriteFile, pathExists } from "../../lib/fs/mod.ts";
import { absolute } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText, toggle } from "../_help.ts";
import { VERSION } from "../_version.ts";

interface BackupFlags extends GlobalFlags {
  readonly force?: boolean;
}

/** `gestvenv config backup [FILE]`: the configuration, profiles and policies in one file. */
export const configBackupCommand = buildCommand<BackupFlags, [string | undefined], CliContext>({
  docs: {
    brief: "Save config.toml, your profiles and policies in one file (environments excluded)",
    fullDescription: examples([
      ["gestvenv config backup", "~/.gestvenv/backups/config-<time>.json"],
      ["gestvenv config backup team.json", "a file of your choice"],
    ]) +
      "\nThe backup holds config.toml (with the active profile and global hooks), profiles/*.toml" +
      "\nand policies/*.toml, each with its sha256; `config restore FILE` puts them back.",
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS, force: toggle("Replace FILE when it exists") },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [optionalText("File to write", "file")] },
  },
  func: action("config backup", async (ctx, flags: BackupFlags, given: string | undefined) => {
    const file = given === undefined ? undefined : absolute(given);
    if (file !== undefined && !flags.force && await pathExists(file)) {
      throw new UsageError(`${file} exists`, { hint: "Add --force to replace it" });
    }
    const backup = await createConfigBackup(ctx.home, VERSION);
    const paths = Object.keys(backup.files);
    const listed = paths.length === 0 ? "no configuration file yet" : paths.join(", ");
    if (ctx.dryRun) {
      ctx.printer.info(`Would write ${file ?? defaultBackupFile(ctx.home)}: ${listed}`);
      return;
    }
    let written: string;
    if (file === undefined) {
      // A name no backup has: two backups within one second never replace each other.
      written = await writeNewBackup(ctx.home, backup);
    } else {
      await atomicWriteFile(file, renderConfigBackup(backup), { mode: 0o600 });
      written = file;
    }
    ctx.printer.data(written);
    ctx.printer.success(`Configuration backed up (${listed})`);
  }, { effect: "changes" }),
});
