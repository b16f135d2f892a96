import { assert, assertEquals, assertRejects } from "../../tests/helpers/assert.ts";
import { InterruptedError, OperationError } from "../errors/mod.ts";
import {
  formatMs,
  formatRatio,
  measureCases,
  median,
  runTimed,
  shellLine,
  summarize,
} from "./mod.ts";

const ENV = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };

Deno.test("median, summarize, formats", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assert(Number.isNaN(median([])));
  assertEquals(summarize([10.04, 30, 20]), {
    iterations: 3,
    min_ms: 10,
    median_ms: 20,
    max_ms: 30,
    times_ms: [10, 30, 20],
  });
  let threw = false;
  try {
    summarize([]);
  } catch (error) {
    threw = error instanceof RangeError;
  }
  assert(threw);
  assertEquals(formatMs(123.44), "123.4 ms");
  assertEquals(formatMs(1234), "1.23 s");
  assertEquals(formatRatio(3, 2), "1.50x");
  assertEquals(shellLine(["echo", "a b", "it's"]), `echo 'a b' 'it'"'"'s'`);
});

Deno.test("measureCases: a warm-up round, then interleaved timed runs; the counter per run", async () => {
  const order: string[] = [];
  let counter = 0;
  const cases = ["a", "b"].map((label) => ({
    label,
    prepare: (i: number) => {
      order.push(`${label}${i}`);
      counter += label === "a" ? 1 : 2;
      return Promise.resolve();
    },
    commands: () => [["true"]],
    env: () => ENV,
  }));
  const before = () => counter;
  const results = await measureCases(cases, { runs: 2, counter: before });
  assertEquals(order, ["a-1", "b-1", "a0", "b0", "a1", "b1"]);
  assertEquals(results.map((r) => r.times.length), [2, 2]);
  assert(results.every((r) => r.times.every((t) => t > 0)));
  // The prepare step runs before the counter is read: nothing counted during the commands.
  assertEquals(results.map((r) => r.counts), [[0, 0], [0, 0]]);
});

Deno.test("runTimed: a failing command says which and shows its output; abort kills it", async () => {
  const failed = await assertRejects(
    () => runTimed(["sh", "-c", "echo oops >&2; exit 3"], { env: ENV }),
    OperationError,
  );
  assert(failed.message.includes("exit 3") && failed.message.includes("oops"));
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort("SIGINT"), 100);
  await assertRejects(
    () => runTimed(["sleep", "30"], { env: ENV, signal: controller.signal }),
    InterruptedError,
  );
  assert(performance.now() - started < 10_000, "the child was killed, not waited for");
});
