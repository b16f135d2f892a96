import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { cacheAddCommand } from "./add.ts";
import { cacheCheckOfflineCommand } from "./check_offline.ts";

/** `gestvenv cache ...`: the package cache. */
export const cacheRoutes = buildRouteMap({
  routes: { add: cacheAddCommand, "check-offline": cacheCheckOfflineCommand },
  aliases: { check: "check-offline" },
  docs: {
    brief: "Manage the package cache: fill it for offline use and check it",
    fullDescription: examples([
      ["gestvenv cache add -r requirements.txt", "download without installing"],
      ["gestvenv cache check-offline -r requirements.txt", "would an offline install work?"],
    ]),
  },
});
