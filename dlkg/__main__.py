"""``python -m dlkg`` runs the ``dlkg`` command."""

import sys

from dlkg.launch import main

sys.exit(main())
