import {
  freezeDistributions,
  type InstalledDistribution,
  readInstalledDistributions,
} from "../distribution/mod.ts";
import { PackageNotFoundError } from "../errors/mod.ts";
import { uninstallDistribution } from "../installer/mod.ts";
import { normalizeName } from "../names/mod.ts";
import type {
  BackendCallOptions,
  BackendOutput,
  BackendTarget,
  NativeBackendLike,
} from "./backend.ts";

/**
 * The `X.Y` of the interpreter behind `target`, which names its site-packages
 * (`lib/pythonX.Y/site-packages`).
 */
export function targetPythonVersion(target: BackendTarget): string {
  const [major, minor] = target.interpreter.info.version.split(".");
  return `${major}.${minor}`;
}

/**
 * gestvenv's own backend: nothing external runs. Installing goes through `lib/installer` (a lock's
 * wheels from the content-addressed cache, linked into the environment; see `lib/packages`);
 * this object covers the rest: preparing a new environment (nothing to do: pip is seeded through
 * the installer), uninstalling by RECORD, and reading what is installed.
 */
export class NativeBackend implements NativeBackendLike {
  /** Always `native`. */
  readonly name = "native" as const;

  /** Nothing to prepare: the environment is complete as created (seeding pip is an install). */
  create(_target: BackendTarget, _seed: boolean, _options: BackendCallOptions): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Uninstalls each named distribution by its RECORD (binary distribution format spec;
   * `lib/installer`'s `uninstallDistribution`).
   *
   * @throws {PackageNotFoundError} When a name is not installed.
   * @throws {OperationError} `record_missing` when a distribution has no RECORD.
   */
  async uninstall(
    target: BackendTarget,
    names: string[],
    _options: BackendCallOptions,
  ): Promise<BackendOutput> {
    const installed = new Map(
      (await this.listInstalled(target)).map((d) => [d.normalized_name, d]),
    );
    const lines: string[] = [];
    for (const name of names) {
      const dist = installed.get(normalizeName(name));
      if (dist === undefined) {
        throw new PackageNotFoundError(`\`${name}\` is not installed in ${target.layout.root}`);
      }
      await uninstallDistribution(
        { layout: target.layout, pythonVersion: targetPythonVersion(target) },
        dist,
      );
      lines.push(`Uninstalled ${dist.name} ${dist.version}`);
    }
    return { output: lines.join("\n") };
  }

  /** The installed distributions, read from the environment's `*.dist-info`. */
  async listInstalled(target: BackendTarget): Promise<InstalledDistribution[]> {
    return await readInstalledDistributions(target.layout.sitePackages);
  }

  /** `pip freeze`-style lines of what is installed. */
  async freeze(target: BackendTarget): Promise<string[]> {
    return await freezeDistributions(await this.listInstalled(target));
  }
}
