/**
 * `gestvenv audit ...` (vulnerabilities: `security`, the default; `installations`, from the
 * operation log; `db`, the offline database) and `gestvenv security scan|report|update` (spec
 * 001's spellings of the vulnerability audit).
 *
 * @module
 */
import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { auditDbRoutes } from "./db.ts";
import { auditInstallationsCommand } from "./installations.ts";
import {
  auditSecurityCommand,
  securityReportCommand,
  securityScanCommand,
  securityUpdateCommand,
} from "./security.ts";

/** `gestvenv audit ...`. */
export const auditRoutes = buildRouteMap({
  routes: {
    security: auditSecurityCommand,
    installations: auditInstallationsCommand,
    db: auditDbRoutes,
  },
  docs: {
    brief: "Audit known vulnerabilities (the default) or installations; the offline database",
    fullDescription: examples([
      ["gestvenv audit", "vulnerabilities of the active environment (`audit security`)"],
      ["gestvenv audit web --fix", "upgrade `web` to fixed versions"],
      ["gestvenv audit installations --since 30d", "what was installed where"],
      ["gestvenv audit db update", "import OSV's PyPI export for offline audits"],
    ]),
  },
});

/** `gestvenv security scan|report|update`. */
export const securityRoutes = buildRouteMap({
  routes: {
    scan: securityScanCommand,
    report: securityReportCommand,
    update: securityUpdateCommand,
  },
  docs: { brief: "Vulnerability scan, report and fixes (spellings of `gestvenv audit security`)" },
});
