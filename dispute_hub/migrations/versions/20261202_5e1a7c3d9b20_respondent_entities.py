"""respondent entities and the links of respondent parties to them (repeat-respondent detection)

Revision ID: 5e1a7c3d9b20
Revises: 3c5e8a1f2b7d
Create Date: 2026-12-02 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a7c3d9b20'
down_revision = '3c5e8a1f2b7d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('respondent_entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('id_number', sa.String(length=32), nullable=True),
    sa.Column('name_core', sa.String(length=256), nullable=False),
    sa.Column('block', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent_entities')),
    sa.UniqueConstraint('id_number', name=op.f('uq_respondent_entities_id_number'))
    )
    with op.batch_alter_table('respondent_entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondent_entities_block'), ['block'], unique=False)
        batch_op.create_index(batch_op.f('ix_respondent_entities_name_core'), ['name_core'], unique=False)

    op.create_table('respondent_links',
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('matched_by', sa.String(length=16), nullable=False),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_respondent_links_dispute_id_disputes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['respondent_entities.id'], name=op.f('fk_respondent_links_entity_id_respondent_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_respondent_links_party_id_parties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('party_id', name=op.f('pk_respondent_links'))
    )
    with op.batch_alter_table('respondent_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondent_links_dispute_id'), ['dispute_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_respondent_links_entity_id'), ['entity_id'], unique=False)


def downgrade():
    with op.batch_alter_table('respondent_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_respondent_links_entity_id'))
        batch_op.drop_index(batch_op.f('ix_respondent_links_dispute_id'))
    op.drop_table('respondent_links')
    with op.batch_alter_table('respondent_entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_respondent_entities_name_core'))
        batch_op.drop_index(batch_op.f('ix_respondent_entities_block'))
    op.drop_table('respondent_entities')
