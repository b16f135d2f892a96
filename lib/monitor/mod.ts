/**
 * Monitoring (issue 13 §2): the Prometheus text exposition of gestvenv's figures, the scheduled
 * health check installed into the user's scheduler (systemd user timer, cron, launchd, Task
 * Scheduler; no daemon of ours), the last check's result (`<home>/monitor/last_check.json`), the
 * alert channels (`alerts.json`) and alerting at most once per finding (`alerted.json`).
 *
 * @module
 */
export * from "./monitor_files.ts";
export * from "./last_check.ts";
export * from "./check_findings.ts";
export * from "./alert_channels.ts";
export * from "./deliver_alerts.ts";
export * from "./prometheus.ts";
export * from "./collect_metrics.ts";
export * from "./schedule_interval.ts";
export * from "./scheduler_texts.ts";
export * from "./scheduler.ts";
