import { buildCommand } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText } from "../_help.ts";
import { VERSION } from "../_version.ts";

interface ServeFlags extends GlobalFlags {
  readonly host?: string;
  readonly port?: number;
}

/** Parses `--port`: an integer from 0 (a free port) to 65535. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new UsageError(`--port ${JSON.stringify(text)} is not a port number`, {
      hint: "Give a number from 1 to 65535, or 0 for a free port",
    });
  }
  return port;
}

/** `gestvenv cache serve`: the cache as a package index for pip, uv and gestvenv. */
export const cacheServeCommand = buildCommand<ServeFlags, [], CliContext>({
  docs: {
    brief: "Serve the package cache as a package index (PEP 503 HTML, PEP 691 JSON, PEP 658)",
    fullDescription: examples([
      ["gestvenv cache serve", "on 127.0.0.1, a free port (the URL is printed)"],
      ["gestvenv cache serve --port 8080", "a fixed port"],
      ["gestvenv cache serve --host 0.0.0.0 --port 8080", "for the team (no authentication!)"],
      ["pip install --index-url http://127.0.0.1:8080/simple/ flask", "a client"],
      ["gestvenv create web --packages flask --index-url http://host:8080/simple/", "another"],
    ]) +
      "\nIt serves what the cache holds when asked (artifacts added while it runs appear at once)," +
      "\nread-only: GET and HEAD only. Stop it with Ctrl-C.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      host: optionalText("Address to listen on (default: 127.0.0.1, this machine only)", "address"),
      port: {
        kind: "parsed",
        parse: parsePort,
        brief: "Port (default: 0, a free one)",
        placeholder: "port",
        optional: true,
      },
    },
    aliases: { ...GLOBAL_ALIASES },
  },
  func: action("cache serve", async (ctx, flags: ServeFlags) => {
    const { openCache } = await import("../../lib/cache/mod.ts");
    const { isLoopback, serveCache } = await import("../../lib/serve/mod.ts");
    const host = flags.host ?? "127.0.0.1";
    const port = flags.port ?? 0;
    if (!isLoopback(host)) {
      ctx.printer.warn(
        `Listening on ${host}: anyone who can reach this address can download every package in ` +
          "the cache (no authentication, no TLS); use it on a trusted network only",
      );
    }
    if (ctx.dryRun) {
      ctx.printer.info(
        `Would serve the cache ${ctx.home.cacheDir} on ${host}:${
          port === 0 ? "<free port>" : port
        }`,
      );
      return;
    }
    const cache = await openCache(ctx.home.cacheDir);
    try {
      const server = serveCache(cache, {
        hostname: host,
        port,
        version: VERSION,
        onRequest: ctx.printer.verbose
          ? (r) => ctx.printer.raw(`${r.method} ${r.path} ${r.status} ${r.ms} ms`)
          : undefined,
        onError: (error) =>
          ctx.printer.warn(`A request failed: ${error instanceof Error ? error.message : error}`),
      });
      const artifacts = (await cache.list()).length;
      const line = `Serving ${artifacts} artifact${artifacts === 1 ? "" : "s"} from ` +
        `${ctx.home.cacheDir} at ${server.url}`;
      if (ctx.printer.quiet) ctx.printer.raw(server.url);
      else {
        ctx.printer.info(line);
        ctx.printer.info(`  pip install --index-url ${server.url} PACKAGE`);
        ctx.printer.info("Press Ctrl-C to stop");
      }
      const signals: Deno.Signal[] = Deno.build.os === "windows"
        ? ["SIGINT"]
        : ["SIGINT", "SIGTERM"];
      let stop: (signal: Deno.Signal) => void = () => {};
      const stopped = new Promise<Deno.Signal>((resolve) => stop = resolve);
      const handlers = signals.map((signal) => {
        const handler = () => stop(signal);
        Deno.addSignalListener(signal, handler);
        return [signal, handler] as const;
      });
      const signal = await Promise.race([stopped, server.finished.then(() => undefined)]);
      for (const [s, handler] of handlers) Deno.removeSignalListener(s, handler);
      if (signal !== undefined) ctx.printer.info(`Stopping (${signal})`);
      if (signal !== undefined) await server.close();
    } finally {
      cache.close();
    }
  }, { effect: "reads" }),
});
