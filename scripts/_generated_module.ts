/**
 * Writing a generated TypeScript module the way the generators share (`gen-schema`,
 * `gen-templates`): formatted by `deno fmt`, then written, or with `--check` compared to what is
 * on disk (`deno task layout` fails when it is stale).
 *
 * @module
 */

/** What {@linkcode emitGeneratedModule} writes or checks. */
export interface GeneratedModule {
  /** The repository root (where `deno fmt` runs, for its configuration). */
  root: string;
  /** Absolute path of the generated module. */
  target: string;
  /** Its source, before formatting. */
  source: string;
  /** The task that regenerates it, for the "out of date" message (`deno task gen-schema`). */
  task: string;
  /** Said when `--check` finds it current (`schema validator: up to date`). */
  upToDate: string;
  /** Only check (the `--check` flag). */
  check: boolean;
}

const say = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(`${text}\n`));

/**
 * Formats `source` with `deno fmt` and writes it to `target`, or with `check` compares it and
 * returns false when the file on disk differs (after saying how to regenerate it).
 * @throws {Error} when `deno fmt` fails on the source.
 */
export async function emitGeneratedModule(module: GeneratedModule): Promise<boolean> {
  const fmt = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "ts", "-"],
    stdin: "piped",
    stdout: "piped",
    cwd: module.root,
  }).spawn();
  const writer = fmt.stdin.getWriter();
  await writer.write(new TextEncoder().encode(module.source));
  await writer.close();
  const out = await fmt.output();
  if (!out.success) throw new Error(`deno fmt failed on the source of ${module.target}`);
  const formatted = new TextDecoder().decode(out.stdout);
  const shown = module.target.startsWith(`${module.root}/`)
    ? module.target.slice(module.root.length + 1)
    : module.target;
  if (module.check) {
    const current = await Deno.readTextFile(module.target).catch(() => "");
    if (current !== formatted) {
      say(`${shown} is out of date; run \`${module.task}\``);
      return false;
    }
    say(module.upToDate);
    return true;
  }
  await Deno.writeTextFile(module.target, formatted);
  say(`wrote ${module.target}`);
  return true;
}
