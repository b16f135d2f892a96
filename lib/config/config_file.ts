import { parse, stringify } from "npm:smol-toml@1.9.1";
import { ConfigError } from "../errors/mod.ts";
import { atomicWriteFile, withFileLock } from "../fs/mod.ts";
import { flattenConfig, type GestvenvConfig, nestConfig, validateConfig } from "./config_schema.ts";

/**
 * Reads and validates the TOML configuration file at `path`. A missing file is an empty config.
 * Requires `--allow-read`.
 *
 * @throws {ConfigError} When the file is not valid TOML or a value has the wrong type.
 */
export async function loadConfig(path: string): Promise<GestvenvConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new ConfigError(`Cannot read the configuration file ${path}`, { cause: error });
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `The configuration file ${path} is not valid TOML: ${(error as Error).message}`,
      {
        cause: error,
        hint: "Fix the file, or move it away and run `gestvenv config init`",
      },
    );
  }
  return validateConfig(flattenConfig(doc), path).config;
}

/**
 * Changes the configuration file under a cross-process lock: reads it, lets `change` edit the
 * document, and writes it back atomically. Requires `--allow-read` and `--allow-write`.
 *
 * @returns The configuration as written.
 * @throws {ConfigError} When the existing file is invalid.
 */
export async function updateConfig(
  path: string,
  change: (config: Record<string, unknown>) => void,
): Promise<GestvenvConfig> {
  return await withFileLock(`${path}.lock`, async () => {
    const config = { ...(await loadConfig(path)) } as Record<string, unknown>;
    change(config);
    const validated = validateConfig(config, path).config;
    await atomicWriteFile(path, renderConfig(validated));
    return validated;
  });
}

/** Renders a configuration as TOML with a header comment. */
export function renderConfig(config: GestvenvConfig): string {
  const body = stringify(nestConfig(config as Record<string, unknown>));
  return "# gestvenv configuration. Edit with `gestvenv config set KEY VALUE`.\n" +
    (body === "" ? "" : body + "\n");
}
