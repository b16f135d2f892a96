/**
 * The dashboard's jobs: actions run as in-process command lines, one at a time (a FIFO queue:
 * they share this process, and the CLI's cross-process locks are not meant for two commands of one
 * process), each with its events kept in a bounded log and streamed to subscribers (server-sent
 * events), and a cancel that aborts the command like Ctrl-C (it rolls back).
 *
 * @module
 */
import type { ProgressUpdate, ReporterListener } from "../events/mod.ts";
import type { JobAction, JobPlan } from "./job_request.ts";

/** What one in-process command run gave: its exit code and what it wrote. */
export interface CommandRun {
  /** The exit code (spec 001 codes). */
  code: number;
  /** Everything written to stdout (with `--format json`: the envelope). */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/** How a run is observed and stopped. */
export interface CommandRunOptions {
  /** Receive the command's reporter events. */
  listeners?: readonly ReporterListener[];
  /** Aborting it stops the command as Ctrl-C does. */
  signal?: AbortSignal;
  /** Each stderr write as it happens. */
  onStderr?: (text: string) => void;
}

/**
 * Runs one gestvenv command line in-process (the command layer passes `runInProcess` with a
 * capturing terminal: lib never imports commands). Never throws for a command's failure.
 */
export type CommandRunner = (
  args: readonly string[],
  options: CommandRunOptions,
) => Promise<CommandRun>;

/** A job's state. */
export type JobState = "queued" | "running" | "done" | "failed" | "cancelled";

/** The kinds of events of a job's stream. */
export type JobEventName = "step" | "done" | "warn" | "progress" | "output" | "stderr" | "end";

/** One event of a job (an SSE `event:` with its `data:`). */
export interface JobEvent {
  /** The event's name. */
  event: JobEventName;
  /** Its data (JSON): `{message}`, `{line}`, `{text}`, a progress update, or `{exit_code, result}`. */
  data: unknown;
}

/** `GET /api/v1/jobs/{id}`: a job as the API shows it. */
export interface JobView {
  id: string;
  action: JobAction;
  env: string | null;
  /** The command line run (without `--requirement`'s temp file). */
  command: string[];
  state: JobState;
  /** The command's exit code, null until it ends (or when it never ran). */
  exit_code: number | null;
  /** The parsed `--format json` envelope the command printed, or null. */
  result: unknown;
  /** The events so far (bounded: the oldest are dropped past the limit). */
  log: JobEvent[];
  /** Events dropped from the start of `log`. */
  log_dropped: number;
  /** ISO times. */
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface Job {
  view: JobView;
  plan: JobPlan;
  controller: AbortController;
  subscribers: Set<(event: JobEvent) => void>;
  finished: Promise<void>;
  resolveFinished: () => void;
}

/** Limits of a {@linkcode JobQueue}. */
export interface JobQueueOptions {
  /** Finished jobs kept for `GET /jobs/{id}` (the oldest are forgotten). Default 50. */
  keepFinished?: number;
  /** Events kept per job for replay. Default 2,000. */
  maxLog?: number;
  /** Jobs that have not ended (queued or running) at most; past it `submit` refuses. Default 100. */
  maxOpen?: number;
  /** Characters kept of one event's text (`line`, `text`, `message`); longer ones are cut. Default 16,384. */
  maxEventText?: number;
}

/**
 * Why {@linkcode JobQueue.submit} refused a job: the server is stopping (`closing`) or too many
 * jobs wait (`full`). The dashboard answers 503 with the message and hint.
 */
export class JobRefusedError extends Error {
  /** `closing` or `full`. */
  readonly code: "closing" | "full";
  /** What to do next. */
  readonly hint: string;
  constructor(code: "closing" | "full", message: string, hint: string) {
    super(message);
    this.name = "JobRefusedError";
    this.code = code;
    this.hint = hint;
  }
}

/** The FIFO of changing jobs (see the module doc). */
export class JobQueue {
  readonly #run: CommandRunner;
  readonly #jobs = new Map<string, Job>();
  readonly #keep: number;
  readonly #maxLog: number;
  readonly #maxOpen: number;
  readonly #maxText: number;
  #closing = false;
  #chain: Promise<void> = Promise.resolve();

  /** `run`: how a command line runs in-process. */
  constructor(run: CommandRunner, options: JobQueueOptions = {}) {
    this.#run = run;
    this.#keep = options.keepFinished ?? 50;
    this.#maxLog = options.maxLog ?? 2_000;
    this.#maxOpen = options.maxOpen ?? 100;
    this.#maxText = options.maxEventText ?? 16_384;
  }

  /**
   * Queues a validated job; it starts when the jobs before it have ended.
   *
   * @throws {JobRefusedError} After {@linkcode close} (`closing`), or when `maxOpen` jobs have not
   *   ended (`full`).
   */
  submit(plan: JobPlan): JobView {
    if (this.#closing) {
      throw new JobRefusedError(
        "closing",
        "The dashboard is stopping: it accepts no new job",
        "Start `gestvenv dashboard serve` again, then retry",
      );
    }
    const open = [...this.#jobs.values()].filter((j) => !isFinal(j.view.state)).length;
    if (open >= this.#maxOpen) {
      throw new JobRefusedError(
        "full",
        `${open} jobs are queued or running already (at most ${this.#maxOpen})`,
        "Wait for them to end (or cancel some), then retry",
      );
    }
    let resolveFinished!: () => void;
    const finished = new Promise<void>((resolve) => resolveFinished = resolve);
    const job: Job = {
      plan,
      controller: new AbortController(),
      subscribers: new Set(),
      finished,
      resolveFinished,
      view: {
        id: crypto.randomUUID(),
        action: plan.action,
        env: plan.env,
        command: ["gestvenv", ...plan.args],
        state: "queued",
        exit_code: null,
        result: null,
        log: [],
        log_dropped: 0,
        created_at: new Date().toISOString(),
        started_at: null,
        finished_at: null,
      },
    };
    this.#jobs.set(job.view.id, job);
    this.#chain = this.#chain.then(() => this.#execute(job));
    return job.view;
  }

  /** A job by id, or undefined (never was, or forgotten). */
  get(id: string): JobView | undefined {
    return this.#jobs.get(id)?.view;
  }

  /** Every known job, newest first. */
  list(): JobView[] {
    return [...this.#jobs.values()].map((j) => j.view).reverse();
  }

  /**
   * Replays the job's log to `listener`, then passes it the live events until `end` (replayed
   * too when the job has ended). Returns the function that stops listening, or undefined for an
   * unknown job.
   */
  subscribe(id: string, listener: (event: JobEvent) => void): (() => void) | undefined {
    const job = this.#jobs.get(id);
    if (job === undefined) return undefined;
    for (const event of job.view.log) listener(event);
    if (isFinal(job.view.state)) return () => {};
    job.subscribers.add(listener);
    return () => job.subscribers.delete(listener);
  }

  /**
   * Cancels a job: a queued one never runs; a running one is aborted like Ctrl-C (the command
   * rolls back at its next step). Returns false for an unknown or finished job.
   */
  cancel(id: string): boolean {
    const job = this.#jobs.get(id);
    if (job === undefined || isFinal(job.view.state)) return false;
    job.controller.abort("SIGINT");
    if (job.view.state === "queued") this.#finish(job, "cancelled", null, null);
    return true;
  }

  /**
   * Refuses new jobs from now on, cancels every job that has not ended, and waits for the running
   * one to roll back.
   */
  async close(): Promise<void> {
    this.#closing = true;
    const open = [...this.#jobs.values()].filter((j) => !isFinal(j.view.state));
    for (const job of open) this.cancel(job.view.id);
    await Promise.all(open.map((j) => j.finished));
  }

  #emit(job: Job, event: JobEvent): void {
    event = this.#bounded(event);
    // Progress is frequent: only the newest one is kept for replay.
    const log = job.view.log;
    if (event.event === "progress" && log.at(-1)?.event === "progress") log.pop();
    log.push(event);
    if (log.length > this.#maxLog) {
      log.splice(0, log.length - this.#maxLog);
      job.view.log_dropped++;
    }
    for (const subscriber of job.subscribers) subscriber(event);
  }

  /** The event with its text fields cut to `maxEventText` characters (marked `…[cut N]`). */
  #bounded(event: JobEvent): JobEvent {
    const data = event.data;
    if (data === null || typeof data !== "object") return event;
    let copy: Record<string, unknown> | undefined;
    for (const key of ["line", "text", "message"]) {
      const value = (data as Record<string, unknown>)[key];
      if (typeof value === "string" && value.length > this.#maxText) {
        copy ??= { ...data as Record<string, unknown> };
        copy[key] = `${value.slice(0, this.#maxText)}…[cut ${value.length - this.#maxText}]`;
      }
    }
    return copy === undefined ? event : { event: event.event, data: copy };
  }

  async #execute(job: Job): Promise<void> {
    if (job.view.state !== "queued") return;
    job.view.state = "running";
    job.view.started_at = new Date().toISOString();
    const emit = (event: JobEventName, data: unknown) => this.#emit(job, { event, data });
    const listener: ReporterListener = {
      step: (message: string) => emit("step", { message }),
      done: () => emit("done", {}),
      warn: (message: string) => emit("warn", { message }),
      output: (line: string) => emit("output", { line }),
      progress: (update: ProgressUpdate) => emit("progress", update),
    };
    let file: string | undefined;
    let run: CommandRun;
    try {
      let args = job.plan.args;
      if (job.plan.requirements !== null) {
        file = await Deno.makeTempFile({ prefix: "gestvenv-dashboard-", suffix: ".txt" });
        await Deno.chmod(file, 0o600).catch(() => {});
        await Deno.writeTextFile(file, job.plan.requirements);
        const end = args.indexOf("--");
        const at = end === -1 ? args.length : end;
        args = [...args.slice(0, at), `--requirement=${file}`, ...args.slice(at)];
      }
      run = await this.#run(args, {
        listeners: [listener],
        signal: job.controller.signal,
        onStderr: (text) => emit("stderr", { text }),
      });
    } catch (error) {
      run = { code: 1, stdout: "", stderr: String(error) };
      emit("stderr", { text: `${String(error)}\n` });
    } finally {
      if (file !== undefined) await Deno.remove(file).catch(() => {});
    }
    let result: unknown = null;
    try {
      result = run.stdout.trim() === "" ? null : JSON.parse(run.stdout);
    } catch {
      result = null;
    }
    const state: JobState = run.code === 0
      ? "done"
      : job.controller.signal.aborted
      ? "cancelled"
      : "failed";
    this.#finish(job, state, run.code, result);
  }

  #finish(job: Job, state: JobState, code: number | null, result: unknown): void {
    job.view.state = state;
    job.view.exit_code = code;
    job.view.result = result;
    job.view.finished_at = new Date().toISOString();
    this.#emit(job, { event: "end", data: { state, exit_code: code, result } });
    job.subscribers.clear();
    job.resolveFinished();
    // Bounded memory: forget the oldest finished jobs.
    const finished = [...this.#jobs.values()].filter((j) => isFinal(j.view.state));
    for (const old of finished.slice(0, Math.max(0, finished.length - this.#keep))) {
      this.#jobs.delete(old.view.id);
    }
  }
}

function isFinal(state: JobState): boolean {
  return state === "done" || state === "failed" || state === "cancelled";
}
