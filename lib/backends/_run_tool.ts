import {
  BackendError,
  NetworkError,
  PackageNotFoundError,
  throwIfInterrupted,
} from "../errors/mod.ts";
import { failpoint } from "../fs/mod.ts";

/** The result of running a backend tool. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  sink: string[],
  onLine?: (line: string) => void,
) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    sink.push(text);
    if (onLine !== undefined) {
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    }
  }
  if (onLine !== undefined && pending !== "") onLine(pending);
}

/**
 * Runs a backend tool, capturing its output and streaming lines to `onLine`. Never throws for a
 * non-zero exit (see {@linkcode failIfUnsuccessful}). When `signal` is aborted (reason `"SIGINT"`
 * or `"SIGTERM"`), the tool gets that signal, is waited for, and the run ends with
 * `InterruptedError`, whatever its exit code.
 *
 * @throws {BackendError} When the program cannot be started.
 * @throws {InterruptedError} When `signal` was aborted by SIGINT/SIGTERM.
 */
export async function runTool(
  program: string,
  args: string[],
  options: {
    env?: Record<string, string>;
    onLine?: ((line: string) => void) | undefined;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<ToolResult> {
  throwIfInterrupted(options.signal);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: {
        PIP_NO_INPUT: "1",
        PIP_DISABLE_PIP_VERSION_CHECK: "1",
        PYTHONIOENCODING: "utf-8",
        ...options.env,
      },
    }).spawn();
  } catch (error) {
    throw new BackendError(`Cannot start ${program}: ${(error as Error).message}`, {
      cause: error,
      hint: "Check that the backend is installed, or choose another with `--backend`",
    });
  }
  const forward = () => {
    const reason = options.signal?.reason;
    try {
      child.kill(reason === "SIGINT" || reason === "SIGTERM" ? reason : "SIGTERM");
    } catch { /* already gone */ }
  };
  options.signal?.addEventListener("abort", forward, { once: true });
  if (options.signal?.aborted) forward();
  await failpoint("backend.spawned");
  const out: string[] = [];
  const err: string[] = [];
  try {
    const [status] = await Promise.all([
      child.status,
      pump(child.stdout, out, options.onLine),
      pump(child.stderr, err, options.onLine),
    ]);
    throwIfInterrupted(options.signal);
    return { code: status.code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    options.signal?.removeEventListener("abort", forward);
  }
}

const NOT_FOUND = [
  /No matching distribution found for (\S+)/,
  /Could not find a version that satisfies the requirement (\S+)/,
  /Because (\S+) was not found in the package registry/,
  /(\S+) was not found in the package registry/,
  /Package `?(\S+?)`? was not found/,
];
const NETWORK = [
  /Failed to establish a new connection/,
  /Temporary failure in name resolution/,
  /Max retries exceeded/,
  /Network is unreachable/,
  /error sending request/,
  /dns error/i,
  /Failed to fetch: `/,
];

/**
 * Turns a failed backend run into the matching typed error: package not found (exit 4), network
 * (exit 5), anything else a backend error (exit 20). The backend's own text is kept in `details`.
 *
 * @throws {PackageNotFoundError | NetworkError | BackendError} When `result.code` is not 0.
 */
export function failIfUnsuccessful(backend: string, action: string, result: ToolResult): void {
  if (result.code === 0) return;
  const text = `${result.stdout}\n${result.stderr}`.trim();
  const details = text.split(/\r?\n/).slice(-40).join("\n");
  for (const pattern of NOT_FOUND) {
    const match = text.match(pattern);
    if (match !== null) {
      throw new PackageNotFoundError(
        `No distribution found for \`${match[1]!.replace(/[`'".,]+$/, "")}\``,
        {
          details,
          hint: "Check the name and version, and the index settings (`gestvenv config show`)",
        },
      );
    }
  }
  if (NETWORK.some((p) => p.test(text))) {
    throw new NetworkError(
      `${backend} could not reach the package index while trying to ${action}`,
      {
        details,
        hint: "Check the network and the index URL (`gestvenv config show`)",
      },
    );
  }
  throw new BackendError(`${backend} failed to ${action} (exit code ${result.code})`, {
    details,
    hint: "Read the backend output above; rerun with `--verbose` to see it live",
  });
}
