/**
 * `gestvenv dashboard serve`: the local web dashboard (issue 13 §1). The server lives in
 * lib/dashboard; this command runs it with `runInProcess` as its command runner, prints the URL
 * (with its token) and stops it on SIGINT/SIGTERM.
 *
 * @module
 */
import { buildCommand, buildRouteMap } from "npm:@stricli/core@1.3.0";
import { UsageError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples, optionalText, toggle } from "./_help.ts";
import { captureTerminal } from "./_terminal.ts";
import { VERSION } from "./_version.ts";

interface ServeFlags extends GlobalFlags {
  readonly host?: string;
  readonly port?: string;
  readonly open?: boolean;
  readonly readOnly?: boolean;
}

/** The warning printed when the dashboard binds to a non-loopback address. */
export function exposedWarning(host: string): string {
  return `The dashboard listens on ${host}, not only on this machine: anyone who can reach ` +
    "this address and has the token controls your environments (create, install, delete). " +
    "Use --read-only to serve views only, or bind to 127.0.0.1 (the default) and use an SSH " +
    "tunnel";
}

/**
 * Writes the page `--open` hands to the browser: an HTML file, readable by its owner only (0600,
 * in a new 0700 temp directory), that redirects to the tokenised `url`. The browser and the
 * opener then get a file path in their arguments, never the token (argv is visible to every local
 * user in `ps` and /proc), as Jupyter does. Returns the file's path and the directory to remove.
 */
export async function writeOpenPage(url: string): Promise<{ file: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-dashboard-" });
  await Deno.chmod(dir, 0o700).catch(() => {});
  const file = `${dir}/open.html`;
  const quoted = JSON.stringify(url).replace(/</g, "\\u003c");
  const attr = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const html = '<!doctype html>\n<html><head><meta charset="utf-8">\n' +
    `<meta http-equiv="refresh" content="1;url=${attr}">\n` +
    "<title>gestvenv dashboard</title></head>\n" +
    `<body><p><a href="${attr}">Open the gestvenv dashboard</a></p>\n` +
    `<script>window.location.replace(${quoted});</script></body></html>\n`;
  await Deno.writeTextFile(file, html, { mode: 0o600, createNew: true });
  await Deno.chmod(file, 0o600).catch(() => {});
  return { file, dir };
}

/** The program that opens a URL in the desktop's browser. */
function opener(url: string): [string, string[]] {
  if (Deno.build.os === "darwin") return ["open", [url]];
  if (Deno.build.os === "windows") return ["cmd", ["/c", "start", "", url]];
  return ["xdg-open", [url]];
}

const serveCommand = buildCommand<ServeFlags, [], CliContext>({
  docs: {
    brief: "Serve the web dashboard on 127.0.0.1 (token-protected) until Ctrl-C",
    fullDescription: examples([
      ["gestvenv dashboard serve", "http://127.0.0.1:8080/?token=… (printed on stderr)"],
      ["gestvenv dashboard serve --port 0 --format json", "a free port; {url, token, …} on stdout"],
      ["gestvenv dashboard serve --read-only --open", "views only, in the browser"],
    ]) +
      "\nThe URL carries a random token; the browser keeps it in a cookie. Every request must" +
      "\nname this server in its Host header, and every change come from its own page (Origin)" +
      "\nor carry `Authorization: token TOKEN`. The API is described in README (Dashboard).",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      host: optionalText(
        "Address to listen on (default 127.0.0.1; others print a warning)",
        "addr",
      ),
      port: optionalText("Port (default 8080; 0 picks a free one)", "port"),
      open: toggle("Open the URL in the browser"),
      readOnly: toggle("Serve views only: every action is refused"),
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("dashboard serve", async (ctx, flags: ServeFlags) => {
    const host = flags.host ?? "127.0.0.1";
    if (host === "" || host.startsWith("-") || !/^[A-Za-z0-9.:\[\]%-]+$/.test(host)) {
      throw new UsageError(`Invalid --host \`${host}\``, {
        hint: "An address such as 127.0.0.1, ::1 or 0.0.0.0, or a host name",
      });
    }
    const port = Number(flags.port ?? "8080");
    if (!/^\d{1,5}$/.test(flags.port ?? "8080") || port > 65535) {
      throw new UsageError(`Invalid --port \`${flags.port}\``, {
        hint: "A port number from 1 to 65535, or 0 for a free one",
      });
    }
    const { startDashboard } = await import("../lib/dashboard/mod.ts");
    const { runInProcess } = await import("./mod.ts");
    let server;
    try {
      server = await startDashboard({
        host: host.replace(/^\[|\]$/g, ""),
        port,
        readOnly: flags.readOnly ?? false,
        version: VERSION,
        home: ctx.home.root,
        // The same exposition as `monitor export prometheus` (lib/monitor), token required.
        metrics: async () => {
          const { collectMetrics, prometheusText } = await import("../lib/monitor/mod.ts");
          return prometheusText(await collectMetrics(ctx.environments()));
        },
        // `create`'s interpreter by path: only one that discovery finds (what `pyversions` lists).
        isKnownInterpreter: async (path) => {
          const { discoverCandidates } = await import("../lib/python/mod.ts");
          const real = (p: string) => Deno.realPath(p).catch(() => p);
          const wanted = await real(path);
          for (const candidate of await discoverCandidates()) {
            if (candidate.path === path || await real(candidate.path) === wanted) return true;
          }
          return false;
        },
        run: async (args, options) => {
          const terminal = captureTerminal({ ...options, args });
          const code = await runInProcess(args, terminal);
          return { code, stdout: terminal.out, stderr: terminal.err };
        },
      });
    } catch (error) {
      if (error instanceof Deno.errors.AddrInUse) {
        throw new UsageError(`Port ${port} on ${host} is already in use`, {
          hint: "Pass another --port, or --port 0 for a free one",
        });
      }
      throw new UsageError(`Cannot listen on ${host}:${port}: ${(error as Error).message}`, {
        hint: "Check --host (an address of this machine) and --port",
      });
    }
    const { isLoopback } = await import("../lib/serve/mod.ts");
    if (!isLoopback(host)) ctx.printer.warn(exposedWarning(host));
    ctx.printer.info(`Dashboard: ${server.url}`);
    if (ctx.format === "json") {
      ctx.printer.data(JSON.stringify({
        url: server.url,
        host: server.host,
        port: server.port,
        token: server.token,
        read_only: server.readOnly,
      }));
    }
    if (server.readOnly) ctx.printer.info("Read-only: actions are refused");
    ctx.printer.info("Press Ctrl-C to stop");
    let openPage: { file: string; dir: string } | undefined;
    if (flags.open) {
      openPage = await writeOpenPage(server.url);
      const target = Deno.build.os === "windows"
        ? openPage.file
        : `file://${openPage.file.split("/").map(encodeURIComponent).join("/")}`;
      const [program, args] = opener(target);
      try {
        const child = new Deno.Command(program, {
          args,
          stdin: "null",
          stdout: "null",
          stderr: "null",
        }).spawn();
        child.unref();
        child.status.then((s) => {
          if (!s.success) ctx.printer.warn(`\`${program}\` could not open the browser`);
        }, () => {});
      } catch {
        ctx.printer.warn(`\`${program}\` was not found: open the URL above yourself`);
      }
    }
    // The server owns the process's signals (the jobs it runs install none, they are cancelled
    // through their terminal's signal): the first one stops it cleanly (running jobs roll back),
    // a second one stops the process at once, as the CLI's second Ctrl-C does.
    const { promise: stopped, resolve } = Promise.withResolvers<string>();
    let stopping = false;
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    const removeHandlers = () => {
      for (const [s, handler] of handlers) {
        try {
          Deno.removeSignalListener(s, handler);
        } catch { /* already removed */ }
      }
    };
    const handlers = signals.map((signal) => {
      const handler = () => {
        if (!stopping) {
          stopping = true;
          resolve(signal);
          return;
        }
        removeHandlers();
        Deno.kill(Deno.pid, signal);
      };
      Deno.addSignalListener(signal, handler);
      return [signal, handler] as const;
    });
    const signal = await stopped;
    ctx.printer.info(
      `Stopping the dashboard (${signal}): cancelling running jobs (interrupt again to stop at once)`,
    );
    await server.stop();
    removeHandlers();
    if (openPage !== undefined) {
      await Deno.remove(openPage.dir, { recursive: true }).catch(() => {});
    }
    ctx.printer.info("Dashboard stopped");
  }, { effect: "runs" }),
});

/** `gestvenv dashboard …`: the web dashboard's commands. */
export const dashboardRoutes = buildRouteMap({
  routes: { serve: serveCommand },
  docs: {
    brief: "A local web dashboard: environments, packages, cache, operations, actions",
  },
});
