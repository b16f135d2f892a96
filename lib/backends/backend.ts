import type { HttpTimeouts } from "../config/mod.ts";
import type { IndexDecision } from "../index/mod.ts";
import type { InstalledDistribution } from "../distribution/mod.ts";
import type { Interpreter } from "../python/mod.ts";
import type { VirtualenvLayout } from "../virtualenv/mod.ts";

/** The environment a backend acts on. */
export interface BackendTarget {
  /** Paths inside the environment. */
  layout: VirtualenvLayout;
  /** The base interpreter the environment was made from (for pip's `--python` mode). */
  interpreter: Interpreter;
}

/** What to install. */
export interface InstallRequest {
  /** PEP 508 requirement strings (`flask>=3`, `requests[socks]`). */
  requirements: string[];
  /** requirements.txt files (`-r`). */
  requirementFiles: string[];
  /** Local projects to install in editable mode (`-e`). */
  editables: string[];
  /** Upgrade named packages to the newest allowed versions. */
  upgrade: boolean;
  /** Install exactly these, without dependencies (locked installs). */
  noDeps?: boolean;
  /** Refuse any file whose hash is not given in the requirements (`--require-hashes`). */
  requireHashes?: boolean;
  /** Only report what would be installed. */
  dryRun: boolean;
}

/** Options every backend call accepts. */
export interface BackendCallOptions {
  /** The indexes to read, as `decideIndexes` (lib/index) decided them from the settings. */
  index: IndexDecision;
  /** gestvenv's network timeouts. @default the index client's defaults */
  http?: HttpTimeouts | undefined;
  /** Receives each output line of the backend as it is produced (for `--verbose`). */
  onOutput?: ((line: string) => void) | undefined;
  /**
   * Aborted (reason `"SIGINT"`/`"SIGTERM"`) when the user interrupts: the backend process gets
   * the same signal and the call ends with `InterruptedError`.
   */
  signal?: AbortSignal | undefined;
}

/** What a backend call printed, for reports and dry runs. */
export interface BackendOutput {
  /** Combined stdout and stderr text. */
  output: string;
}

/** What every backend does: prepare a new environment, remove distributions, read what is installed. */
export interface BackendBase {
  /** `native` (gestvenv's own installer), `pip` or `uv`. */
  readonly name: "native" | "pip" | "uv";
  /**
   * Prepares a freshly created environment. `seed` is informative: pip is seeded by lib/packages
   * through the resolution and the lock for every backend (hashes and policies checked).
   */
  create(target: BackendTarget, seed: boolean, options: BackendCallOptions): Promise<void>;
  /** Removes distributions (by name) from the environment. */
  uninstall(
    target: BackendTarget,
    names: string[],
    options: BackendCallOptions,
  ): Promise<BackendOutput>;
  /** The installed distributions, read from the environment's `*.dist-info`. */
  listInstalled(target: BackendTarget): Promise<InstalledDistribution[]>;
  /** `pip freeze`-style requirement lines of what is installed. */
  freeze(target: BackendTarget): Promise<string[]>;
}

/**
 * An external installer (pip or uv) used as an adapter: gestvenv resolves and locks, then hands the
 * tool the verified files of the lock (`--no-deps`), so the tool never decides what is installed.
 * Environments are always created natively by gestvenv (PEP 405).
 */
export interface Backend extends BackendBase {
  /** `pip` or `uv`. */
  readonly name: "pip" | "uv";
  /** Installs distributions into the environment. */
  install(
    target: BackendTarget,
    request: InstallRequest,
    options: BackendCallOptions,
  ): Promise<BackendOutput>;
}

/** Any backend: gestvenv's own installer (`native`, installed through `lib/installer`) or a tool. */
export type AnyBackend = Backend | NativeBackendLike;

/** The native backend as the other areas see it (see `NativeBackend`). */
export interface NativeBackendLike extends BackendBase {
  /** Always `native`. */
  readonly name: "native";
}
