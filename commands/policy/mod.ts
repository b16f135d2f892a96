import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { policyApplyCommand } from "./apply.ts";
import { policyCheckCommand } from "./check.ts";
import { policyReportCommand } from "./report.ts";

/** `gestvenv policy apply|check|report`: team policies (issue 12 §3, spec 001). */
export const policyRoutes = buildRouteMap({
  routes: {
    apply: policyApplyCommand,
    check: policyCheckCommand,
    report: policyReportCommand,
  },
  docs: {
    brief: "Team policies: blocked packages, licences, vulnerabilities, pins, Python, sources",
    fullDescription: examples([
      ["gestvenv policy apply team.toml", "check it, then apply it to every environment"],
      ["gestvenv policy check --env web", "web as installed against its policies"],
      ["gestvenv policy report violations", "every environment, by rule"],
    ]) + "\nAn install that breaks a policy is refused before anything changes (exit 1).",
  },
});
