/// <reference lib="dom" />
/**
 * Actions as jobs: {@linkcode runJob} posts a job, follows its server-sent events
 * (`step|done|warn|progress|output|stderr|end`) and draws a card in the progress panel: the steps,
 * a progress bar per step, warnings, the command's output, and the end result, the envelope's
 * error message and hint when it failed. Every text from the server is set as text.
 *
 * @module
 */
import {
  ApiError,
  cancelJob,
  type Envelope,
  type EnvelopeError,
  getJob,
  type JobRequest,
  startJob,
} from "./api.ts";
import { h, replace } from "./dom.ts";
import { formatBytes } from "./format.ts";
import { jobSummary } from "./summary.ts";

/** How a finished job ended. */
export interface JobOutcome {
  exitCode: number | null;
  result: Envelope | null;
  cancelled: boolean;
}

function panel(): HTMLElement {
  const existing = document.getElementById("jobs");
  if (existing !== null) return existing;
  const aside = h("aside", { id: "jobs", "aria-label": "Actions in progress" });
  document.body.append(aside);
  return aside;
}

function textOf(data: unknown, ...keys: string[]): string {
  if (typeof data === "string") return data;
  if (typeof data === "object" && data !== null) {
    for (const key of keys) {
      const value = (data as Record<string, unknown>)[key];
      if (typeof value === "string") return value;
    }
  }
  return JSON.stringify(data);
}

function parse(event: MessageEvent): unknown {
  try {
    return JSON.parse(String(event.data));
  } catch {
    return String(event.data);
  }
}

/** The errors of a failed job's envelope, drawn as message + hint. */
export function errorList(errors: readonly EnvelopeError[]): HTMLElement {
  return h(
    "ul",
    { class: "errors" },
    errors.map((e) =>
      h(
        "li",
        {},
        h("strong", {}, "Error: "),
        e.message,
        e.hint ? h("p", { class: "hint" }, h("strong", {}, "Hint: "), e.hint) : null,
      )
    ),
  );
}

function describe(request: JobRequest): string {
  const parts: string[] = [request.action];
  if (request.env !== undefined) parts.push(request.env);
  if (request.packages !== undefined && request.packages.length > 0) {
    parts.push(request.packages.join(" "));
  }
  return parts.join(" ");
}

/**
 * Runs an action: posts it, shows its progress in the panel, and resolves when it ends.
 * @throws {ApiError} when the server refuses to start it (the card shows why as well).
 */
export async function runJob(request: JobRequest): Promise<JobOutcome> {
  const title = describe(request);
  const state = h("span", { class: "state", role: "status" }, "starting");
  const steps = h("ol", { class: "steps" });
  const bar = h("progress", { class: "bar", hidden: true });
  const barLabel = h("span", { class: "bar-label" });
  const warnings = h("ul", { class: "warnings" });
  const output = h("pre", { class: "output" });
  const outputBox = h(
    "details",
    { class: "output-box", hidden: true },
    h("summary", {}, "Output"),
    output,
  );
  const result = h("div", { class: "result" });
  const cancel = h("button", { type: "button", class: "cancel" }, "Cancel");
  const close = h("button", { type: "button", class: "close", hidden: true }, "Dismiss");
  const card = h(
    "section",
    { class: "job", "aria-label": `Action: ${title}` },
    h("header", {}, h("h2", {}, title), " ", state, " ", cancel, close),
    steps,
    h("div", { class: "progress" }, bar, " ", barLabel),
    warnings,
    outputBox,
    result,
  );
  close.addEventListener("click", () => card.remove());
  panel().prepend(card);

  let id: string;
  try {
    id = await startJob(request);
  } catch (error) {
    state.textContent = "refused";
    card.classList.add("failed");
    cancel.hidden = true;
    close.hidden = false;
    const errors = error instanceof ApiError && error.errors.length > 0
      ? error.errors
      : [{ code: "error", message: error instanceof Error ? error.message : String(error) }];
    replace(result, errorList(errors));
    throw error;
  }
  state.textContent = "running";
  cancel.addEventListener("click", () => {
    cancel.disabled = true;
    cancelJob(id).catch((error) => {
      warnings.append(
        h("li", {}, `Cancel failed: ${error instanceof Error ? error.message : error}`),
      );
      cancel.disabled = false;
    });
  });

  const finish = (outcome: JobOutcome) => {
    bar.hidden = true;
    barLabel.textContent = "";
    cancel.hidden = true;
    close.hidden = false;
    const failed = outcome.exitCode !== 0;
    state.textContent = outcome.cancelled
      ? "cancelled"
      : failed
      ? `failed (exit ${outcome.exitCode ?? "?"})`
      : "done";
    card.classList.add(failed ? "failed" : "succeeded");
    const errors = outcome.result?.errors ?? [];
    // The command's explanation (a resolver conflict, a build log) is in its output: show it.
    if (failed && !outputBox.hidden) outputBox.open = true;
    if (failed && errors.length > 0) replace(result, errorList(errors));
    else if (failed) replace(result, h("p", {}, "The action failed; see its output above."));
    else replace(result, h("p", {}, "Done. ", jobSummary(request.action, outcome.result) ?? ""));
  };

  return await new Promise<JobOutcome>((resolve) => {
    let ended = false;
    const source = new EventSource(`/api/v1/jobs/${encodeURIComponent(id)}/events`);
    let current: HTMLLIElement | null = null;
    source.addEventListener("step", (event) => {
      const data = parse(event as MessageEvent);
      current?.classList.add("finished");
      current = h("li", {}, textOf(data, "message", "step"));
      steps.append(current);
      bar.hidden = true;
      barLabel.textContent = "";
    });
    source.addEventListener("done", () => {
      current?.classList.add("finished");
      bar.hidden = true;
      barLabel.textContent = "";
    });
    source.addEventListener("warn", (event) => {
      warnings.append(h("li", {}, "Warning: ", textOf(parse(event as MessageEvent), "message")));
    });
    source.addEventListener("progress", (event) => {
      const p = parse(event as MessageEvent) as {
        label?: string;
        done?: number;
        total?: number;
        unit?: string;
        note?: string;
      };
      const done = Number(p.done ?? 0);
      const total = Number(p.total ?? 0);
      bar.hidden = false;
      if (total > 0) {
        bar.max = total;
        bar.value = Math.min(done, total);
      } else bar.removeAttribute("value");
      const figures = p.unit === "bytes"
        ? `${formatBytes(done)}${total > 0 ? ` of ${formatBytes(total)}` : ""}`
        : `${done}${total > 0 ? ` of ${total}` : ""}`;
      barLabel.textContent = `${p.label ?? ""} ${figures}${p.note ? ` (${p.note})` : ""}`.trim();
    });
    const appendOutput = (event: Event) => {
      outputBox.hidden = false;
      const line = textOf(parse(event as MessageEvent), "line", "text");
      output.append(line.endsWith("\n") ? line : `${line}\n`);
    };
    source.addEventListener("output", appendOutput);
    source.addEventListener("stderr", appendOutput);
    source.addEventListener("end", (event) => {
      ended = true;
      source.close();
      const data = parse(event as MessageEvent) as {
        exit_code?: number | null;
        result?: Envelope | null;
        state?: string;
      };
      const outcome: JobOutcome = {
        exitCode: data.exit_code ?? null,
        result: data.result ?? null,
        cancelled: data.state === "cancelled",
      };
      finish(outcome);
      resolve(outcome);
    });
    source.addEventListener("error", () => {
      if (ended) return;
      // The stream broke before `end`: ask for the job's state instead.
      source.close();
      const poll = async () => {
        try {
          const job = await getJob(id);
          if (job.state === "queued" || job.state === "running") {
            setTimeout(poll, 500);
            return;
          }
          const outcome: JobOutcome = {
            exitCode: job.exit_code,
            result: job.result,
            cancelled: job.state === "cancelled",
          };
          finish(outcome);
          resolve(outcome);
        } catch (error) {
          const outcome: JobOutcome = { exitCode: null, result: null, cancelled: false };
          finish(outcome);
          // The server stopped (or the job is gone): say so, with what to do next.
          replace(
            result,
            errorList([
              {
                code: "error",
                message: "Lost the job's progress",
                hint: "Its result is in the operations log (`gestvenv logs`) once the server runs",
              },
              ...(error instanceof ApiError && error.errors.length > 0 ? error.errors : [{
                code: "error",
                message: error instanceof Error ? error.message : String(error),
              }]),
            ]),
          );
          resolve(outcome);
        }
      };
      void poll();
    });
  });
}
