"""Store-day lookup: an index on (company, store, business_date) of store_days.

Every store-day a build records looks up its rows by company, store and date, over all targets;
the unique constraint leads with the target, so without this index each lookup scanned the whole
table and a batch slowed as the ledger grew.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("store_days_day", "store_days", ["company", "store", "business_date"])


def downgrade() -> None:
    op.drop_index("store_days_day", table_name="store_days")
