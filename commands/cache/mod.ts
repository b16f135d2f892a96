import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { cachePublishCommand } from "./publish.ts";
import { cacheServeCommand } from "./serve.ts";
import { cacheSyncCommand } from "./sync.ts";

/** `gestvenv cache ...`: the package cache. */
export const cacheRoutes = buildRouteMap({
  routes: {
    serve: cacheServeCommand,
    sync: cacheSyncCommand,
    publish: cachePublishCommand,
  },
  docs: {
    brief: "Manage the package cache: serve it, sync it from an index, publish it to one",
    fullDescription: examples([
      ["gestvenv cache serve --port 8080", "the cache as an index for pip, uv, gestvenv"],
      ["gestvenv cache sync --from http://host:8080/simple/", "pull another machine's cache"],
      ["gestvenv cache publish --to http://127.0.0.1:8080/", "upload to a pypiserver"],
    ]),
  },
});
