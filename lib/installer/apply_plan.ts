/**
 * Applying an install plan to an environment: fetch the wheels, record the plan in the
 * environment, remove, install in parallel, byte-compile, clear the record. An interrupted apply
 * leaves the record, so the next run knows to repair (see {@linkcode readPendingInstall}).
 *
 * @module
 */
import type { UnpackedWheel } from "../cache/mod.ts";
import type { InstalledDistribution } from "../distribution/mod.ts";
import { throwIfInterrupted } from "../errors/mod.ts";
import { type SpanEvents, withSpan } from "../events/mod.ts";
import { atomicWriteFile, failpoint } from "../fs/mod.ts";
import { normalizeName } from "../names/mod.ts";
import { join } from "../paths/mod.ts";
import { compileBytecode } from "./compile_bytecode.ts";
import type { InstallEvent } from "./install_event.ts";
import type { InstallTarget } from "./install_target.ts";
import { installWheelWithFiles } from "./install_wheel.ts";
import { defaultLinkMode, Linker, type LinkMode } from "./link.ts";
import { mapLimit } from "./pool.ts";
import { type DesiredDistribution, type InstallPlan, isNoopPlan } from "./plan.ts";
import { uninstallDistribution } from "./uninstall.ts";

/** The file in the environment root that records an install in progress. */
export const PENDING_INSTALL_FILE = ".gestvenv-install.json";

/** An install in progress (or interrupted), as recorded in the environment. */
export interface PendingInstall {
  /** Format version of the file. */
  format: 1;
  /** The process that wrote it. */
  pid: number;
  /** When it started, ISO 8601. */
  started: string;
  /** Distributions the plan removes. */
  remove: Array<{ name: string; version: string; dist_info: string }>;
  /** Distributions the plan installs. */
  install: Array<{ name: string; version: string; requested: boolean }>;
}

/** Options for {@linkcode applyPlan}. */
export interface ApplyOptions {
  /** Link mode to try first. @default {@linkcode defaultLinkMode} */
  linkMode?: LinkMode | undefined;
  /** Byte-compile the installed `.py` files in one Python process. @default false */
  compile?: boolean;
  /** Aborted by SIGINT/SIGTERM: stops between steps (the record stays for the next run). */
  signal?: AbortSignal | undefined;
  /** Wheels installed (and distributions removed) at once. @default the CPU count */
  concurrency?: number;
  /** Receives progress and warnings. */
  onEvent?: (event: InstallEvent) => void;
  /** The `INSTALLER` file's content. @default "gestvenv" */
  installer?: string;
  /** Receives a `link` span per installed wheel and a `compile` span. */
  events?: SpanEvents | undefined;
}

/** What {@linkcode applyPlan} did. */
export interface ApplyResult {
  /** Distributions installed, sorted by name. */
  installed: InstalledDistribution[];
  /** Distributions removed (not desired, or replaced), sorted by name. */
  removed: InstalledDistribution[];
  /** The link mode used, or null when nothing was installed. */
  linkMode: LinkMode | null;
}

function pendingPath(target: InstallTarget): string {
  return join(target.layout.root, PENDING_INSTALL_FILE);
}

/**
 * Reads the record of an install that did not finish in `target` (written by
 * {@linkcode applyPlan} before it changes anything, removed when it is done), or null when there
 * is none. An unreadable record reads as one with empty lists. Requires `--allow-read`.
 */
export async function readPendingInstall(target: InstallTarget): Promise<PendingInstall | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(pendingPath(target));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    const data = JSON.parse(text) as PendingInstall;
    if (data.format === 1 && Array.isArray(data.remove) && Array.isArray(data.install)) return data;
  } catch {
    // Fall through: the file is there, so an install was interrupted.
  }
  return { format: 1, pid: 0, started: "", remove: [], install: [] };
}

/**
 * The normalized names to pass as `reinstall` to `planInstall` when repairing after an
 * interrupted apply: a distribution whose uninstall was cut short still has its RECORD (removed
 * last) and would otherwise be kept at the same version with files missing.
 */
export function namesToRepair(pending: PendingInstall | null): Set<string> {
  const names = new Set<string>();
  for (const d of pending?.remove ?? []) names.add(normalizeName(d.name));
  for (const d of pending?.install ?? []) names.add(normalizeName(d.name));
  return names;
}

/**
 * Applies `plan` to `target`:
 * 1. fetches every wheel to install through `fetch` (all at once; emits `fetched`); a fetch
 *    failure changes nothing in the environment;
 * 2. records the plan in `<env>/.gestvenv-install.json` (atomic write; failpoint
 *    `installer.after_record`);
 * 3. uninstalls `plan.remove` (in parallel; `removed` events; failpoint `installer.after_remove`);
 * 4. installs the wheels in parallel (at most `concurrency`), sharing one link-mode decision
 *    (`link-mode`, `overwritten` and `installed` events; failpoint `installer.after_install`
 *    after each wheel);
 * 5. removes the record, then byte-compiles the installed modules when `compile` is set.
 *
 * A plan that changes nothing touches nothing: no file is written and `fetch` is never called.
 * When interrupted (a crash, Ctrl-C, a failure) after step 2, the record stays: run the install
 * again with {@linkcode namesToRepair}`(await readPendingInstall(target))` as `reinstall`.
 * Requires `--allow-read`, `--allow-write` (and `--allow-run` for `compile` and the clone check).
 *
 * @throws {DistributionError} For a wheel that breaks the binary distribution format spec.
 * @throws {OperationError} For filesystem failures (`install_failed`, `link_failed`) and a missing
 *   RECORD on uninstall (`record_missing`).
 * @throws {InterruptedError} When `signal` was aborted by SIGINT/SIGTERM.
 */
export async function applyPlan<S>(
  target: InstallTarget,
  plan: InstallPlan<S>,
  fetch: (desired: DesiredDistribution<S>) => Promise<UnpackedWheel>,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  if (isNoopPlan(plan)) return { installed: [], removed: [], linkMode: null };
  const { signal } = options;
  const onEvent = options.onEvent ?? (() => {});
  const concurrency = Math.max(1, options.concurrency ?? navigator.hardwareConcurrency ?? 4);
  throwIfInterrupted(signal);

  const wheels = await mapLimit(plan.install, Math.max(1, plan.install.length), async (item) => {
    throwIfInterrupted(signal);
    const wheel = await fetch(item.desired);
    onEvent({ kind: "fetched", name: item.desired.name, version: item.desired.version });
    return wheel;
  });
  throwIfInterrupted(signal);

  const pending: PendingInstall = {
    format: 1,
    pid: Deno.pid,
    started: new Date().toISOString(),
    remove: plan.remove.map((d) => ({ name: d.name, version: d.version, dist_info: d.dist_info })),
    install: plan.install.map(({ desired }) => ({
      name: desired.name,
      version: desired.version,
      requested: desired.requested,
    })),
  };
  await atomicWriteFile(pendingPath(target), JSON.stringify(pending, null, 2) + "\n");
  await failpoint("installer.after_record");

  await mapLimit(plan.remove, concurrency, async (dist) => {
    throwIfInterrupted(signal);
    await uninstallDistribution(target, dist);
    onEvent({ kind: "removed", name: dist.name, version: dist.version });
  });
  await failpoint("installer.after_remove");

  const linker = new Linker(options.linkMode ?? defaultLinkMode(), onEvent);
  const results = await mapLimit(plan.install, concurrency, async ({ desired }, i) => {
    throwIfInterrupted(signal);
    const result = await withSpan(
      options.events,
      "link",
      desired.name,
      () =>
        installWheelWithFiles(target, wheels[i]!, {
          linkMode: options.linkMode ?? defaultLinkMode(),
          requested: desired.requested,
          directUrl: desired.directUrl ?? null,
          linker,
          onEvent,
          ...(options.installer === undefined ? {} : { installer: options.installer }),
        }),
    );
    onEvent({ kind: "installed", name: desired.name, version: desired.version });
    await failpoint("installer.after_install");
    return result;
  });

  // Interrupted during the last install: stop here, the record stays for the next run.
  throwIfInterrupted(signal);
  await Deno.remove(pendingPath(target)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  if (options.compile) {
    await withSpan(
      options.events,
      "compile",
      undefined,
      () => compileBytecode(target.layout.python, results.flatMap((r) => r.pythonFiles), signal),
    );
  }
  return {
    installed: results.map((r) => r.distribution),
    removed: [...plan.remove],
    linkMode: linker.mode,
  };
}
