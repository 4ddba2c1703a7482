"""Bootstrap the original waldiez-runner's PostgreSQL database, like its container does.

The PyPI wheel ships the alembic migrations and the services but not the container's
scripts/initial_data.py, so this reproduces its two steps (server spec §3.3):
  1. apply the alembic migrations (the package's own waldiez_runner/migrations);
  2. create one client per audience (clients-api with LOCAL_CLIENT_ID/SECRET, tasks-api,
     admin-api) unless one exists, and append the new ones to clients.json.

Run with the original's venv python and its WALDIEZ_RUNNER_* environment.
Usage: python bootstrap.py CLIENTS_JSON
"""
import asyncio
import json
import os
import sys
from pathlib import Path

import waldiez_runner
from alembic import command
from alembic.config import Config


def migrate() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(waldiez_runner.__file__).parent / "migrations"))
    command.upgrade(cfg, "head")


async def clients(out: Path) -> None:
    from sqlalchemy import select

    from waldiez_runner.config import SettingsManager
    from waldiez_runner.dependencies.database import DatabaseManager
    from waldiez_runner.models import Client
    from waldiez_runner.schemas.client import ClientCreate
    from waldiez_runner.services import ClientService

    settings = SettingsManager.load_settings(force_reload=True)
    db = DatabaseManager(settings)
    wanted = [
        ("clients-api", "Default clients-api client",
         "Default client to handle other clients using the API",
         settings.local_client_id, settings.local_client_secret.get_secret_value()),
        ("tasks-api", "Tasks client", "Tasks management API", None, None),
        ("admin-api", "Admin client", "Admin management API", None, None),
    ]
    existing = json.loads(out.read_text()) if out.exists() else []
    try:
        async with db.session() as session:
            for audience, name, desc, cid, secret in wanted:
                row = (await session.execute(select(Client).where(Client.audience == audience))).scalars().first()
                if row is not None:
                    continue
                kwargs = {"audience": audience, "name": name, "description": desc}
                if cid:
                    kwargs["client_id"] = cid
                if secret:
                    kwargs["plain_secret"] = secret
                created = await ClientService.create_client(session, ClientCreate(**kwargs))
                existing.append({
                    "id": created.id, "client_id": created.client_id,
                    "client_secret": created.client_secret, "audience": audience,
                    "name": name, "description": desc,
                })
    finally:
        await db.close()
    out.write_text(json.dumps(existing, indent=2))
    print(f"bootstrap: {len(existing)} clients in {out}")


def main() -> None:
    out = Path(sys.argv[1])
    migrate()
    asyncio.run(clients(out))


if __name__ == "__main__":
    main()
