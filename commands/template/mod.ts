import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { templateCreateCommand } from "./create.ts";
import { templateInfoCommand } from "./info.ts";
import { templateListCommand } from "./list.ts";
import { templateRemoveCommand } from "./remove.ts";

/** `gestvenv template ...`: project templates (built-in and the user's). */
export const templateRoutes = buildRouteMap({
  routes: {
    list: templateListCommand,
    info: templateInfoCommand,
    create: templateCreateCommand,
    remove: templateRemoveCommand,
  },
  aliases: { ls: "list", rm: "remove" },
  docs: {
    brief: "Project templates: list them, show one, create and remove your own",
    fullDescription: examples([
      ["gestvenv template list", "built-in and user templates"],
      ["gestvenv template info web", "variables, defaults, files"],
      ["gestvenv template create mon-template --base web", "a template of your own"],
      ["gestvenv template remove mon-template", "delete it"],
      ["gestvenv create-from-template mon-template monapp", "use it"],
    ]),
  },
});
