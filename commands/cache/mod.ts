import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { cacheAddCommand } from "./add.ts";
import { cacheCheckOfflineCommand } from "./check_offline.ts";
import { cacheCleanCommand } from "./clean.ts";
import { cacheInfoCommand } from "./info.ts";
import { cacheListCommand } from "./list.ts";
import { cacheRemoveCommand } from "./remove.ts";
import { cacheStatsCommand } from "./stats.ts";
import { cacheHealthCheckCommand, cacheVerifyCommand } from "./verify.ts";

/** `gestvenv cache ...`: the package cache. */
export const cacheRoutes = buildRouteMap({
  routes: {
    info: cacheInfoCommand,
    stats: cacheStatsCommand,
    list: cacheListCommand,
    add: cacheAddCommand,
    "check-offline": cacheCheckOfflineCommand,
    remove: cacheRemoveCommand,
    clean: cacheCleanCommand,
    verify: cacheVerifyCommand,
    "health-check": cacheHealthCheckCommand,
  },
  aliases: { check: "check-offline" },
  docs: {
    brief: "The package cache: fill it for offline use, inspect, verify and clean it",
    fullDescription: examples([
      ["gestvenv cache info", "where the cache is and what it holds"],
      ["gestvenv cache add -r requirements.txt", "download without installing"],
      ["gestvenv cache check-offline -r requirements.txt", "would an offline install work?"],
      ["gestvenv cache list --filter numpy --sizes", "cached versions of a project"],
      ["gestvenv cache stats", "hits, misses and bytes saved"],
      ["gestvenv cache clean --older-than 30 --dry-run", "what a clean would remove"],
      ["gestvenv cache verify --fix", "re-hash everything, remove what is corrupt"],
    ]),
  },
});
