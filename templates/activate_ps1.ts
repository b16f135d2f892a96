/**
 * PowerShell activation script, dot-sourced as `. bin/Activate.ps1` (or `Scripts\\Activate.ps1`).
 * Placeholders: `__VIRTUAL_ENV__`, `__VIRTUAL_PROMPT__` (PowerShell single-quote escaped),
 * `__BIN_NAME__`, `__PATH_SEP__`.
 */
export const ACTIVATE_PS1 =
  `# Dot-source this file from PowerShell: \`. Activate.ps1\`. Written by gestvenv.
function global:deactivate([switch] $NonDestructive) {
    if (Test-Path variable:_OLD_VIRTUAL_PATH) {
        $env:PATH = $variable:_OLD_VIRTUAL_PATH
        Remove-Variable "_OLD_VIRTUAL_PATH" -Scope global
    }
    if (Test-Path function:_old_virtual_prompt) {
        $function:prompt = $function:_old_virtual_prompt
        Remove-Item function:\\_old_virtual_prompt
    }
    if (Test-Path env:VIRTUAL_ENV) { Remove-Item env:VIRTUAL_ENV -ErrorAction SilentlyContinue }
    if (Test-Path env:VIRTUAL_ENV_PROMPT) { Remove-Item env:VIRTUAL_ENV_PROMPT -ErrorAction SilentlyContinue }
    if (Test-Path variable:_OLD_VIRTUAL_PYTHONHOME) {
        $env:PYTHONHOME = $variable:_OLD_VIRTUAL_PYTHONHOME
        Remove-Variable "_OLD_VIRTUAL_PYTHONHOME" -Scope global
    }
    if (!$NonDestructive) { Remove-Item function:deactivate }
}

deactivate -NonDestructive

$env:VIRTUAL_ENV = '__VIRTUAL_ENV__'
$env:VIRTUAL_ENV_PROMPT = '__VIRTUAL_PROMPT__'

if (Test-Path env:PYTHONHOME) {
    New-Variable -Scope global -Name _OLD_VIRTUAL_PYTHONHOME -Value $env:PYTHONHOME
    Remove-Item env:PYTHONHOME
}

New-Variable -Scope global -Name _OLD_VIRTUAL_PATH -Value $env:PATH
$env:PATH = (Join-Path $env:VIRTUAL_ENV '__BIN_NAME__') + '__PATH_SEP__' + $env:PATH

if (!$env:VIRTUAL_ENV_DISABLE_PROMPT) {
    function global:_old_virtual_prompt { "" }
    $function:_old_virtual_prompt = $function:prompt
    function global:prompt {
        Write-Host -NoNewline "($env:VIRTUAL_ENV_PROMPT) "
        & $function:_old_virtual_prompt
    }
}
`;
