/**
 * POSIX sh activation script (bash, zsh, dash, ksh), sourced as `. bin/activate`.
 * Placeholders: `__VIRTUAL_ENV__`, `__VIRTUAL_PROMPT__` (single-quote escaped), `__BIN_NAME__`.
 */
export const ACTIVATE_SH =
  `# Source this file from bash, zsh, dash or ksh: \`. bin/activate\`. Written by gestvenv.
if [ "\${BASH_SOURCE-}" = "$0" ]; then
    echo "This script must be sourced: . $0" >&2
    exit 33
fi

deactivate () {
    unset -f pydoc >/dev/null 2>&1 || true
    if [ -n "\${_OLD_VIRTUAL_PATH:+_}" ]; then
        PATH="$_OLD_VIRTUAL_PATH"
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    if [ -n "\${_OLD_VIRTUAL_PYTHONHOME+_}" ]; then
        PYTHONHOME="$_OLD_VIRTUAL_PYTHONHOME"
        export PYTHONHOME
        unset _OLD_VIRTUAL_PYTHONHOME
    fi
    hash -r 2>/dev/null || true
    if [ -n "\${_OLD_VIRTUAL_PS1+_}" ]; then
        PS1="$_OLD_VIRTUAL_PS1"
        export PS1
        unset _OLD_VIRTUAL_PS1
    fi
    unset VIRTUAL_ENV
    unset VIRTUAL_ENV_PROMPT
    if [ ! "\${1-}" = "nondestructive" ]; then
        unset -f deactivate
    fi
}

deactivate nondestructive

VIRTUAL_ENV='__VIRTUAL_ENV__'
export VIRTUAL_ENV

_OLD_VIRTUAL_PATH="$PATH"
PATH="$VIRTUAL_ENV/__BIN_NAME__:$PATH"
export PATH

VIRTUAL_ENV_PROMPT='__VIRTUAL_PROMPT__'
export VIRTUAL_ENV_PROMPT

if [ -n "\${PYTHONHOME+_}" ]; then
    _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME"
    unset PYTHONHOME
fi

if [ -z "\${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
    _OLD_VIRTUAL_PS1="\${PS1-}"
    PS1="(\${VIRTUAL_ENV_PROMPT}) \${PS1-}"
    export PS1
fi

pydoc () {
    python -m pydoc "$@"
}

hash -r 2>/dev/null || true
`;
