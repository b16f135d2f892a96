/**
 * cmd.exe activation and deactivation scripts (`Scripts\\activate.bat`, `Scripts\\deactivate.bat`).
 * Placeholders: `__VIRTUAL_ENV__`, `__VIRTUAL_PROMPT__`, `__BIN_NAME__`. Lines end with CRLF.
 */
export const ACTIVATE_BAT = [
  "@REM Run from cmd.exe: activate.bat. Written by gestvenv.",
  '@for /f "tokens=2 delims=:." %%a in (\'"%SystemRoot%\\System32\\chcp.com"\') do @set _OLD_CODEPAGE=%%a',
  '@if defined _OLD_CODEPAGE "%SystemRoot%\\System32\\chcp.com" 65001 > nul',
  '@set "VIRTUAL_ENV=__VIRTUAL_ENV__"',
  '@set "VIRTUAL_ENV_PROMPT=__VIRTUAL_PROMPT__"',
  '@if not defined PROMPT @set "PROMPT=$P$G"',
  '@if defined _OLD_VIRTUAL_PROMPT @set "PROMPT=%_OLD_VIRTUAL_PROMPT%"',
  '@if defined _OLD_VIRTUAL_PYTHONHOME @set "PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%"',
  '@set "_OLD_VIRTUAL_PROMPT=%PROMPT%"',
  '@set "PROMPT=(%VIRTUAL_ENV_PROMPT%) %PROMPT%"',
  '@if defined PYTHONHOME @set "_OLD_VIRTUAL_PYTHONHOME=%PYTHONHOME%"',
  "@set PYTHONHOME=",
  '@if defined _OLD_VIRTUAL_PATH @set "PATH=%_OLD_VIRTUAL_PATH%"',
  '@if not defined _OLD_VIRTUAL_PATH @set "_OLD_VIRTUAL_PATH=%PATH%"',
  '@set "PATH=%VIRTUAL_ENV%\\__BIN_NAME__;%PATH%"',
  '@if defined _OLD_CODEPAGE "%SystemRoot%\\System32\\chcp.com" %_OLD_CODEPAGE% > nul',
  "@set _OLD_CODEPAGE=",
  "",
].join("\r\n");

/** cmd.exe deactivation script. No placeholders. */
export const DEACTIVATE_BAT = [
  "@REM Run from cmd.exe: deactivate.bat. Written by gestvenv.",
  "@set VIRTUAL_ENV=",
  "@set VIRTUAL_ENV_PROMPT=",
  '@if defined _OLD_VIRTUAL_PROMPT @set "PROMPT=%_OLD_VIRTUAL_PROMPT%"',
  "@set _OLD_VIRTUAL_PROMPT=",
  '@if defined _OLD_VIRTUAL_PYTHONHOME @set "PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%"',
  "@set _OLD_VIRTUAL_PYTHONHOME=",
  '@if defined _OLD_VIRTUAL_PATH @set "PATH=%_OLD_VIRTUAL_PATH%"',
  "@set _OLD_VIRTUAL_PATH=",
  "",
].join("\r\n");
