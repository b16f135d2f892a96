import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { cacheAddCommand } from "./add.ts";
import { cacheCheckOfflineCommand } from "./check_offline.ts";
import { cacheCleanCommand } from "./clean.ts";
import { cacheExportCommand } from "./export.ts";
import { cacheImportCommand } from "./import.ts";
import { cacheInfoCommand } from "./info.ts";
import { cacheListCommand } from "./list.ts";
import { cachePublishCommand } from "./publish.ts";
import { cacheRemoveCommand } from "./remove.ts";
import { cacheServeCommand } from "./serve.ts";
import { cacheStatsCommand } from "./stats.ts";
import { cacheSyncCommand } from "./sync.ts";
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
    serve: cacheServeCommand,
    sync: cacheSyncCommand,
    publish: cachePublishCommand,
    export: cacheExportCommand,
    import: cacheImportCommand,
  },
  aliases: { check: "check-offline" },
  docs: {
    brief:
      "The package cache: fill it for offline use, inspect, verify and clean it, serve, share and bundle it",
    fullDescription: examples([
      ["gestvenv cache info", "where the cache is and what it holds"],
      ["gestvenv cache add -r requirements.txt", "download without installing"],
      ["gestvenv cache check-offline -r requirements.txt", "would an offline install work?"],
      ["gestvenv cache list --filter numpy --sizes", "cached versions of a project"],
      ["gestvenv cache stats", "hits, misses and bytes saved"],
      ["gestvenv cache clean --older-than 30 --dry-run", "what a clean would remove"],
      ["gestvenv cache verify --fix", "re-hash everything, remove what is corrupt"],
      ["gestvenv cache serve --port 8080", "the cache as an index for pip, uv, gestvenv"],
      ["gestvenv cache sync --from http://host:8080/simple/", "pull another machine's cache"],
      ["gestvenv cache publish --to http://127.0.0.1:8080/", "upload to a pypiserver"],
      ["gestvenv cache export cache.tar.zst", "every cached package in one verified bundle"],
      ["gestvenv cache import cache.tar.zst", "add a bundle's packages (offline machine)"],
    ]),
  },
});
