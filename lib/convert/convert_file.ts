import { ConfigError, UsageError } from "../errors/mod.ts";
import { basename } from "../paths/mod.ts";
import type { Conversion, ConversionSource } from "./conversion.ts";
import { convertPipfile } from "./from_pipfile.ts";
import { convertRequirements } from "./from_requirements.ts";
import { convertSetupCfg } from "./from_setup_cfg.ts";

/** Options of {@linkcode convertFile}. */
export interface ConvertFileOptions {
  /** Requirements files: turn `requirements-dev.txt`-style files beside it into PEP 735 groups. */
  detectGroups?: boolean;
  /** Pipfile: copy `[scripts]` to `[tool.gestvenv.scripts]`. */
  preserveScripts?: boolean;
  /** Force the kind instead of telling it from the file name. */
  kind?: ConversionSource;
}

/**
 * The kind of a file by its name: `Pipfile`, `setup.cfg`, or a requirements file (`*.txt`,
 * `*.in`, any name containing `requirements`).
 *
 * @throws {UsageError} (exit 2) For any other name.
 */
export function conversionKind(path: string): ConversionSource {
  const name = basename(path);
  if (name === "Pipfile") return "pipfile";
  if (name === "setup.cfg") return "setup.cfg";
  if (/\.(txt|in)$/.test(name) || /requirements/i.test(name)) return "requirements";
  throw new UsageError(`Cannot tell what kind of file ${name} is`, {
    hint: "Convert a requirements file (*.txt), a Pipfile or a setup.cfg",
  });
}

/**
 * Reads and converts a requirements file, a Pipfile or a setup.cfg to pyproject.toml tables (see
 * `convertRequirements`, `convertPipfile`, `convertSetupCfg`).
 *
 * @param path Absolute path of the file.
 * @param options Detection of groups, scripts, the kind.
 * @throws {ConfigError} (exit 10) When the file cannot be read or is invalid.
 * @throws {UsageError} (exit 2) When its kind cannot be told from its name.
 */
export async function convertFile(
  path: string,
  options: ConvertFileOptions = {},
): Promise<Conversion> {
  const kind = options.kind ?? conversionKind(path);
  if (kind === "requirements") {
    return await convertRequirements(path, { detectGroups: options.detectGroups === true });
  }
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: "Check the path",
    });
  }
  return kind === "pipfile"
    ? convertPipfile(path, text, { preserveScripts: options.preserveScripts === true })
    : convertSetupCfg(path, text);
}
