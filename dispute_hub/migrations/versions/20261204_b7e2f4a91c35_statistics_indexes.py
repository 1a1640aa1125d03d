"""statistics indexes: closed cases counted from an index, first-instance conclusions joined by index only

Revision ID: b7e2f4a91c35
Revises: 9a4d2c7e1f30
Create Date: 2026-12-01 10:00:00

"""
from alembic import op


revision = 'b7e2f4a91c35'
down_revision = '9a4d2c7e1f30'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_disputes_closed_at_accepted_at', 'disputes', ['closed_at', 'accepted_at']),
    ('ix_disputes_id_stats', 'disputes',
     ['id', 'accepted_at', 'channel', 'organization_id', 'district_code', 'ip_type', 'cause_code']),
    ('ix_court_proceedings_concluded_stats', 'court_proceedings',
     ['first_instance_concluded_at', 'dispute_id', 'conclusion_type', 'appeal_filed_at', 'appeal_period_ends_on']),
)


def upgrade():
    # CONCURRENTLY on PostgreSQL: a table of a million cases keeps taking filings while its indexes are built
    with op.get_context().autocommit_block():
        for name, table, columns in INDEXES:
            op.create_index(name, table, columns, unique=False, postgresql_concurrently=True)


def downgrade():
    with op.get_context().autocommit_block():
        for name, table, _columns in INDEXES:
            op.drop_index(name, table_name=table, postgresql_concurrently=True)
