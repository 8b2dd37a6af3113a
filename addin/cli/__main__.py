"""``python -m addin.cli``: the same as ``negotiate``."""

import sys

from addin.cli import main

sys.exit(main())
