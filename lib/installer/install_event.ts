/**
 * Events the installer reports while it works (for progress, logs and warnings).
 *
 * @module
 */
import type { LinkMode } from "./link.ts";

/**
 * One step of an install:
 * - `fetched`: a wheel to install is unpacked in the cache and ready;
 * - `installed` / `removed`: a distribution was installed or uninstalled;
 * - `link-mode`: the link mode was decided on the first file, with a warning when the requested
 *   one did not work (e.g. hard links across filesystems);
 * - `overwritten`: a file was already at `path` (another distribution's, or a stray one) and was
 *   replaced, as pip does.
 */
export type InstallEvent =
  | { kind: "fetched" | "installed" | "removed"; name: string; version: string }
  | { kind: "link-mode"; mode: LinkMode; warning?: string }
  | { kind: "overwritten"; name: string; version: string; path: string };
