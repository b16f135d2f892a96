import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { idePycharmCommand } from "./pycharm.ts";
import { ideStatusCommand } from "./status.ts";
import { ideVscodeCommand } from "./vscode.ts";

/** `gestvenv ide vscode|pycharm|status` (issue 13 §3; spec 001 "Intégration IDE"). */
export const ideRoutes = buildRouteMap({
  routes: { vscode: ideVscodeCommand, pycharm: idePycharmCommand, status: ideStatusCommand },
  docs: {
    brief: "Point editors (VS Code, PyCharm) at an environment, and see what they point at",
    fullDescription: examples([
      ["gestvenv ide vscode web", "write .vscode/settings.json (comments kept)"],
      ["gestvenv ide pycharm web", "the interpreter path, and .idea/misc.xml"],
      ["gestvenv ide status", "what each editor file points at; stale ones"],
    ]),
  },
});
