/**
 * Snapshot assertions for the texts people read (help, conflict explanations, error messages,
 * reports), in the spirit of Deno's `assertSnapshot` (JSR's `@std/testing` is not reachable
 * here). Snapshots live beside the test file in `__snapshots__/<test file>.snap.json`, keyed by
 * the test's name and a counter; a change of wording fails the test and shows as a diff in review.
 *
 * Update them with `GESTVENV_UPDATE_SNAPSHOTS=1 deno task test` (then read the diff).
 *
 * @module
 */
import { assertEquals } from "./assert.ts";

const counters = new WeakMap<Deno.TestContext, number>();

function snapshotFile(t: Deno.TestContext): string {
  const origin = new URL(t.origin).pathname;
  const slash = origin.lastIndexOf("/");
  return `${origin.slice(0, slash)}/__snapshots__/${origin.slice(slash + 1)}.snap.json`;
}

async function readSnapshots(file: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await Deno.readTextFile(file)) as Record<string, string>;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
}

/**
 * Replaces the variable parts of a text with stable placeholders: each `[path, placeholder]` pair
 * (temp directories first), then process ids (`pid 1234`) and ISO times.
 */
export function filterText(text: string, paths: Array<[string, string]> = []): string {
  let out = text;
  for (const [path, placeholder] of paths) out = out.replaceAll(path, placeholder);
  return out
    .replace(/\bpid \d+/g, "pid <PID>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<TIME>");
}

/**
 * Asserts that `actual` equals the stored snapshot of this test (the n-th call in the test is
 * snapshot n). With `GESTVENV_UPDATE_SNAPSHOTS=1` the snapshot is written instead.
 *
 * @throws {Error} When the text differs, or when there is no snapshot yet outside update mode.
 */
export async function assertSnapshot(t: Deno.TestContext, actual: string): Promise<void> {
  const n = (counters.get(t) ?? 0) + 1;
  counters.set(t, n);
  const key = `${t.name} ${n}`;
  const file = snapshotFile(t);
  const snapshots = await readSnapshots(file);
  if (Deno.env.get("GESTVENV_UPDATE_SNAPSHOTS") === "1") {
    snapshots[key] = actual;
    const sorted = Object.fromEntries(Object.entries(snapshots).sort(([a], [b]) => a < b ? -1 : 1));
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(file, JSON.stringify(sorted, null, 2) + "\n");
    return;
  }
  const expected = snapshots[key];
  if (expected === undefined) {
    throw new Error(
      `No snapshot \`${key}\` in ${file}; run \`GESTVENV_UPDATE_SNAPSHOTS=1 deno task test\``,
    );
  }
  assertEquals(actual, expected, `snapshot \`${key}\` changed`);
}
