"""Run the benchmark: ``python -m benchmarks.run`` from the template's root."""

import sys

from benchmarks.run.command_line import main

sys.exit(main())
