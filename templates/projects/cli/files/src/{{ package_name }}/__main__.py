"""`python -m {{ package_name }}` runs the command."""

from .cli import main

main()
