"""respondent's satisfaction rating

Revision ID: 9a4d2c7e1f30
Revises: 5e1a7c3d9b20
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9a4d2c7e1f30'
down_revision = '5e1a7c3d9b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('respondent_satisfaction', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_column('respondent_satisfaction')
