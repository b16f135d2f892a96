import {
  freezeDistributions,
  type InstalledDistribution,
  readInstalledDistributions,
} from "../distribution/mod.ts";
import type {
  Backend,
  BackendCallOptions,
  BackendOutput,
  BackendTarget,
  InstallRequest,
} from "./backend.ts";

/**
 * What pip and `uv pip` have in common: the `install`
 * command lines, and reading installed distributions from the environment's `*.dist-info`
 * (never from the tool's own output). Subclasses say how to run the tool and which index options
 * to pass.
 */
export abstract class PipCliBackend implements Backend {
  abstract readonly name: "pip" | "uv";
  abstract create(target: BackendTarget, seed: boolean, options: BackendCallOptions): Promise<void>;
  abstract uninstall(
    target: BackendTarget,
    names: string[],
    options: BackendCallOptions,
  ): Promise<BackendOutput>;

  /** Runs `<tool> ARGS` for `target`; throws the typed error of a failure. */
  protected abstract run(
    target: BackendTarget,
    args: string[],
    options: BackendCallOptions,
    action: string,
  ): Promise<BackendOutput>;

  /** The index and network options (`--index-url`, `--timeout`, ...) for this tool. */
  protected abstract indexOptions(options: BackendCallOptions): Promise<string[]>;

  async install(
    target: BackendTarget,
    request: InstallRequest,
    options: BackendCallOptions,
  ): Promise<BackendOutput> {
    const args = ["install", ...await this.indexOptions(options)];
    if (request.upgrade) args.push("--upgrade");
    if (request.noDeps) args.push("--no-deps");
    if (request.requireHashes) args.push("--require-hashes");
    if (request.dryRun) args.push("--dry-run");
    for (const file of request.requirementFiles) args.push("-r", file);
    for (const path of request.editables) args.push("-e", path);
    args.push(...request.requirements);
    return await this.run(target, args, options, "install packages");
  }

  async listInstalled(target: BackendTarget): Promise<InstalledDistribution[]> {
    return await readInstalledDistributions(target.layout.sitePackages);
  }

  async freeze(target: BackendTarget): Promise<string[]> {
    return await freezeDistributions(await this.listInstalled(target));
  }
}
