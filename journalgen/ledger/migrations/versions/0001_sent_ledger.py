"""The sent-ledger: store-days, emissions, emitted entries.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_days",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("business_date", sa.Date, nullable=False),
        sa.UniqueConstraint("target", "company", "store", "business_date"),
    )
    op.create_table(
        "emissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("store_day_id", sa.Integer, sa.ForeignKey("store_days.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("folder", sa.String(64), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("output_hash", sa.String(64), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("store_day_id", "number"),
    )
    op.create_table(
        "emitted_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("emission_id", sa.Integer, sa.ForeignKey("emissions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("emission_id", "role", "key"),
    )
    op.create_index("emitted_entries_emission", "emitted_entries", ["emission_id"])


def downgrade() -> None:
    op.drop_table("emitted_entries")
    op.drop_table("emissions")
    op.drop_table("store_days")
