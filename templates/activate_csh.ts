/**
 * csh/tcsh activation script, sourced as `source bin/activate.csh`.
 * Placeholders: `__VIRTUAL_ENV__`, `__VIRTUAL_PROMPT__` (single-quote escaped), `__BIN_NAME__`.
 */
export const ACTIVATE_CSH =
  `# Source this file from csh or tcsh: \`source bin/activate.csh\`. Written by gestvenv.
set newline='\\
'

alias deactivate 'test $?_OLD_VIRTUAL_PATH != 0 && setenv PATH "$_OLD_VIRTUAL_PATH:q" && unset _OLD_VIRTUAL_PATH; rehash; test $?_OLD_VIRTUAL_PROMPT != 0 && set prompt="$_OLD_VIRTUAL_PROMPT:q" && unset _OLD_VIRTUAL_PROMPT; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test "\\!:*" != "nondestructive" && unalias deactivate && unalias pydoc'

deactivate nondestructive

setenv VIRTUAL_ENV '__VIRTUAL_ENV__'

set _OLD_VIRTUAL_PATH="$PATH:q"
setenv PATH "$VIRTUAL_ENV:q/__BIN_NAME__:$PATH:q"

setenv VIRTUAL_ENV_PROMPT '__VIRTUAL_PROMPT__'

if ( $?VIRTUAL_ENV_DISABLE_PROMPT ) then
    if ( $VIRTUAL_ENV_DISABLE_PROMPT == "" ) then
        set do_prompt = "1"
    else
        set do_prompt = "0"
    endif
else
    set do_prompt = "1"
endif

if ( $do_prompt == "1" ) then
    if ( $?prompt ) then
        set _OLD_VIRTUAL_PROMPT="$prompt:q"
        if ( "$prompt:q" !~ *"$newline:q"* ) then
            set prompt = '('"$VIRTUAL_ENV_PROMPT:q"') '"$prompt:q"
        endif
    endif
endif

unset do_prompt

alias pydoc python -m pydoc

rehash
`;
