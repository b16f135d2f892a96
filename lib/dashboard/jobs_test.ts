import { assertEquals, assertThrows } from "../../tests/helpers/assert.ts";
import { type CommandRunOptions, type JobEvent, JobQueue, JobRefusedError } from "./jobs.ts";
import { planJob } from "./job_request.ts";

/** A runner that reports a step, waits for `release` (or the abort), and prints an envelope. */
function fakeRunner() {
  const started: string[][] = [];
  let release: (() => void) | undefined;
  const run = async (args: readonly string[], options: CommandRunOptions) => {
    started.push([...args]);
    options.listeners?.[0]?.step?.(`running ${args[0]}`);
    options.onStderr?.("a line\n");
    await new Promise<void>((resolve) => {
      release = resolve;
      options.signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    if (options.signal?.aborted) return { code: 130, stdout: "", stderr: "Interrupted\n" };
    return { code: 0, stdout: `{"command":"${args[0]}","status":"success"}\n`, stderr: "" };
  };
  return { run, started, release: () => release?.() };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("JobQueue: one job at a time, events replayed then live, end with the envelope", async () => {
  const runner = fakeRunner();
  const queue = new JobQueue(runner.run);
  const first = queue.submit(planJob({ action: "sync", env: "a" }));
  const second = queue.submit(planJob({ action: "sync", env: "b" }));
  await tick();
  assertEquals(runner.started.length, 1, "the second waits for the first");
  assertEquals(queue.get(second.id)?.state, "queued");
  const seen: JobEvent[] = [];
  queue.subscribe(first.id, (e) => seen.push(e));
  assertEquals(seen.map((e) => e.event), ["step", "stderr"], "the log is replayed");
  runner.release();
  await tick();
  await tick();
  assertEquals(seen.at(-1), {
    event: "end",
    data: { state: "done", exit_code: 0, result: { command: "sync", status: "success" } },
  });
  assertEquals(queue.get(first.id)?.state, "done");
  assertEquals(runner.started.length, 2);
  // Cancel the running one: aborted like Ctrl-C.
  assertEquals(queue.cancel(second.id), true);
  await tick();
  await tick();
  assertEquals(queue.get(second.id)?.state, "cancelled");
  assertEquals(queue.get(second.id)?.exit_code, 130);
  assertEquals(queue.cancel(second.id), false, "it has ended");
  await queue.close();
});

Deno.test("JobQueue: a posted requirements text reaches the command as a temp file, removed after", async () => {
  let text = "";
  let file = "";
  const queue = new JobQueue(async (args) => {
    file = args.find((a) => a.startsWith("--requirement="))!.slice("--requirement=".length);
    text = await Deno.readTextFile(file);
    assertEquals(args.indexOf(`--requirement=${file}`) < args.indexOf("--"), true);
    return { code: 0, stdout: "{}", stderr: "" };
  });
  const job = queue.submit(planJob({ action: "install", env: "web", requirements: "flask\n" }));
  for (let i = 0; i < 200 && queue.get(job.id)?.state !== "done"; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assertEquals(queue.get(job.id)?.state, "done");
  assertEquals(text, "flask\n");
  assertEquals(await Deno.stat(file).then(() => true, () => false), false);
});

Deno.test("JobQueue: only the last finished jobs are kept", async () => {
  const queue = new JobQueue(() => Promise.resolve({ code: 0, stdout: "{}", stderr: "" }), {
    keepFinished: 2,
  });
  const ids = [1, 2, 3].map(() => queue.submit(planJob({ action: "doctor-fix" })).id);
  for (let i = 0; i < 20; i++) await tick();
  assertEquals(ids.map((id) => queue.get(id)?.state), [undefined, "done", "done"]);
});

Deno.test("JobQueue: a stopping queue refuses new jobs instead of dropping them", async () => {
  const runner = fakeRunner();
  const queue = new JobQueue(runner.run);
  const running = queue.submit(planJob({ action: "sync", env: "a" }));
  await tick();
  const closed = queue.close();
  const refused = assertThrows(
    () => queue.submit(planJob({ action: "sync", env: "b" })),
    JobRefusedError,
  );
  assertEquals((refused as JobRefusedError).code, "closing");
  await closed;
  assertEquals(queue.get(running.id)?.state, "cancelled");
  assertEquals(runner.started, [["sync", "--format", "json", "--locked", "--", "a"]]);
  assertEquals(queue.list().length, 1, "the refused job was never recorded");
});

Deno.test("JobQueue: at most maxOpen jobs wait or run; long event texts are cut", async () => {
  const runner = fakeRunner();
  const queue = new JobQueue(runner.run, { maxOpen: 2, maxEventText: 10 });
  const first = queue.submit(planJob({ action: "sync", env: "a" }));
  queue.submit(planJob({ action: "sync", env: "b" }));
  const full = assertThrows(
    () => queue.submit(planJob({ action: "sync", env: "c" })),
    JobRefusedError,
  );
  assertEquals((full as JobRefusedError).code, "full");
  await tick();
  const seen: JobEvent[] = [];
  queue.subscribe(first.id, (e) => seen.push(e));
  runner.release();
  await tick();
  await tick();
  // One ended: there is room again.
  queue.submit(planJob({ action: "sync", env: "c" }));
  await queue.close();

  const long = new JobQueue((_args, options) => {
    options.onStderr?.("x".repeat(25));
    options.listeners?.[0]?.output?.("short");
    return Promise.resolve({ code: 0, stdout: "{}", stderr: "" });
  }, { maxEventText: 10 });
  const job = long.submit(planJob({ action: "doctor-fix" }));
  for (let i = 0; i < 20; i++) await tick();
  const log = long.get(job.id)!.log;
  assertEquals(log[0], { event: "stderr", data: { text: `${"x".repeat(10)}…[cut 15]` } });
  assertEquals(log[1], { event: "output", data: { line: "short" } });
  assertEquals(seen.at(-1)?.event, "end");
});
