import { buildRouteMap } from "npm:@stricli/core@1.3.0";
import { examples } from "../_help.ts";
import { monitorAlertEmailCommand } from "./alert_email.ts";
import { monitorAlertListCommand } from "./alert_list.ts";
import { monitorAlertRemoveCommand } from "./alert_remove.ts";
import { monitorAlertSlackCommand } from "./alert_slack.ts";
import { monitorAlertTestCommand } from "./alert_test.ts";
import { monitorAlertWebhookCommand } from "./alert_webhook.ts";
import { monitorExportPrometheusCommand } from "./export_prometheus.ts";
import { monitorStartCommand } from "./start.ts";
import { monitorStatusCommand } from "./status.ts";
import { monitorStopCommand } from "./stop.ts";

/** `gestvenv monitor alert slack|email|webhook|list|remove|test`. */
const alertRoutes = buildRouteMap({
  routes: {
    slack: monitorAlertSlackCommand,
    email: monitorAlertEmailCommand,
    webhook: monitorAlertWebhookCommand,
    list: monitorAlertListCommand,
    remove: monitorAlertRemoveCommand,
    test: monitorAlertTestCommand,
  },
  docs: {
    brief: "Where the scheduled check's alerts go: Slack, email, a webhook",
    fullDescription: examples([
      ["gestvenv monitor alert slack --webhook-url https://hooks.slack.com/services/…", "Slack"],
      ["gestvenv monitor alert email --smtp-config smtp.json", "email (STARTTLS)"],
      ["gestvenv monitor alert webhook --url https://alerts.example.com/hook", "any receiver"],
      ["gestvenv monitor alert test", "send a test alert to each"],
    ]),
  },
});

/** `gestvenv monitor export prometheus`. */
const exportRoutes = buildRouteMap({
  routes: { prometheus: monitorExportPrometheusCommand },
  docs: { brief: "Export gestvenv's figures for a monitoring system (Prometheus)" },
});

/** `gestvenv monitor start|stop|status|export|alert` (issue 13 §2). */
export const monitorRoutes = buildRouteMap({
  routes: {
    start: monitorStartCommand,
    stop: monitorStopCommand,
    status: monitorStatusCommand,
    export: exportRoutes,
    alert: alertRoutes,
  },
  docs: {
    brief: "Scheduled health checks, alerts and Prometheus metrics",
    fullDescription: examples([
      ["gestvenv monitor start --interval 1h", "schedule `health-check --alert-on-issues`"],
      ["gestvenv monitor alert slack --webhook-url URL", "where alerts go"],
      ["gestvenv monitor status", "what is scheduled and the last result"],
      ["gestvenv monitor export prometheus --port 9090", "metrics on /metrics"],
      ["gestvenv monitor stop", "remove the schedule"],
    ]),
  },
});
