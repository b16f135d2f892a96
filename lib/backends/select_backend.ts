import type { BackendChoice } from "../config/mod.ts";
import { BackendError } from "../errors/mod.ts";
import { findExecutable } from "../paths/mod.ts";
import type { Backend } from "./backend.ts";
import { PipBackend } from "./pip_backend.ts";
import { UvBackend } from "./uv_backend.ts";

/** Looks for `uv` in the configured path, then on `PATH`. Requires `--allow-read`, `--allow-env`. */
export async function findUv(configured: string | undefined): Promise<string | undefined> {
  return configured ?? await findExecutable("uv");
}

/** The backend names gestvenv knows. */
export const BACKEND_NAMES = ["auto", "pip", "uv"] as const;

/**
 * Picks the backend: `pip` or `uv` as asked, or for `auto` uv when a uv binary is found (configured
 * with `uv_path`/`GESTVENV_UV`, or on `PATH`) and pip otherwise.
 *
 * @throws {BackendError} When `uv` is asked for and no uv binary is found.
 */
export async function selectBackend(
  choice: BackendChoice,
  uvPath: string | undefined,
): Promise<Backend> {
  if (choice === "pip") return new PipBackend();
  const uv = await findUv(uvPath);
  if (uv !== undefined) return new UvBackend(uv);
  if (choice === "uv") {
    throw new BackendError("The uv backend was requested but no uv binary was found", {
      hint:
        "Install uv (e.g. `pipx install uv`), set `gestvenv config set uv_path /path/to/uv`, or use `--backend pip`",
    });
  }
  return new PipBackend();
}
