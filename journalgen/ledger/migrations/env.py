"""Alembic environment: migrations run by the ledger itself, on the connection it opens."""

from alembic import context

from journalgen.ledger.models import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
