import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { profileActivateCommand } from "./activate.ts";
import { profileApplyCommand } from "./apply.ts";
import { profileCreateCommand } from "./create.ts";
import { profileExportCommand } from "./export.ts";
import { profileListCommand } from "./list.ts";
import { profileRunCommand } from "./run.ts";
import { profileShowCommand } from "./show.ts";

/** The configuration-profile commands (the profiler is `run`). */
export const PROFILE_CONFIG_ROUTES: ReadonlySet<string> = new Set([
  "activate",
  "list",
  "show",
  "create",
  "apply",
  "export",
]);

/**
 * `gestvenv profile activate|list|show|create|apply|export`: configuration profiles (spec 001);
 * `profile run COMMAND...` (or `profile COMMAND...`): where a command's time goes.
 */
export const profileRoutes = buildRouteMap({
  routes: {
    run: profileRunCommand,
    activate: profileActivateCommand,
    list: profileListCommand,
    show: profileShowCommand,
    create: profileCreateCommand,
    apply: profileApplyCommand,
    export: profileExportCommand,
  },
  docs: {
    brief: "Configuration profiles (dev, prod, secure, fast, yours); `profile run` times a command",
    fullDescription: examples([
      ["gestvenv profile list", "the profiles, and which is active"],
      ["gestvenv profile activate dev", "use `dev` from now on"],
      ["gestvenv profile run install web flask", "where an install's time goes"],
    ]) +
      "\n`gestvenv profile COMMAND...` with any other first word profiles COMMAND, as `profile run`.",
  },
});
