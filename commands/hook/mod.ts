import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { hookAddCommand } from "./add.ts";
import { hookListCommand } from "./list.ts";
import { hookRemoveCommand } from "./remove.ts";
import { hookTrustCommand } from "./trust.ts";

/** `gestvenv hook add|list|remove|trust` (issue 12 §4; spec 001 "Hooks et événements"). */
export const hookRoutes = buildRouteMap({
  routes: {
    add: hookAddCommand,
    list: hookListCommand,
    remove: hookRemoveCommand,
    trust: hookTrustCommand,
  },
  docs: {
    brief: "Commands run at environment events (create, install, sync, delete, activate, run)",
    fullDescription: examples([
      ["gestvenv hook add post-create ./scripts/setup-env.sh", "a global hook"],
      ["gestvenv hook list", "every hook with its id"],
      ["gestvenv hook remove g1a2b3c", "by id"],
      ["gestvenv hook trust", "let this project's hooks run"],
    ]),
  },
});
