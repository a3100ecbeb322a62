"""Versioned schema: numbered SQL files applied once each, recorded in ``schema_migrations``.

Files are ``sql/migrations/NNN_name.sql`` numbered 1, 2, 3 ... without gaps. Each pending file runs
in its own transaction together with its ``schema_migrations`` row, so a failing migration leaves
the schema as it was. Applied files are append-only: editing one changes its checksum and
``apply()`` refuses to run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from briefings.errors import MigrationError
from briefings.settings import MIGRATIONS_DIR

__all__ = ["MIGRATIONS_DIR", "Migration", "AppliedMigration", "Migrations"]

_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

_BOOTSTRAP = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER NOT NULL PRIMARY KEY,
    name        VARCHAR NOT NULL,
    checksum    VARCHAR NOT NULL,   -- hex SHA-256 of the file's bytes
    applied_at  TIMESTAMP NOT NULL  -- UTC
)
"""


@dataclass(frozen=True)
class Migration:
    """One migration file.

    Attributes:
        version: the file's number (``003_x.sql`` -> 3).
        name: the file's stem after the number (``x``).
        path: where the file is.
        checksum: hex SHA-256 of the file's bytes.
    """

    version: int
    name: str
    path: Path
    checksum: str

    @property
    def sql(self) -> str:
        """The file's text (UTF-8)."""
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class AppliedMigration:
    """A row of ``schema_migrations``; ``applied_at`` is UTC."""

    version: int
    name: str
    checksum: str
    applied_at: datetime


class Migrations:
    """The migrations of ``directory`` against the warehouse open on ``con``.

    Args:
        con: a DuckDB connection; ``apply()`` needs it writable, ``applied()`` / ``pending()`` do not.
        directory: folder of ``NNN_name.sql`` files (default ``sql/migrations`` of the project).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> None:
        self.con = con
        self.directory = Path(directory)

    def available(self) -> list[Migration]:
        """Migration files of ``directory``, by version.

        Raises:
            MigrationError: a ``.sql`` file is not named ``NNN_name.sql``, two share a number,
                or the numbering does not run 1, 2, 3 ... without a gap.
        """
        found: list[Migration] = []
        for path in sorted(self.directory.glob("*.sql")):
            match = _FILE.match(path.name)
            if not match:
                raise MigrationError(f"migration file {path.name!r} is not named NNN_name.sql ({self.directory})")
            data = path.read_bytes()
            found.append(Migration(int(match.group(1)), match.group(2), path, hashlib.sha256(data).hexdigest()))
        found.sort(key=lambda m: m.version)
        for expected, migration in enumerate(found, start=1):
            if migration.version != expected:
                raise MigrationError(
                    f"gap or duplicate in migration numbering: expected {expected:03d}, found "
                    f"{migration.path.name} in {self.directory}"
                )
        return found

    def applied(self) -> list[AppliedMigration]:
        """Rows of ``schema_migrations`` by version; empty when the table does not exist. Read-only."""
        exists = self.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations' "
            "AND database_name = current_database() AND schema_name = 'main'"
        ).fetchall()[0][0]
        if not exists:
            return []
        rows = self.con.execute(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
        ).fetchall()
        return [AppliedMigration(*row) for row in rows]

    def pending(self) -> list[Migration]:
        """Files not yet applied, by version, after verifying the applied ones. Read-only.

        Raises:
            MigrationError: an applied file changed (checksum differs), is missing, or numbering has a gap.
        """
        available = {m.version: m for m in self.available()}
        applied = self.applied()
        for row in applied:
            migration = available.get(row.version)
            if migration is None:
                raise MigrationError(
                    f"migration {row.version:03d}_{row.name} is applied to the warehouse but its file is "
                    f"missing from {self.directory}; migrations are append-only"
                )
            if migration.checksum != row.checksum:
                raise MigrationError(
                    f"migration {migration.path.name} changed after it was applied (checksum "
                    f"{row.checksum[:12]}... in schema_migrations, {migration.checksum[:12]}... on disk); "
                    f"migrations are append-only: restore the file and add a new numbered migration"
                )
        done = {row.version for row in applied}
        return [m for v, m in sorted(available.items()) if v not in done]

    def apply(self) -> list[int]:
        """Apply every pending migration, each in its own transaction with its ``schema_migrations`` row.

        Returns:
            Versions applied, ascending (empty when the schema is current).
        Raises:
            MigrationError: see ``pending()``; or a migration's SQL failed (that migration is rolled
                back, earlier ones stay applied).
        """
        pending = self.pending()
        if not pending:
            return []
        self.con.execute(_BOOTSTRAP)
        done: list[int] = []
        for migration in pending:
            try:
                self.con.execute("BEGIN TRANSACTION")
                self.con.execute(migration.sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES ($version, $name, $checksum, $applied_at)",
                    {
                        "version": migration.version,
                        "name": migration.name,
                        "checksum": migration.checksum,
                        "applied_at": datetime.now(timezone.utc).replace(tzinfo=None),
                    },
                )
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                _rollback(self.con)
                raise MigrationError(f"migration {migration.path.name} failed and was rolled back: {exc}") from exc
            done.append(migration.version)
        return done


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # no transaction was open
