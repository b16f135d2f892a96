/**
 * Lifecycle events of an environment: the points where policies, strict-mode audits and hooks
 * look at (and may veto) what an operation is about to do, and learn what it did.
 *
 * They travel on the same {@linkcode EnvironmentContext} as the reporter: the library awaits
 * `ctx.lifecycle` at each point; a front end (the CLI) subscribes one listener composed of its
 * consumers. A `pre-*` listener vetoes by throwing a `GestvenvError`; the operation then stops
 * before it changes anything in the environment (the cache may have gained verified files).
 * A `post-*` listener runs after the change is complete and durable; it should not throw (the
 * change is not undone): a front end records its failures and reports them at the end.
 *
 * @module
 */
import type { EnvironmentContext } from "./context.ts";

/**
 * A lifecycle event name (issue 12 §4; spec 001 "Hooks et événements"):
 * - `pre-create` / `post-create`: before the environment's directory is made / after it is
 *   registered;
 * - `pre-install` / `post-install`: before / after the distributions of an environment change
 *   (install, update, uninstall, sync, a lock applied);
 * - `post-sync`: after a project's environment was synced to its lock;
 * - `pre-delete`: before an environment is deleted;
 * - `post-activate`: after `activate` printed or started the activation.
 */
export type LifecycleEventName =
  | "pre-create"
  | "post-create"
  | "pre-install"
  | "post-install"
  | "post-sync"
  | "pre-delete"
  | "post-activate";

/** Every {@linkcode LifecycleEventName}, in the order an environment meets them. */
export const LIFECYCLE_EVENTS: readonly LifecycleEventName[] = [
  "pre-create",
  "post-create",
  "pre-install",
  "post-install",
  "post-sync",
  "pre-delete",
  "post-activate",
];

/** One distribution an install event changes. */
export interface DistributionChange {
  /** PEP 503 normalized name. */
  name: string;
  /** The version installed before, or null when it was not installed. */
  before: string | null;
  /** The version installed after, or null when it is removed (or a directory without one). */
  after: string | null;
  /**
   * The verified file that will be (was) installed: an absolute path in the package cache (a
   * wheel or an sdist), or null for removals and directories.
   */
  artifact: string | null;
  /** The file's URL (credentials removed) when it came from an index or a URL, else null. */
  url: string | null;
  /** The installed directory (absolute) for directory installs, else null. */
  directory: string | null;
}

/** What a lifecycle listener receives. */
export interface LifecycleEvent {
  /** Which point of the lifecycle. */
  event: LifecycleEventName;
  /** The environment's name. */
  environment: string;
  /** The environment's root (absolute; for `pre-create`, where it will be). */
  path: string;
  /** For `pre-install`/`post-install`/`post-sync`: what changes (empty for no change). */
  changes?: DistributionChange[] | undefined;
  /**
   * For `pre-install`/`post-install`: the environment's top-level requirements after the change
   * (the lock's), when known; policies check `require_pins` on them.
   */
  requirements?: string[] | undefined;
  /**
   * For `pre-create`: the interpreter the environment is made from (a path and its version),
   * when known; policies check `[python] allowed` on it before anything is made.
   */
  python?: { path: string; version: string } | undefined;
  /**
   * The plan of a `--dry-run`, given only to the plan judge (`judgeDryRun`), never to hooks: its
   * files were not fetched (`artifact` is null), so what needs them (licences) is not judged.
   */
  dryRun?: boolean | undefined;
}

/**
 * Receives lifecycle events and resolves when it is done with one. For `pre-*` events, throwing
 * (a `GestvenvError` carrying the exit code) refuses the operation.
 */
export type LifecycleListener = (event: LifecycleEvent) => Promise<void>;

/**
 * Awaits `ctx.lifecycle` for `event` (nothing when no one listens, or in a dry run, which changes
 * nothing and therefore has nothing to announce).
 *
 * @throws whatever a `pre-*` listener throws to refuse the operation.
 */
export async function emitLifecycle(
  ctx: EnvironmentContext,
  event: LifecycleEvent,
): Promise<void> {
  if (ctx.lifecycle === undefined || ctx.dryRun) return;
  await ctx.lifecycle(event);
}

/**
 * In a dry run, hands the plan's `pre-install` event (marked `dryRun: true`; its changes carry no
 * fetched artifact) to `ctx.judgePlan` (policies and strict mode, never hooks), so a plan the real
 * run would refuse is refused the same way. Called on dry-run paths only (the real run emits
 * through {@linkcode emitLifecycle}); nothing when no judge listens.
 *
 * @throws whatever the judge throws to refuse the plan.
 */
export async function judgeDryRun(
  ctx: EnvironmentContext,
  event: LifecycleEvent,
): Promise<void> {
  if (ctx.judgePlan === undefined) return;
  await ctx.judgePlan({ ...event, dryRun: true });
}

/**
 * One listener that calls each of `listeners` in order (for example policies, then hooks), or
 * undefined when there are none.
 */
export function composeLifecycle(
  ...listeners: Array<LifecycleListener | undefined>
): LifecycleListener | undefined {
  const present = listeners.filter((l): l is LifecycleListener => l !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return async (event) => {
    for (const listener of present) await listener(event);
  };
}
