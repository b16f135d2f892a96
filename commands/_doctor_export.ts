/**
 * `doctor --export FILE`: one JSON document for a bug report — gestvenv's version, what
 * `system-info` reports, the configuration with credentials removed (as `config show` prints it;
 * unknown keys by name only),
 * the findings and fixes, and the last 50 lines of the operation log — written atomically.
 *
 * @module
 */
import { isConfigKey } from "../lib/config/mod.ts";
import type { DoctorCheck } from "../lib/doctor/mod.ts";
import { atomicWriteFile } from "../lib/fs/mod.ts";
import { logsDirOf, readOperations } from "../lib/oplog/mod.ts";
import type { CommandContext } from "./_context.ts";
import { redactCommandLine } from "./_command_line.ts";
import { redactUrlsIn } from "../lib/errors/mod.ts";
import { redactValues } from "./config/_keys.ts";
import { gatherSystemInfo } from "./system_info.ts";
import { VERSION } from "./_version.ts";

/** How many operation-log entries the export carries (the last ones). */
export const EXPORTED_OPERATIONS = 50;

/** What the export writes for the value of a key gestvenv does not know. */
export const NOT_EXPORTED = "<not exported>";

/**
 * The configuration's values for the export: known keys (`CONFIG_KEYS`) with credentials removed
 * from their URLs; an unknown key only by name, its value written {@linkcode NOT_EXPORTED} (it
 * may be a password or a token gestvenv cannot recognize, e.g. `publish_password`).
 */
export function exportedConfigValues(
  config: Readonly<Record<string, unknown>>,
  isKnown: (key: string) => boolean,
): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(redactValues(config))) {
    out[key] = isKnown(key) ? value : NOT_EXPORTED;
  }
  return out;
}

/**
 * Writes the diagnosis to `path` (see the module documentation), atomically (temp file, fsync,
 * rename). Every URL in it is stripped of credentials, whatever field carries it, and every
 * exported command line has its secret flags' values hidden (`redactCommandLine`).
 */
export async function writeDiagnosis(
  ctx: CommandContext,
  path: string,
  checks: readonly DoctorCheck[],
  fixes: ReadonlyArray<{ subject: string; id: string; action: string }>,
): Promise<void> {
  const [system, operations] = await Promise.all([
    gatherSystemInfo(ctx),
    readOperations(logsDirOf(ctx.home)),
  ]);
  const settings = ctx.settings;
  const document = {
    format: 1,
    created_at: new Date().toISOString(),
    gestvenv: { version: VERSION },
    system,
    config: {
      file: ctx.home.configFile,
      values: exportedConfigValues(ctx.config as Record<string, unknown>, isConfigKey),
      index: {
        index_url: settings.indexUrl.value ?? null,
        extra_index_urls: settings.extraIndexUrls.value,
        find_links: settings.findLinks.value,
        offline: settings.offline.value,
      },
    },
    checks,
    fixes,
    healthy: !checks.some((c) => c.severity === "error"),
    // Lines written before secrets were hidden in `command_line` are hidden here.
    operations: operations.entries.slice(-EXPORTED_OPERATIONS)
      .map((e) => ({ ...e, command_line: redactCommandLine(e.command_line) })),
  };
  const text = redactUrlsIn(JSON.stringify(document, null, 2)) + "\n";
  await atomicWriteFile(path, text);
}
