import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, openEnvironment } from "../lib/environments/mod.ts";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import { absolute } from "../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentName, examples, optionalText } from "./_help.ts";
import { VERSION } from "./_version.ts";

interface SbomFlags extends GlobalFlags {
  readonly output?: string;
}

/** `gestvenv sbom ENV`: the environment's software bill of materials (CycloneDX or SPDX JSON). */
export const sbomCommand = buildCommand<SbomFlags, [string], CliContext>({
  docs: {
    brief: "Write a software bill of materials of an environment (CycloneDX 1.5 or SPDX 2.3 JSON)",
    fullDescription: examples([
      ["gestvenv sbom web", "CycloneDX 1.5 JSON on stdout"],
      ["gestvenv sbom web --format spdx-json -o web.spdx.json", "SPDX 2.3 JSON into a file"],
    ]) +
      "\n\nEvery installed distribution with its version, PURL (pkg:pypi/NAME@VERSION), licence\n" +
      "(PEP 639 License-Expression, else the License field or classifiers), author, the sha256 of\n" +
      "the artifact the environment's pylock.toml records (none when the lock has no entry for\n" +
      "that version: RECORD hashes are never given as artifact hashes) and the dependency graph.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      output: optionalText("Write the document to FILE instead of stdout", "file"),
    },
    aliases: { ...GLOBAL_ALIASES, o: "output" },
    positional: { kind: "tuple", parameters: [environmentName()] },
  },
  func: action("sbom", async (ctx, flags: SbomFlags, name: string) => {
    // Loaded when the command runs: the lock, metadata and dependency graph readers.
    const { collectSbomInput, cycloneDxDocument, spdxDocument } = await import(
      "../lib/sbom/mod.ts"
    );
    const format = formatFor(ctx, ["cyclonedx-json", "spdx-json", "json"], "cyclonedx-json");
    const env = ctx.environments();
    const record = await getEnvironment(env, name);
    const { target } = await openEnvironment(env, record);
    const { subject, components, warnings } = await collectSbomInput(target, record);
    for (const w of warnings) ctx.printer.warn(w);
    const options = { tool: { name: "gestvenv", version: VERSION } };
    const document = format === "spdx-json"
      ? spdxDocument(subject, components, options)
      : cycloneDxDocument(subject, components, undefined, options);
    const text = JSON.stringify(document, null, 2) + "\n";
    if (flags.output === undefined || flags.output === "-") {
      ctx.printer.data(text.trimEnd());
      return;
    }
    const path = absolute(flags.output);
    const kind = format === "spdx-json" ? "SPDX 2.3" : "CycloneDX 1.5";
    if (ctx.dryRun) {
      ctx.printer.info(`Would write ${path} (${kind}, ${components.length} distributions)`);
      return;
    }
    await atomicWriteFile(path, text);
    ctx.printer.success(`Wrote ${path} (${kind}, ${components.length} distributions)`);
  }, {
    effect: (flags) => flags.output === undefined || flags.output === "-" ? "reads" : "changes",
  }),
});
