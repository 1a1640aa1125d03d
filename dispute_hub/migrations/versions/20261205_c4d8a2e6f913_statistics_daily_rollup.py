"""statistics daily rollup: per Shanghai day and group, the case-based counts; its reach; dirty days

Revision ID: c4d8a2e6f913
Revises: b7e2f4a91c35
Create Date: 2026-12-01 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c4d8a2e6f913'
down_revision = 'b7e2f4a91c35'
branch_labels = None
depends_on = None

COUNTS = ('received', 'open_in', 'filings_closed', 'closed', 'open_out', 'on_time', 'days_total',
          'mediation_settled', 'mediation_failed', 'mediation_declined', 'ratings', 'satisfied', 'rejected_filings')


def upgrade():
    op.create_table('stats_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('scope_org_id', sa.Integer(), nullable=True),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=True),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_daily'))
    )
    with op.batch_alter_table('stats_daily', schema=None) as batch_op:
        batch_op.create_index('ix_stats_daily_dimension_scope_day', ['dimension', 'scope_org_id', 'day'],
                              unique=False)

    op.create_table('stats_rollup_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rolled_through', sa.Date(), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_rollup_state'))
    )

    op.create_table('stats_dirty_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_dirty_days'))
    )
    with op.batch_alter_table('stats_dirty_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_dirty_days_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('stats_dirty_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_dirty_days_day'))
    op.drop_table('stats_dirty_days')
    op.drop_table('stats_rollup_state')
    with op.batch_alter_table('stats_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_daily_dimension_scope_day')
    op.drop_table('stats_daily')
