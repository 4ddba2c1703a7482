"""taskiq entry point for the original's "skip-install" mode.

waldiez-runner 0.7.1 as released on PyPI always runs `pip install -r requirements.txt` in the
per-task venv; the `skip_deps` form field of the server spec (§4.3, commit 3738494) is not in the
released wheel, so the API ignores it. This module reproduces what skip_deps=true does there
(task-app spec §1.3: the per-task venv is still created, pip is not run) by replacing the
worker's pip step with a no-op, then re-exports the original broker unchanged:

    taskiq worker skip_install_worker:broker --workers 1
"""
import logging

import waldiez_runner.tasks.runner as _runner

LOG = logging.getLogger(__name__)


async def _skip_pip(*_args, **_kwargs) -> None:  # same signature as runner.run_pip
    LOG.debug("skip-install mode: pip install skipped")


_runner.run_pip = _skip_pip

from waldiez_runner.worker import broker, scheduler  # noqa: E402,F401  (re-export)
