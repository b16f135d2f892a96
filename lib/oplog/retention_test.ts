import { assert, assertEquals } from "../../tests/helpers/assert.ts";
import { join } from "node:path";
import { LockTimeoutError } from "../errors/mod.ts";
import { withFileLock } from "../fs/mod.ts";
import { expiredLogs, removeExpiredLogs } from "./retention.ts";

const DAY = 86_400_000;
const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

async function logsWithOldRotated(): Promise<{ dir: string; old: string }> {
  const dir = await Deno.makeTempDir({ prefix: "gestvenv-retention-" });
  const old = join(dir, "operations.1.jsonl");
  await Deno.writeTextFile(old, "{}\n");
  const then = new Date(Date.now() - 200 * DAY);
  await Deno.utime(old, then, then);
  return { dir, old };
}

Deno.test("removeExpiredLogs: a log rotated after the plan is not removed; the planned file goes under its new name", async () => {
  const { dir, old } = await logsWithOldRotated();
  try {
    const plan = await expiredLogs(dir, 90);
    assertEquals(plan.map((l) => l.path), [old]);
    // Meanwhile (say, during the prompt) another process rotates: .1 → .2, current → .1.
    await Deno.rename(old, join(dir, "operations.2.jsonl"));
    await Deno.writeTextFile(old, '{"fresh":true}\n');
    const removed = await removeExpiredLogs(dir, plan, 90);
    assertEquals(removed.map((l) => l.path), [join(dir, "operations.2.jsonl")]);
    assertEquals(await Deno.readTextFile(old), '{"fresh":true}\n', "the fresh log stays");
    assert(!(await exists(join(dir, "operations.2.jsonl"))));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removeExpiredLogs: a planned log written to since is no longer expired and stays; nothing unplanned goes", async () => {
  const { dir, old } = await logsWithOldRotated();
  try {
    const plan = await expiredLogs(dir, 90);
    const other = join(dir, "operations.3.jsonl");
    await Deno.writeTextFile(other, "{}\n");
    const then = new Date(Date.now() - 300 * DAY);
    await Deno.utime(other, then, then);
    await Deno.utime(old, new Date(), new Date());
    assertEquals(await removeExpiredLogs(dir, plan, 90), []);
    assert(await exists(old) && await exists(other), "not expired now / not in the plan");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removeExpiredLogs waits for the logs lock that rotation holds", async () => {
  const { dir, old } = await logsWithOldRotated();
  try {
    const plan = await expiredLogs(dir, 90);
    let error: unknown;
    await withFileLock(join(dir, "operations.lock"), async () => {
      error = await removeExpiredLogs(dir, plan, 90, { timeoutMs: 300 }).then(
        () => undefined,
        (e) => e,
      );
    });
    assert(error instanceof LockTimeoutError, String(error));
    assert(await exists(old), "nothing removed while rotation holds the lock");
    assertEquals((await removeExpiredLogs(dir, plan, 90)).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
