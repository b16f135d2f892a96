import type { BackendChoice } from "../config/mod.ts";
import { BackendError } from "../errors/mod.ts";
import { findExecutable } from "../paths/mod.ts";
import type { AnyBackend } from "./backend.ts";

/** Looks for `uv` in the configured path, then on `PATH`. Requires `--allow-read`, `--allow-env`. */
export async function findUv(configured: string | undefined): Promise<string | undefined> {
  return configured ?? await findExecutable("uv");
}

/** The backend names gestvenv knows. */
export const BACKEND_NAMES = ["auto", "native", "pip", "uv"] as const;

/**
 * Picks the backend: `native` (gestvenv's own installer; also what `auto` means), or `pip` or `uv`
 * as asked (uv's binary is configured with `uv_path`/`GESTVENV_UV`, or found on `PATH`).
 *
 * @throws {BackendError} When `uv` is asked for and no uv binary is found.
 */
export async function selectBackend(
  choice: BackendChoice,
  uvPath: string | undefined,
): Promise<AnyBackend> {
  // Each backend is loaded when chosen (start-up time: most commands need one or none).
  if (choice === "auto" || choice === "native") {
    return new (await import("./native_backend.ts")).NativeBackend();
  }
  if (choice === "pip") return new (await import("./pip_backend.ts")).PipBackend();
  const uv = await findUv(uvPath);
  if (uv !== undefined) return new (await import("./uv_backend.ts")).UvBackend(uv);
  throw new BackendError("The uv backend was requested but no uv binary was found", {
    hint:
      "Install uv (e.g. `pipx install uv`), set `gestvenv config set uv_path /path/to/uv`, or use the default `--backend native`",
  });
}
