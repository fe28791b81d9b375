"""`python -m sync.pgsetup URL`: create central's PostgreSQL database if it does not exist yet (what
`make run-central` does first; the server and its migrations expect the database to be there)."""

import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def ensure_database(url: str) -> bool:
    """Create the database `url` names; True if it was created, False if it was there."""
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
        return True


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python -m sync.pgsetup postgresql+psycopg://user@host:port/database", file=sys.stderr)
        return 2
    try:
        created = ensure_database(sys.argv[1])
    except psycopg.OperationalError as error:
        print(f"Không kết nối được PostgreSQL: {error}", file=sys.stderr)
        return 1
    print("Đã tạo cơ sở dữ liệu." if created else "Cơ sở dữ liệu đã có.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
