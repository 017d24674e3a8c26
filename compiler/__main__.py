"""`python -m mlpc`."""

from .cli import main

main()
