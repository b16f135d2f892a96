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
import { UsageError } from "../lib/errors/mod.ts";

/** What the export writes: the spec's content options (README "Export format"). */
interface ExportContentFlags {
  readonly includeMetadata?: boolean;
  readonly productionReady?: boolean;
  readonly packagesOnly?: boolean;
}

interface ExportFlags extends GlobalFlags, ExportContentFlags {
  readonly as?: "json" | "requirements" | "pylock";
  readonly bundle?: boolean;
  readonly platforms?: readonly string[];
}

/** The content flags of `export` (spread into its flags). */
const EXPORT_CONTENT_FLAGS = {
  includeMetadata: toggle(
    "Add description, times, backend, requirements, interpreter (version and path), groups",
  ),
  productionReady: toggle(
    "Only what runs the code: no pip/setuptools/wheel nobody asked for; exact pins with sha256",
  ),
  packagesOnly: toggle("Only the package list, none of the environment's settings"),
} as const;

/** `gestvenv export NAME FILE`: writes an environment's description to a file. */
export const exportCommand = buildCommand<ExportFlags, [string, string], CliContext>({
  docs: {
    brief: "Export an environment to JSON, a requirements file or a PEP 751 lock (`-` for stdout)",
    fullDescription: examples([
      ["gestvenv export web web.json", "JSON: interpreter, requirements, exact versions"],
      ["gestvenv export web requirements.txt", "pinned requirements (.txt/.in names)"],
      ["gestvenv export web - --as requirements", "to stdout"],
      ["gestvenv export web pylock.toml --format pylock", "PEP 751 lock: files, URLs, sha256"],
      ["gestvenv export web web.json --include-metadata", "plus times, interpreter path, ..."],
      [
        "gestvenv export web prod.txt --production-ready",
        "pins with hashes: pip install --require-hashes -r prod.txt",
      ],
      ["gestvenv export web pkgs.json --packages-only", "the package list alone"],
      ["gestvenv export web web.tar.zst --bundle", "one file for an offline machine"],
    ]) +
      "\n--production-ready leaves out pip, setuptools and wheel unless they were asked for or a" +
      "\nkept distribution needs them; hashes come from the environment's pylock.toml." +
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
      ...EXPORT_CONTENT_FLAGS,
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
    if (flags.bundle) {
      if (flags.includeMetadata || flags.productionReady || flags.packagesOnly) {
        throw new UsageError(
          "--bundle carries the whole environment: it does not combine with " +
            "--include-metadata, --production-ready or --packages-only",
          { hint: "Export the bundle, and the JSON or requirements form separately" },
        );
      }
      return await exportBundle(ctx, name, file, flags.platforms);
    }
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
    const output = await exportEnvironment(ctx.environments(), name, format, {
      includeMetadata: flags.includeMetadata ?? false,
      productionReady: flags.productionReady ?? false,
      packagesOnly: flags.packagesOnly ?? false,
    });
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
