import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  applyEnvironmentSetting,
  ENVIRONMENT_SETTING_KEYS,
  environmentSettings,
  type EnvironmentSettingView,
  getEnvironment,
  setEnvironmentSetting,
} from "../../lib/environments/mod.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { environmentName, examples, text } from "../_help.ts";
import { showValue } from "./_keys.ts";

/** The view of `key` among an environment's settings. */
function viewOf(views: EnvironmentSettingView[], key: string): EnvironmentSettingView {
  return views.find((v) => v.key === key)!;
}

/** Sets or unsets one environment setting (a dry run shows the result and writes nothing). */
async function change(ctx: CommandContext, name: string, key: string, raw: string | undefined) {
  const env = ctx.environments();
  if (ctx.dryRun) {
    const record = structuredClone(await getEnvironment(env, name));
    applyEnvironmentSetting(record, key, raw);
    const value = viewOf(environmentSettings(record), key).value;
    ctx.printer.info(
      `Would set ${key} = ${value === undefined ? "(unset)" : showValue(value)} for \`${name}\``,
    );
    return;
  }
  const record = await setEnvironmentSetting(env, name, key, raw);
  const value = viewOf(environmentSettings(record), key).value;
  ctx.printer.success(
    value === undefined ? `${key} unset for \`${name}\`` : `${name}: ${key} = ${showValue(value)}`,
  );
}

const KEYS_HELP = `\nKeys: ${ENVIRONMENT_SETTING_KEYS.join(", ")}.` +
  "\n  backend       the installer backend used for this environment (native, pip, uv)" +
  "\n  auto_sync     sync with the bound project before `run` when pyproject.toml changed" +
  "\n  groups        the PEP 735 groups of the bound project that `sync` installs" +
  "\n  hooks.EVENT   a shell command run at EVENT (pre_run: before `run` and `run-script`;" +
  "\n                post_install, pre_delete, …: see `gestvenv hook add --help`)" +
  "\nThey beat the project's and the user's settings; flags and GESTVENV_* beat them.";

/** `gestvenv config set-env ENV KEY VALUE`: one of an environment's own settings. */
export const configSetEnvCommand = buildCommand<GlobalFlags, [string, string, string], CliContext>({
  docs: {
    brief: "Set one of an environment's own settings (kept in its record)",
    fullDescription: examples([
      ["gestvenv config set-env web backend uv", "install into web with uv"],
      ["gestvenv config set-env web auto_sync true", "sync web before each `run`"],
      ["gestvenv config set-env web groups dev,test", "the groups `sync` installs"],
      ['gestvenv config set-env web hooks.pre_run "python -m compileall -q src"', "a hook"],
    ]) + KEYS_HELP,
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [environmentName(), text("Setting", "key"), text("New value", "value")],
    },
  },
  func: action(
    "config set-env",
    async (ctx, _flags: GlobalFlags, name: string, key: string, raw: string) => {
      await change(ctx, name, key, raw);
    },
    { effect: "changes" },
  ),
});

/** `gestvenv config unset-env ENV KEY`: back to the project's or the user's value. */
export const configUnsetEnvCommand = buildCommand<GlobalFlags, [string, string], CliContext>({
  docs: {
    brief: "Remove one of an environment's own settings",
    fullDescription: examples([
      ["gestvenv config unset-env web auto_sync", "follow the project and user settings again"],
    ]) + KEYS_HELP,
  },
  parameters: {
    flags: GLOBAL_FLAGS,
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "tuple",
      parameters: [environmentName(), text("Setting", "key")],
    },
  },
  func: action("config unset-env", async (ctx, _flags: GlobalFlags, name: string, key: string) => {
    await change(ctx, name, key, undefined);
  }, { effect: "changes" }),
});
