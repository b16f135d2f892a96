"""The `{{ project_name | downcase }}` command."""

from typing import List

{% if cli_framework == "typer" -%}
import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .core import greet

console = Console()
app = typer.Typer(help="{{ project_name }}: a command-line tool.", no_args_is_help=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"{{ project_name | downcase }} {__version__}")
        raise typer.Exit()


@app.callback()
def callback(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """{{ project_name }}: a command-line tool."""


def _greeting(name: str) -> str:
    try:
        return greet(name)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="NAME") from error


@app.command()
def hello(
    name: str,
    count: int = typer.Option(1, "--count", "-c", min=1, help="How many times."),
) -> None:
    """Greet NAME."""
    message = _greeting(name)
    for _ in range(count):
        console.print(message)


@app.command()
def table(names: List[str]) -> None:
    """Greet several NAMES, as a table."""
    result = Table("Name", "Greeting")
    for name in names:
        result.add_row(name, _greeting(name))
    console.print(result)


def main() -> None:
    """Entry point of the console script."""
    app()
{%- else -%}
import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .core import greet

console = Console()


def _greeting(name: str) -> str:
    try:
        return greet(name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from error


@click.group()
@click.version_option(__version__, prog_name="{{ project_name | downcase }}")
def main() -> None:
    """{{ project_name }}: a command-line tool."""


@main.command()
@click.argument("name")
@click.option("--count", "-c", default=1, show_default=True, type=click.IntRange(min=1), help="How many times.")
def hello(name: str, count: int) -> None:
    """Greet NAME."""
    message = _greeting(name)
    for _ in range(count):
        console.print(message)


@main.command()
@click.argument("names", nargs=-1, required=True)
def table(names: List[str]) -> None:
    """Greet several NAMES, as a table."""
    result = Table("Name", "Greeting")
    for name in names:
        result.add_row(name, _greeting(name))
    console.print(result)
{%- endif %}
