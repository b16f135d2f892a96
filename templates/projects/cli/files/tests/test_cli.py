{% if cli_framework == "typer" -%}
from typer.testing import CliRunner

from {{ package_name }} import __version__
from {{ package_name }}.cli import app as cli
{%- else -%}
from click.testing import CliRunner

from {{ package_name }} import __version__
from {{ package_name }}.cli import main as cli
{%- endif %}

runner = CliRunner()


def test_hello():
    result = runner.invoke(cli, ["hello", "Ada"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Hello, Ada!"


def test_hello_count():
    result = runner.invoke(cli, ["hello", "Ada", "--count", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.count("Hello, Ada!") == 3


def test_table_lists_every_name():
    result = runner.invoke(cli, ["table", "Ada", "Grace"])
    assert result.exit_code == 0, result.output
    assert "Hello, Ada!" in result.output
    assert "Hello, Grace!" in result.output


def test_an_empty_name_is_a_usage_error():
    result = runner.invoke(cli, ["hello", " "])
    assert result.exit_code == 2
    assert "must not be empty" in result.output


def test_a_count_below_one_is_refused():
    result = runner.invoke(cli, ["hello", "Ada", "--count", "0"])
    assert result.exit_code == 2


def test_version():
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0, result.output
    assert __version__ in result.output
