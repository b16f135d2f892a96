import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { fanOut } from "./fan_out.ts";
import { SILENT_REPORTER } from "./reporter.ts";
import { SpanCollector } from "./span_collector.ts";
import { countEvent, startSpan } from "./spans.ts";

/** A collector on a clock the test moves. */
function manual() {
  let now = 0;
  const collector = new SpanCollector(() => now);
  return { collector, at: (t: number) => (now = t) };
}

Deno.test("nested spans count for the innermost one; parallel spans count once", () => {
  const { collector, at } = manual();
  at(0);
  const build = startSpan(collector, "build", "pkg");
  at(10);
  const resolve = startSpan(collector, "resolve");
  at(30);
  resolve();
  at(40);
  build();
  // Two downloads at once, 50..80 and 60..70, then a link.
  at(50);
  const a = startSpan(collector, "download", "a.whl");
  at(60);
  const b = startSpan(collector, "download", "b.whl");
  at(70);
  b();
  at(80);
  a();
  a(); // a second end changes nothing
  const link = startSpan(collector, "link", "a");
  at(90);
  link();
  const summary = collector.summary(0, 100);
  assertEquals(summary.wall_ms, 100);
  assertEquals(
    summary.phases.map((p) => [p.phase, p.ms, p.spans]),
    [["resolve", 20, 1], ["download", 30, 2], ["link", 10, 1], ["build", 20, 1]],
  );
  assertEquals(summary.unaccounted_ms, 20);
  assertEquals(summary.phases.find((p) => p.phase === "download")?.share, 0.3);
  assertEquals(collector.spans.map((s) => s.detail), ["pkg", null, "a.whl", "b.whl", "a"]);
});

Deno.test("a span still running is cut at the window's end; spans outside it do not count", () => {
  const { collector, at } = manual();
  at(5);
  startSpan(collector, "download");
  const summary = collector.summary(10, 20);
  assertEquals(summary.phases, [{ phase: "download", ms: 10, share: 1, spans: 1 }]);
  assertEquals(summary.unaccounted_ms, 0);
  assertEquals(collector.summary(30, 30).wall_ms, 0);
});

Deno.test("fanOut gives every listener the same events, and adds span/count only when one listens", () => {
  assertEquals(fanOut(SILENT_REPORTER, []), SILENT_REPORTER);
  const quiet = fanOut(SILENT_REPORTER, [{ step() {} }]);
  assertEquals(quiet.span, undefined);
  assertEquals(quiet.count, undefined);
  assertEquals(startSpan(quiet, "link")(), undefined, "a span nobody listens to is a no-op");

  const one = new SpanCollector();
  const two = new SpanCollector();
  const steps: string[] = [];
  const reporter = fanOut({ ...SILENT_REPORTER, step: (m) => steps.push(`primary ${m}`) }, [
    one,
    { step: (m) => steps.push(`listener ${m}`) },
    two,
  ]);
  reporter.step("Resolving");
  const end = startSpan(reporter, "resolve", "flask");
  countEvent(reporter, "cache_hits");
  countEvent(reporter, "bytes_saved", 1024);
  end();
  assertEquals(steps, ["primary Resolving", "listener Resolving"]);
  for (const c of [one, two]) {
    assertEquals(c.spans.map((s) => [s.phase, s.detail]), [["resolve", "flask"]]);
    assert(c.spans[0]!.end !== null);
    assertEquals(c.counters.cache_hits, 1);
    assertEquals(c.counters.bytes_saved, 1024);
  }
});
