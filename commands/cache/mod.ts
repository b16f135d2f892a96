import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { cacheExportCommand } from "./export.ts";
import { cacheImportCommand } from "./import.ts";

/** `gestvenv cache …`: the package cache. */
export const cacheRoutes = buildRouteMap({
  routes: {
    export: cacheExportCommand,
    import: cacheImportCommand,
  },
  docs: {
    brief: "Manage the package cache: export and import bundles",
    fullDescription: examples([
      ["gestvenv cache export cache.tar.zst", "every cached package in one verified bundle"],
      ["gestvenv cache import cache.tar.zst", "add a bundle's packages (offline machine)"],
    ]),
  },
});
