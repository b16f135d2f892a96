import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText } from "../_help.ts";
import { parsePort } from "../cache/serve.ts";

interface ExportFlags extends GlobalFlags {
  readonly host?: string;
  readonly port?: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** `gestvenv monitor export prometheus [--port N [--host 127.0.0.1]]`. */
export const monitorExportPrometheusCommand = buildCommand<ExportFlags, [], CliContext>({
  docs: {
    brief: "Print the Prometheus text exposition of gestvenv's figures, or serve it on /metrics",
    fullDescription: examples([
      ["gestvenv monitor export prometheus", "print it (node_exporter's textfile collector)"],
      ["gestvenv monitor export prometheus --port 9090", "serve http://127.0.0.1:9090/metrics"],
    ]) +
      "\nEnvironments by the last check's health, the cache's size and hit rate, operations and" +
      "\ntheir durations by command (the whole operation log: the figures of `stats` over it)," +
      "\nvulnerabilities by severity and the last check's time and result. Ctrl-C stops serving.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      host: optionalText("Address to serve on (default 127.0.0.1)", "address"),
      port: {
        kind: "parsed",
        parse: parsePort,
        brief: "Serve /metrics on this port (0: a free one) until Ctrl-C",
        placeholder: "port",
        optional: true,
      },
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("monitor export prometheus", async (ctx, flags: ExportFlags) => {
    const { collectMetrics, PROMETHEUS_CONTENT_TYPE, prometheusText } = await import(
      "../../lib/monitor/mod.ts"
    );
    const format = formatFor(ctx, ["table", "json"], "table");
    const env = ctx.environments();
    if (flags.port === undefined) {
      if (flags.host !== undefined) {
        const { UsageError } = await import("../../lib/errors/mod.ts");
        throw new UsageError("--host needs --port", { hint: "Add --port 9090" });
      }
      ctx.printer.data(prometheusText(await collectMetrics(env)).trimEnd());
      return;
    }
    const host = flags.host ?? "127.0.0.1";
    if (!LOOPBACK.has(host)) {
      ctx.printer.warn(
        `Serving on ${host}: anyone who can reach it can read these figures (no authentication)`,
      );
    }
    const server = Deno.serve(
      { hostname: host, port: flags.port, onListen() {} },
      async (request) => {
        const path = new URL(request.url).pathname;
        if (path !== "/metrics") return new Response("Not found: try /metrics\n", { status: 404 });
        if (request.method !== "GET" && request.method !== "HEAD") {
          return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET" } });
        }
        try {
          const text = prometheusText(await collectMetrics(env));
          return new Response(request.method === "HEAD" ? null : text, {
            headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" },
          });
        } catch (error) {
          ctx.printer.warn(`/metrics failed: ${error instanceof Error ? error.message : error}`);
          return new Response("gestvenv could not collect the figures\n", { status: 500 });
        }
      },
    );
    const shown = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
    const url = `http://${shown}:${server.addr.port}/metrics`;
    if (format === "json") ctx.printer.json("monitor export prometheus", { url });
    else ctx.printer.info(`Serving ${url} (Ctrl-C to stop)`);
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    let stop: (signal: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => stop = resolve);
    const handlers = signals.map((signal) => {
      const handler = () => stop(signal);
      Deno.addSignalListener(signal, handler);
      return [signal, handler] as const;
    });
    const onAbort = () => stop("cancelled");
    ctx.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const why = await stopped;
      ctx.printer.info(`Stopping (${why})`);
    } finally {
      for (const [s, handler] of handlers) Deno.removeSignalListener(s, handler);
      ctx.signal?.removeEventListener("abort", onAbort);
      await server.shutdown();
    }
  }, { effect: "reads" }),
});
