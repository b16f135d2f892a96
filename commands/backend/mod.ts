import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { backendInfoCommand } from "./info.ts";
import { backendListCommand } from "./list.ts";
import { backendSetCommand } from "./set.ts";

/** `gestvenv backend list|info|set`: the installer backends. */
export const backendRoutes = buildRouteMap({
  routes: { list: backendListCommand, info: backendInfoCommand, set: backendSetCommand },
  docs: {
    brief: "Show the installer backends (native, pip, uv) and choose the default",
    fullDescription: examples([
      ["gestvenv backend list", "each backend, available or not, its version"],
      ["gestvenv backend info uv", "one backend"],
      ["gestvenv backend set pip", "pip applies gestvenv's locks from now on"],
    ]),
  },
});
