import { buildCommand } from "npm:@stricli/core@1.3.0";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, repeatable, text, toggle } from "./_help.ts";
import { exportBundle } from "./_bundle.ts";

interface ExportFlags extends GlobalFlags {
  readonly as?: "json" | "requirements" | "pylock";
  readonly bundle?: boolean;
  readonly platforms?: readonly string[];
}

/** `gestvenv export NAME FILE`: writes an environment's description to a file. */
export const exportCommand = buildCommand<ExportFlags, [string, string], CliContext>({
  docs: {
    brief: "Export an environment to JSON, a requirements file or a PEP 751 lock (`-` for stdout)",
    fullDescription: examples([
      ["gestvenv export web web.json", "JSON: interpreter, requirements, exact versions"],
      ["gestvenv export web requirements.txt", "pinned requirements (.txt/.in names)"],
      ["gestvenv export web - --as requirements", "to stdout"],
      ["gestvenv export web pylock.toml --format pylock", "PEP 751 lock: files, URLs, sha256"],
      ["gestvenv export web web.tar.zst --bundle", "one file for an offline machine"],
    ]) +
      "\nWith --bundle, FILE is a bundle (.tar.gz, .tar.zst, .tar; else `cache.compression`) with the" +
      "\nJSON export, the lock and every package file the lock installs (and, with --platforms," +
      "\nthose for other platforms); `gestvenv import FILE NAME` restores it with no network.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      as: {
        kind: "enum",
        values: ["json", "requirements", "pylock"],
        brief: "File format (default: .txt/.in → requirements, pylock*.toml → pylock, else json)",
        optional: true,
      },
      bundle: toggle("Write a bundle: export, lock and every package file (see below)"),
      platforms: repeatable("With --bundle: also files for these platform tags", "tags"),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [
        environmentName(),
        text("Output file, or `-` for stdout", "file"),
      ],
    },
  },
  func: action("export", async (ctx, flags: ExportFlags, name: string, file: string) => {
    // Loaded when the command runs: the installer, resolver and cache are not needed to start.
    if (flags.bundle) return await exportBundle(ctx, name, file, flags.platforms);
    const { exportEnvironment } = await import("../lib/packages/mod.ts");
    const asked = flags.as ??
      (flags.format === "requirements" || flags.format === "json" || flags.format === "pylock"
        ? flags.format
        : undefined);
    const format = asked ??
      (/\.(txt|in)$/.test(file)
        ? "requirements"
        : /pylock(\.[^/]+)?\.toml$/.test(file)
        ? "pylock"
        : "json");
    const output = await exportEnvironment(ctx.environments(), name, format);
    if (file === "-") {
      ctx.printer.data(output.trimEnd());
      return;
    }
    const path = absolute(file);
    if (ctx.dryRun) {
      ctx.printer.info(`Would write ${path} (${format})`);
      return;
    }
    await atomicWriteFile(path, output);
    ctx.printer.success(`Exported \`${name}\` to ${path} (${format})`);
  }, { effect: "changes" }),
});
