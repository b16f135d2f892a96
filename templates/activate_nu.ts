/**
 * Nushell activation overlay, used as `overlay use bin/activate.nu`.
 * Placeholders: `__VIRTUAL_ENV__`, `__VIRTUAL_PROMPT__` (inside raw strings), `__BIN_NAME__`.
 */
export const ACTIVATE_NU =
  `# Use from nushell: \`overlay use bin/activate.nu\`; leave with \`deactivate\`. Written by gestvenv.
export-env {
    let virtual_env = r#'__VIRTUAL_ENV__'#
    let bin = '__BIN_NAME__'
    let path_name = if ('Path' in $env) { 'Path' } else { 'PATH' }
    let venv_path = ($virtual_env | path join $bin)
    let new_path = ($env | get $path_name | prepend $venv_path)
    let virtual_env_prompt = r#'__VIRTUAL_PROMPT__'#
    let old_prompt_command = if ('PROMPT_COMMAND' in $env) { $env.PROMPT_COMMAND } else { '' }
    let new_prompt = if ('PROMPT_COMMAND' in $env) {
        if 'closure' in ($old_prompt_command | describe) {
            {|| $'(char lparen)($virtual_env_prompt)(char rparen) (do $old_prompt_command)' }
        } else {
            {|| $'(char lparen)($virtual_env_prompt)(char rparen) ($old_prompt_command)' }
        }
    } else {
        {|| $'(char lparen)($virtual_env_prompt)(char rparen) ' }
    }
    load-env {
        $path_name: $new_path
        VIRTUAL_ENV: $virtual_env
        VIRTUAL_ENV_PROMPT: $virtual_env_prompt
        PROMPT_COMMAND: $new_prompt
    }
}

export alias pydoc = python -m pydoc
export alias deactivate = overlay hide activate
`;
