/**
 * What `gestvenv backend list|info` shows: each backend, whether it can run here, its version and
 * which one is the default (spec 001, "backend list").
 *
 * @module
 */
import type { BackendChoice } from "../config/mod.ts";
import { runTool } from "./_run_tool.ts";
import { findUv } from "./select_backend.ts";

/** One backend as `gestvenv backend list` shows it. */
export interface BackendDescription {
  /** `native`, `pip` or `uv`. */
  name: "native" | "pip" | "uv";
  /** Whether it can run here. */
  available: boolean;
  /** Its version (`native`: gestvenv's; `pip`: the base interpreter's pip), or null. */
  version: string | null;
  /** The program that runs (`uv` binary, interpreter running pip), or null for `native`. */
  path: string | null;
  /** Whether `auto`/the configured backend picks it. */
  default: boolean;
  /** What it does, in one sentence. */
  description: string;
}

/** Options for {@linkcode describeBackends}. */
export interface DescribeBackendsOptions {
  /** The configured backend (`auto` = `native`). */
  configured: BackendChoice;
  /** gestvenv's version. */
  gestvenvVersion: string;
  /** Configured uv binary (`uv_path`), else uv on `PATH`. */
  uvPath: string | undefined;
  /** The interpreter whose pip the pip backend runs, or undefined when none was found. */
  python: string | undefined;
}

async function versionOf(program: string, args: string[], pattern: RegExp): Promise<string | null> {
  try {
    const result = await runTool(program, args);
    if (result.code !== 0) return null;
    return pattern.exec(`${result.stdout}\n${result.stderr}`)?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Describes the three backends: `native` is always available; pip when the interpreter has it
 * (`python -m pip --version`); uv when its binary is found (`uv --version`). Runs those two
 * programs (`--allow-run`), in parallel.
 */
export async function describeBackends(
  options: DescribeBackendsOptions,
): Promise<BackendDescription[]> {
  const chosen = options.configured === "auto" ? "native" : options.configured;
  const uv = await findUv(options.uvPath);
  const [pipVersion, uvVersion] = await Promise.all([
    options.python === undefined
      ? null
      : versionOf(options.python, ["-m", "pip", "--version"], /^pip (\S+)/m),
    uv === undefined ? null : versionOf(uv, ["--version"], /^uv (\S+)/m),
  ]);
  return [
    {
      name: "native",
      available: true,
      version: options.gestvenvVersion,
      path: null,
      default: chosen === "native",
      description:
        "gestvenv's own installer: resolves, locks, links wheels from the content-addressed cache",
    },
    {
      name: "pip",
      available: pipVersion !== null,
      version: pipVersion,
      path: options.python ?? null,
      default: chosen === "pip",
      description: "pip installs the files of gestvenv's lock (--no-deps), verified in the cache",
    },
    {
      name: "uv",
      available: uvVersion !== null,
      version: uvVersion,
      path: uv ?? null,
      default: chosen === "uv",
      description: "uv installs the files of gestvenv's lock (--no-deps), verified in the cache",
    },
  ];
}
