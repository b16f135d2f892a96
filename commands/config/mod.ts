import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { configGetCommand } from "./get.ts";
import { configInitCommand } from "./init.ts";
import { configSetCommand } from "./set.ts";
import { configShowCommand } from "./show.ts";
import { configUnsetCommand } from "./unset.ts";
import { configSetEnvCommand, configUnsetEnvCommand } from "./set_env.ts";
import { configShowEnvCommand } from "./show_env.ts";
import { configBackupCommand } from "./backup.ts";
import { configRestoreCommand } from "./restore.ts";
import { configResetCommand } from "./reset.ts";

/**
 * `gestvenv config init|show|get|set|unset`: the user configuration file;
 * `set-env|unset-env|show-env`: an environment's own settings; `backup|restore|reset`: the
 * configuration files as a whole.
 */
export const configRoutes = buildRouteMap({
  routes: {
    init: configInitCommand,
    show: configShowCommand,
    get: configGetCommand,
    set: configSetCommand,
    unset: configUnsetCommand,
    "set-env": configSetEnvCommand,
    "unset-env": configUnsetEnvCommand,
    "show-env": configShowEnvCommand,
    backup: configBackupCommand,
    restore: configRestoreCommand,
    reset: configResetCommand,
  },
  docs: {
    brief: "Read and change the configuration (~/.gestvenv/config.toml)",
    fullDescription: examples([
      ["gestvenv config show", "every key with its value"],
      ["gestvenv config set backend uv", "prefer uv"],
      ['gestvenv config set extra_index_urls "https://a/simple https://b/simple"', "a list"],
      ["gestvenv config unset backend", "back to the default"],
      ["gestvenv config set-env web auto_sync true", "one environment's own setting"],
      ["gestvenv config backup", "config, profiles and policies in one file"],
    ]) + "\nCredentials in index URLs (`https://user:token@host/simple`) stay in the file and are" +
      "\nnever printed: `show`, `get` and `set` write `https://host/simple`.",
  },
});
