"""``python -m waldiez_task_runner``."""

import sys

from .cli import main

sys.exit(main())
