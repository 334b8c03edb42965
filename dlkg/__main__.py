"""``python -m dlkg`` runs the ``dlkg`` command."""

from dlkg.cli import main

main()
