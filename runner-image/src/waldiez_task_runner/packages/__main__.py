"""``python -m waldiez_task_runner.packages``: build an environment, or say what a flow needs.

    build --dir ENTRY --key KEY --base FINGERPRINT --requirement R [--requirement R ...]
        install into ENTRY (its contents are replaced); policy from WALDIEZ_PACKAGES_* variables,
        the index from pip's own configuration (PIP_INDEX_URL, pip.conf). Exit 0, or 1 with a last
        line "waldiez-packages: failed: <summary>".
    resolve FLOW
        print, as JSON, what FLOW needs beyond this environment and the key of its environment
        (WALDIEZ_PACKAGES_INDEX as the supervisor sets it); nothing is installed.
    fingerprint
        print this environment's base fingerprint.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import flow_requirements
from . import requirements as reqs
from .build import BuildFailed, BuildOptions, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m waldiez_task_runner.packages")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="install requirements into an environment directory")
    b.add_argument("--dir", required=True, type=Path)
    b.add_argument("--key", required=True)
    b.add_argument("--base", required=True)
    b.add_argument("--requirement", action="append", required=True, dest="requirements")
    r = sub.add_parser("resolve", help="what a flow needs beyond this environment")
    r.add_argument("flow", type=Path)
    sub.add_parser("fingerprint", help="this environment's base fingerprint")
    args = parser.parse_args(argv)

    if args.command == "fingerprint":
        print(reqs.base_fingerprint())
        return 0
    if args.command == "resolve":
        return _resolve(args.flow)
    try:
        build(args.dir, args.key, args.base, args.requirements, BuildOptions.from_env(), sys.stdout)
    except BuildFailed:
        return 1
    return 0


def _resolve(flow: Path) -> int:
    import os  # noqa: PLC0415

    from .. import flow as flows  # noqa: PLC0415

    waldiez = flows.load_flow(flow)
    dists = reqs.base_distributions()
    needed = [str(r) for r in reqs.missing(reqs.canonical_set(flow_requirements(waldiez)), dists)]
    base = reqs.base_fingerprint(dists)
    key = reqs.env_key(base, os.environ.get("WALDIEZ_PACKAGES_INDEX", ""), needed) if needed else None
    print(json.dumps({"requirements": needed, "base": base, "key": key}))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
